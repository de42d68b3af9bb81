"""A small authoritative DNS server on loopback for tests (dnspython, UDP and TCP, ephemeral port).

It serves the records it is given — TXT for SPF, `<selector>._domainkey` DKIM keys and `_dmarc`
policies, A records if wanted — answers NXDOMAIN for unknown names and an empty answer for a known
name without that type. Records can be changed while it runs (`records[name][type] = [...]`), and
`delay` (seconds) makes every answer late, like a slow resolver.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections import defaultdict

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class Records(defaultdict):
    """name (lower case, no trailing dot) → record type → list of record texts (zone-file syntax)."""

    def __init__(self) -> None:
        super().__init__(dict)

    def txt(self, name: str, *values: str) -> None:
        self[name.lower()]["TXT"] = [_quoted(v) for v in values]


def _quoted(value: str) -> str:
    """A TXT value as zone-file strings, split in 255-byte pieces (long DKIM keys)."""
    pieces = [value[i : i + 250] for i in range(0, len(value), 250)] or [""]
    return " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pieces)


def answer(records: Records, wire: bytes) -> bytes:
    query = dns.message.from_wire(wire)
    response = dns.message.make_response(query)
    response.flags |= 0x0400  # AA
    question = query.question[0]
    name = question.name.to_text(omit_final_dot=True).lower()
    if name not in records:
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()
    rdtype = dns.rdatatype.to_text(question.rdtype)
    values = records[name].get(rdtype, [])
    if values:
        response.answer.append(dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, rdtype, values))
    return response.to_wire()


class DnsServer:
    """UDP and TCP on 127.0.0.1, the same ephemeral port; `address` is `127.0.0.1:<port>`."""

    def __init__(self, records: Records | None = None) -> None:
        self.records = records if records is not None else Records()
        self.delay = 0.0
        self.queried = threading.Event()  # set on every query (a test can wait for the first)
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                server.queried.set()
                if server.delay:
                    time.sleep(server.delay)
                sock.sendto(answer(server.records, data), self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = self.request.recv(2)
                if len(head) < 2:
                    return
                (length,) = struct.unpack("!H", head)
                data = b""
                while len(data) < length:
                    chunk = self.request.recv(length - len(data))
                    if not chunk:
                        return
                    data += chunk
                reply = answer(server.records, data)
                self.request.sendall(struct.pack("!H", len(reply)) + reply)

        self.udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
        port = self.udp.server_address[1]
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
        self.port = port
        self.address = f"127.0.0.1:{port}"
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.udp, self.tcp)]

    def start(self) -> DnsServer:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for s in (self.udp, self.tcp):
            s.shutdown()
            s.server_close()


def closed_port() -> int:
    """A loopback UDP port where nothing listens (a DNS server that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
