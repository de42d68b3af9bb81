"""The DNS resolver that every inbound-mail check uses (SPF, DKIM and DMARC alike).

`KZREG_DNS_RESOLVER` names it (`host[:port]`, several separated by commas; IPv6 as `[::1]:53`); empty
means the system's (`/etc/resolv.conf`). `KZREG_DNS_TIMEOUT` (seconds, default 5) bounds one lookup.
A resolver that cannot answer (timeout, refused, SERVFAIL) raises `DnsTrouble`: the checks record it
as `temperror`, which never proves a sender — an outage must not read as "no record".
"""

from __future__ import annotations

import functools
import os

import dns.exception
import dns.nameserver
import dns.resolver


class DnsTrouble(Exception):
    """No answer could be had: a temporary error, never the same as a name without records."""


def resolver_setting() -> str:
    return (os.environ.get("KZREG_DNS_RESOLVER") or "").strip()


def timeout_setting() -> float:
    return float(os.environ.get("KZREG_DNS_TIMEOUT") or 5)


def parse_servers(setting: str) -> list[tuple[str, int]]:
    """`127.0.0.1:5353, [::1]:53, 10.0.0.1` → [(address, port), ...]."""
    servers = []
    for item in filter(None, (s.strip() for s in setting.split(","))):
        if item.startswith("["):
            address, _, rest = item[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else 53
        elif item.count(":") == 1:
            address, port_text = item.split(":")
            port = int(port_text)
        else:
            address, port = item, 53
        servers.append((address, port))
    return servers


@functools.lru_cache(maxsize=8)
def _resolver(setting: str, timeout: float) -> dns.resolver.Resolver:
    if setting:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(a, p) for a, p in parse_servers(setting)]
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def resolver() -> dns.resolver.Resolver:
    """The configured resolver (read from the environment each time, built once per setting)."""
    return _resolver(resolver_setting(), timeout_setting())


def lookup(name: str, rdtype: str) -> list:
    """The records of one type at `name`; [] when the name or the type has none; `DnsTrouble` else."""
    try:
        answer = resolver().resolve(name, rdtype, search=False, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return []
    except (dns.exception.DNSException, OSError) as exc:
        raise DnsTrouble(f"{name} {rdtype}: {type(exc).__name__}: {exc}") from exc
    return list(answer.rrset) if answer.rrset is not None else []


def txt(name: str) -> list[bytes]:
    """TXT records, each one's strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2)."""
    return [b"".join(record.strings) for record in lookup(name, "TXT")]


def dkim_key_record(name: bytes, timeout: float = 5) -> bytes | None:
    """dkimpy's `dnsfunc`: the key record at `<selector>._domainkey.<domain>`; `DnsTrouble` passes
    through (dkimpy would turn its own timeout error into a plain 'fail')."""
    records = txt(name.decode("ascii", "replace"))
    return records[0] if records else None


def spf_lookup(name: str, qtype: str, strict: bool = True, timeout: float = 30) -> list:
    """pyspf's `DNSLookup` with this resolver: [((name, qtype), value), ...] as pyspf expects."""
    import spf

    try:
        records = lookup(name, qtype)
    except DnsTrouble as exc:
        raise spf.TempError(f"DNS {exc}") from exc
    out: list = []
    for rdata in records:
        if qtype in ("A", "AAAA"):
            out.append(((name, qtype), rdata.address))
        elif qtype == "MX":
            out.append(((name, qtype), (rdata.preference, rdata.exchange)))
        elif qtype == "PTR":
            out.append(((name, qtype), rdata.target.to_text(True)))
        elif qtype in ("TXT", "SPF"):
            out.append(((name, qtype), rdata.strings))
    return out
