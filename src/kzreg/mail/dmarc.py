"""DMARC (RFC 7489): the policy a From domain publishes, its organizational domain, and alignment.

The organizational domain comes from the Public Suffix List bundled with authheaders (read once per
process). Policy discovery asks `_dmarc.<From domain>`, then `_dmarc.<organizational domain>`; a name
with no `v=DMARC1` record, or with more than one, has no policy (§6.6.3).
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass

from kzreg.mail.resolver import txt


@functools.lru_cache(maxsize=1)
def _suffix_list():
    from publicsuffix2 import PublicSuffixList

    resource = importlib.resources.files("authheaders") / "public_suffix_list.txt"
    with importlib.resources.as_file(resource) as path, open(path, encoding="utf-8") as handle:
        return PublicSuffixList(handle)


@functools.lru_cache(maxsize=4096)
def organizational_domain(domain: str) -> str:
    """`mail.example.kz` → `example.kz`; `x.gov.kz` → `x.gov.kz` (a public suffix stays itself)."""
    domain = domain.lower().rstrip(".")
    return _suffix_list().get_public_suffix(domain) or domain


def aligned(domain: str, from_domain: str, mode: str = "r") -> bool:
    """Identifier alignment (§3.1): strict = the same name, relaxed = the same organizational domain."""
    domain, from_domain = domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not domain or not from_domain:
        return False
    if mode == "s":
        return domain == from_domain
    return organizational_domain(domain) == organizational_domain(from_domain)


@dataclass(frozen=True)
class Policy:
    domain: str  # where the record was found
    tags: dict

    def policy_for(self, from_domain: str) -> str:
        """`p`, or `sp` when the record is the organizational domain's and From is a subdomain."""
        if from_domain != self.domain and "sp" in self.tags:
            return self.tags["sp"]
        return self.tags.get("p", "none")


def parse_record(record: str) -> dict | None:
    """`v=DMARC1; p=reject; adkim=s` → tags (lower-case); None unless it starts with v=DMARC1 and has p."""
    if not record.startswith("v=DMARC1"):
        return None
    tags = {}
    for item in record.split(";"):
        key, sep, value = item.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip().lower()
    return tags if tags.get("v") == "dmarc1" and "p" in tags else None


def _record_at(domain: str) -> dict | None:
    found = [tags for raw in txt(f"_dmarc.{domain}") if (tags := parse_record(raw.decode("utf-8", "replace")))]
    return found[0] if len(found) == 1 else None


def discover(from_domain: str) -> Policy | None:
    """The policy for mail From `from_domain`, or None; `DnsTrouble` when the resolver fails."""
    from_domain = from_domain.lower().rstrip(".")
    tags = _record_at(from_domain)
    if tags is not None:
        return Policy(from_domain, tags)
    org = organizational_domain(from_domain)
    if org != from_domain:
        tags = _record_at(org)
        if tags is not None:
            return Policy(org, tags)
    return None
