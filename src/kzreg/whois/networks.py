"""Which network a client address counts as, for the rate limit and the connection caps.

One holder of many addresses must get one share, not one per address: an IPv6 site is given a /64
(or more), and an IPv4 block is leased, routed and abused by the /24, the smallest prefix routed on
the Internet. So addresses are grouped by prefix (`Limits.ipv4_prefix`, `ipv6_prefix`); the key
names the network (`192.0.2.0/24`), which the rate-limit notice shows. IPv4 is the common case and
is keyed without `ipaddress` objects, which cost more than the rest of a cached answer's connection.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable


def network_key(ipv4_prefix: int = 24, ipv6_prefix: int = 64) -> Callable[[str], str]:
    """A function address → its network's key, for these prefixes."""
    v4 = _ipv4_key(ipv4_prefix)

    def key(address: str) -> str:
        if ":" not in address:
            return v4(address)
        if address.startswith("::ffff:") and "." in address:  # IPv4 on a dual-stack socket
            return v4(address[7:])
        try:
            ip = ipaddress.IPv6Address(address)
        except ValueError:
            return address
        if ip.ipv4_mapped is not None:
            return v4(str(ip.ipv4_mapped))
        return str(ipaddress.IPv6Network((int(ip) >> (128 - ipv6_prefix) << (128 - ipv6_prefix), ipv6_prefix)))

    return key


def _ipv4_key(prefix: int) -> Callable[[str], str]:
    if prefix == 32:
        return lambda address: address
    if prefix == 24:

        def by_24(address: str) -> str:
            head, dot, _ = address.rpartition(".")
            return f"{head}.0/24" if dot and head.count(".") == 2 else address

        return by_24
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    suffix = f"/{prefix}"

    def by_prefix(address: str) -> str:
        try:
            number = int.from_bytes(socket.inet_aton(address), "big") & mask
        except OSError:
            return address
        return socket.inet_ntoa(number.to_bytes(4, "big")) + suffix

    return by_prefix
