"""The frame reader and writer on a plain socket pair (no TLS, no database): whole frames in one read,
several frames or a frame in pieces, the limits, and no `settimeout` per command with the default limits
(the socket keeps one timeout; a longer wait is several steps against its deadline)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from kzreg.epp import framing
from kzreg.epp.framing import BadHeader, FrameReader, IdleTimeout, Limits, PartialFrame, PeerClosed


class CountingSocket:
    """A socket that counts `settimeout` calls (each an ioctl that lets go of the interpreter lock)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.timeouts: list[float | None] = []

    def settimeout(self, value: float | None) -> None:
        self.timeouts.append(value)
        self.sock.settimeout(value)

    def __getattr__(self, name: str):  # recv, sendall, gettimeout
        return getattr(self.sock, name)


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield CountingSocket(a), b
    a.close()
    b.close()


def test_whole_frames_in_one_read_and_in_pieces(pair):
    server, client = pair
    reader = FrameReader(server, Limits())  # type: ignore[arg-type]
    client.sendall(framing.encode(b"<one/>"))
    assert reader.read() == b"<one/>"
    client.sendall(framing.encode(b"<two/>") + framing.encode(b"<three/>"))  # two frames in one read
    assert reader.read() == b"<two/>" and reader.read() == b"<three/>"
    frame = framing.encode(b"<four>" + b"x" * 100 + b"</four>")
    client.sendall(frame[:2])  # half a header, then the rest

    def rest() -> None:
        time.sleep(0.05)
        client.sendall(frame[2:50])
        time.sleep(0.05)
        client.sendall(frame[50:])

    threading.Thread(target=rest).start()
    assert reader.read() == frame[4:]


def test_no_settimeout_per_command_with_the_default_limits(pair):
    server, client = pair
    limits = Limits()
    reader = FrameReader(server, limits)  # type: ignore[arg-type]
    for i in range(20):
        client.sendall(framing.encode(b"<c%d/>" % i))
        assert reader.read() == b"<c%d/>" % i
        framing.write(server, b"<r/>", limits.write_timeout)  # type: ignore[arg-type]
    assert server.timeouts == [limits.write_timeout]  # set once, by the first read: the step is 30 s


def test_a_frame_over_the_limit_is_refused_even_when_it_came_whole(pair):
    server, client = pair
    reader = FrameReader(server, Limits(max_frame=64))  # type: ignore[arg-type]
    client.sendall(framing.encode(b"<x>" + b"y" * 100 + b"</x>"))
    with pytest.raises(BadHeader, match="longer than the limit of 64"):
        reader.read()


def test_idle_and_partial_frames_time_out_against_their_deadlines(pair):
    server, client = pair
    limits = Limits(idle_timeout=0.3, frame_timeout=0.1, write_timeout=0.1)  # the idle wait is three steps
    reader = FrameReader(server, limits)  # type: ignore[arg-type]
    with pytest.raises(IdleTimeout):
        reader.read()
    assert server.timeouts[0] == 0.1 and len(server.timeouts) <= 2  # steps of 0.1 s, the last maybe shorter
    client.sendall(framing.encode(b"<half/>")[:6])
    with pytest.raises(PartialFrame, match="6 of 11 bytes"):
        reader.read()
    client.close()
    reader.buffer.clear()
    with pytest.raises(PeerClosed):
        reader.read()
