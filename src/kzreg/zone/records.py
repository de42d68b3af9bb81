"""Zone-file lines in master-file syntax (RFC 1035 §5), and the name rules the exporter applies.

Every owner and target is written absolute (trailing dot) in A-label form, one record per line, without
TTL or class (the `$TTL` line and IN apply), so the file is unambiguous and cheap to produce.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable


def in_zone(name: str, zone: str) -> bool:
    """Whether `name` lies inside `zone` (both A-labels without trailing dot)."""
    return name == zone or name.endswith("." + zone)


def owner_domain(host: str, zone: str) -> str | None:
    """The second-level registration a host lies under (`ns1.a.example.kz` → `example.kz`), or None."""
    if not host.endswith("." + zone):
        return None
    labels = host[: -len(zone) - 1].split(".")
    return f"{labels[-1]}.{zone}" if labels[-1] else None


def header(origin: str, ttl: int) -> str:
    return f"$ORIGIN {origin}.\n$TTL {ttl}\n"


def soa_line(zone: str, mname: str, rname: str, serial: int, timers: tuple[int, int, int, int]) -> str:
    """The SOA; `rname` may be given as an e-mail address (hostmaster@nic.kz) or in DNS form."""
    mailbox = _rname(rname)
    refresh, retry, expire, minimum = timers
    return f"{zone}.\tSOA\t{_absolute(mname)} {mailbox} {serial} {refresh} {retry} {expire} {minimum}\n"


def soa_fields_text(mname: str, rname: str, timers: tuple[int, int, int, int]) -> str:
    """The SOA without its serial: what the content digest covers of the SOA."""
    return f"{_absolute(mname)} {_rname(rname)} {' '.join(map(str, timers))}\n"


def ns_line(owner: str, target: str) -> str:
    return f"{owner}.\tNS\t{target}.\n"


def address_lines(owner: str, addresses: Iterable[str]) -> str:
    """A/AAAA lines for the addresses that parse; anything else is left out (it would break the zone)."""
    out = []
    for text in addresses:
        try:
            addr = ipaddress.ip_address(str(text).strip())
        except ValueError:
            continue
        out.append(f"{owner}.\t{'A' if addr.version == 4 else 'AAAA'}\t{addr.compressed}\n")
    return "".join(out)


DIGEST_BYTES = {1: 20, 2: 32, 3: 32, 4: 48}  # SHA-1, SHA-256, GOST R 34.11-94, SHA-384 (RFC 4034/4509/5933/6605)
HEX = frozenset("0123456789ABCDEF")


def ds_lines(owner: str, records: Iterable[str]) -> tuple[str, list[str]]:
    """DS lines in canonical form, and the records left out because DNS would reject them.

    The registry stores `keytag algorithm digest-type HEX` after a syntax check; BIND and Knot also reject
    a digest whose length does not fit its known digest type, which would break the whole zone, so such a
    record is left out here (and reported). Checked by hand: dnspython's parser costs ~1 ms a record.
    """
    lines, rejected = [], []
    for text in records:
        parts = str(text).split()
        digest = "".join(parts[3:]).upper()
        if (
            len(parts) < 4
            or not all(p.isdigit() for p in parts[:3])
            or int(parts[0]) > 65535
            or int(parts[1]) > 255
            or not 0 < int(parts[2]) < 256
            or not digest
            or len(digest) % 2
            or not HEX.issuperset(digest)
            or len(digest) // 2 != DIGEST_BYTES.get(int(parts[2]), len(digest) // 2)
        ):
            rejected.append(str(text))
            continue
        lines.append(f"{owner}.\tDS\t{int(parts[0])} {int(parts[1])} {int(parts[2])} {digest}\n")
    return "".join(lines), rejected


def _absolute(name: str) -> str:
    name = name.strip().lower()
    return name if name.endswith(".") else name + "."


def _rname(rname: str) -> str:
    text = rname.strip().lower()
    if "@" in text:
        local, _, domain = text.partition("@")
        text = local.replace(".", "\\.") + "." + domain
    return _absolute(text)
