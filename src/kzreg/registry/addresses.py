"""Which IP addresses a name server may have (R11): public unicast ones only.

An address that is well formed but lies in a special-purpose range (IANA's IPv4 and IPv6 Special-Purpose
Address Registries, multicast, IPv6 space outside 2000::/3) is named with its range, so the sender
learns that the address is valid but not public, and why. The table is ours rather than
`ipaddress.is_global`, which lets multicast through and changes from one Python version to the next.
"""

from __future__ import annotations

import ipaddress

# (range, kind): the first range that holds an address names it, so narrower ranges come first. The
# kinds are translated in `kzreg.core.messages.ADDRESS_RANGES`.
_RANGES = {
    4: (
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "this_network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link_local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "protocol"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "relay_6to4"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "future"),
    ),
    6: (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::ffff:0:0/96", "mapped"),
        ("64:ff9b::/96", "translation"),
        ("64:ff9b:1::/48", "translation"),
        ("100::/64", "discard"),
        ("2001::/23", "protocol"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("fc00::/7", "unique_local"),
        ("fe80::/10", "link_local"),
        ("ff00::/8", "multicast"),
        # The rest of the IPv6 space outside 2000::/3, as IANA's IPv6 Address Space registry lists it.
        *((block, "ietf_reserved") for block in (
            "::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4", "4000::/3", "6000::/3",
            "8000::/3", "a000::/3", "c000::/3", "e000::/4", "f000::/5", "f800::/6", "fe00::/9", "fec0::/10",
        )),
    ),
}  # fmt: skip
_NETWORKS = {
    version: tuple((ipaddress.ip_network(net), kind) for net, kind in table) for version, table in _RANGES.items()
}


def reserved_range(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[str, str] | None:
    """(range, kind) of the special-purpose range that holds `address`; None for a public address."""
    for network, kind in _NETWORKS[address.version]:
        if address in network:
            return str(network), kind
    return None
