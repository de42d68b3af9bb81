"""RFC 5734 §4 frames over a (TLS) socket: a 4-byte big-endian length that counts itself, then the XML.

Reading is bounded three ways, so that one client cannot hold the server: a frame longer than the limit
is refused from its header alone (nothing of it is buffered), a frame must arrive whole within
`frame_timeout` of its first byte (a client that sends half a frame and waits is cut), and a session that
sends nothing for `idle_timeout` is closed. Writing is bounded by `write_timeout`: a client that never
reads fills the kernel's buffers, the send blocks, and after that time the connection is dropped.
"""

from __future__ import annotations

import socket
import ssl
import struct
import time
from dataclasses import dataclass

HEADER = struct.Struct(">I")
HEADER_SIZE = HEADER.size
CHUNK = 65536


@dataclass(frozen=True)
class Limits:
    max_frame: int = 1 << 20  # bytes, header included (KZREG_EPP_MAX_FRAME)
    idle_timeout: float = 600.0  # seconds without a command before the server closes the session
    frame_timeout: float = 30.0  # seconds from a frame's first byte to its last
    write_timeout: float = 30.0  # seconds a response may wait for a client that does not read
    handshake_timeout: float = 30.0  # seconds for the TLS handshake


class FrameError(Exception):
    """The connection cannot go on; `reason` says why (for the log and, where possible, the client)."""

    answerable = False  # whether the client may still get a response before the close

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PeerClosed(FrameError):
    pass


class IdleTimeout(FrameError):
    answerable = True


class PartialFrame(FrameError):
    """A frame that did not arrive whole in time (shorter than its header said)."""

    answerable = True


class BadHeader(FrameError):
    """A length the server will not read: over the limit, or too small to hold anything."""

    answerable = True


def encode(payload: bytes) -> bytes:
    return HEADER.pack(len(payload) + HEADER_SIZE) + payload


def take_frame(buffer: bytearray, max_frame: int) -> bytes | None:
    """The first whole frame's payload, removed from `buffer`; None while it is incomplete (the server's
    loop keeps the bytes and waits, under its frame deadline). `BadHeader` for a length over `max_frame`
    or too small to hold a document, judged from the header alone."""
    if len(buffer) < HEADER_SIZE:
        return None
    length = HEADER.unpack_from(buffer)[0]
    if length > max_frame:
        raise BadHeader(f"frame of {length} bytes is longer than the limit of {max_frame}")
    if length <= HEADER_SIZE:
        raise BadHeader(f"frame length {length} leaves no room for a document")
    if len(buffer) < length:
        return None
    payload = bytes(buffer[HEADER_SIZE:length])
    del buffer[:length]
    return payload


class FrameReader:
    """Reads whole frames from one socket, keeping what arrived after a frame for the next one.

    The socket keeps one timeout, `step` (the shortest of the limits; 30 s by default, the same as the
    writes'), and a longer wait is several steps against its deadline: a command then costs no
    `settimeout` (an ioctl that also lets go of the interpreter lock, so under load a hand-over between
    the session threads), where setting the idle timeout before each read and the write timeout before
    each answer cost two. Only the last step before a deadline shorter than `step` sets a timeout."""

    def __init__(self, sock: socket.socket, limits: Limits):
        self.sock = sock
        self.limits = limits
        self.buffer = bytearray()
        self.step = min(limits.idle_timeout, limits.frame_timeout, limits.write_timeout)

    def _receive(self, deadline: float) -> None:
        """One recv into the buffer; `TimeoutError` when nothing came before `deadline` (monotonic)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            timeout = self.step if remaining >= self.step else max(remaining, 0.001)
            if self.sock.gettimeout() != timeout:
                self.sock.settimeout(timeout)
            try:
                chunk = self.sock.recv(CHUNK)
                break
            except TimeoutError:
                continue  # a step passed: the deadline decides
            except (ssl.SSLError, OSError) as error:
                raise PeerClosed(f"connection error: {error.__class__.__name__}") from None
        if not chunk:
            raise PeerClosed("the client closed the connection")
        self.buffer += chunk

    def read(self) -> bytes:
        """The next frame's payload, or a `FrameError`."""
        limits = self.limits
        if not self.buffer:
            try:
                self._receive(time.monotonic() + limits.idle_timeout)
            except TimeoutError:
                raise IdleTimeout(f"no command for {limits.idle_timeout:g} seconds") from None
            buffer = self.buffer
            whole = len(buffer) >= HEADER_SIZE and HEADER.unpack_from(buffer)[0] == len(buffer) > HEADER_SIZE
            if whole and len(buffer) <= limits.max_frame:
                self.buffer = bytearray()  # the usual case: one whole frame in one read
                return bytes(buffer[HEADER_SIZE:])
        deadline = time.monotonic() + limits.frame_timeout
        self._wait_for(HEADER_SIZE, deadline)
        length = HEADER.unpack_from(self.buffer)[0]
        if length > limits.max_frame:
            raise BadHeader(f"frame of {length} bytes is longer than the limit of {limits.max_frame}")
        if length <= HEADER_SIZE:
            raise BadHeader(f"frame length {length} leaves no room for a document")
        self._wait_for(length, deadline)
        payload = bytes(self.buffer[HEADER_SIZE:length])
        del self.buffer[:length]
        return payload

    def _wait_for(self, size: int, deadline: float) -> None:
        while len(self.buffer) < size:
            try:
                self._receive(deadline)
            except TimeoutError:
                raise PartialFrame(
                    f"frame incomplete after {self.limits.frame_timeout:g} seconds ({len(self.buffer)} of {size} bytes)"
                ) from None


def write(sock: socket.socket, payload: bytes, timeout: float) -> None:
    """Sends one frame; `FrameError` when the client has not taken it within `timeout` seconds."""
    if sock.gettimeout() != timeout:  # the reader's step is the write timeout by default: no ioctl
        sock.settimeout(timeout)
    try:
        sock.sendall(encode(payload))
    except TimeoutError:
        raise FrameError(f"the client did not read a response for {timeout:g} seconds") from None
    except (ssl.SSLError, OSError) as error:
        raise PeerClosed(f"connection error while writing: {error.__class__.__name__}") from None
