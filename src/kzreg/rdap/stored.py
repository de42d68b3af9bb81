"""RDAP domain answers from the answer store (`kzreg.whois.store`): the uncached lookup without SQL joins.

The unauthenticated answer is the same for every client except for three values: the base of the links
and the `port43` host (both from the request unless configured) and the `last update of RDAP database`
date. The worker renders each domain with marks in place of the first two (`render_templates`, made of
the build's random id so that no registry text can contain them); a request replaces them (JSON-escaped)
and the date, exactly as the per-process cache does with its own answers. RFC 9537 redaction is part of
the stored answer: it depends only on the contacts and on `KZREG_REDACT_INDIVIDUALS`, which is in the
store's settings key (a store made with the other setting is not used).

Freshness is `kzreg.whois.answers.StoredAnswers`' rule, fed by the RDAP cache's history poll.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import orjson

from kzreg.rdap.http import encode
from kzreg.rdap.objects import Context, domain_object, envelope
from kzreg.registry.reads import joined
from kzreg.whois.answers import StoredAnswers


def marks(build: str) -> tuple[str, str]:
    """The stand-ins for the base URL and the port43 host in the answers of one build."""
    return f"\ue000rdap-base-{build}\ue000", f"\ue000rdap-port43-{build}\ue000"


def render_templates(names: Sequence[str], build: str, now: dt.datetime) -> dict[str, bytes]:
    """The encoded domain answers of the live names among `names`, with the build's marks (one statement)."""
    base, port43 = marks(build)
    ctx = Context(base=base, port43=port43, now=now)
    out = {}
    for name, (domain, hosts) in joined.live_domains_with_hosts(names).items():
        obj, redacted = domain_object(domain, hosts, ctx)
        out[name] = encode(envelope(obj, ctx, redacted))
    return out


MARK_START = "\ue000rdap-".encode()


@lru_cache(maxsize=64)
def _json_text(value: str) -> bytes:
    """`value` as it appears inside a JSON string."""
    return orjson.dumps(value)[1:-1]


@lru_cache(maxsize=4)
def _mark_bytes(build: str) -> tuple[bytes, bytes]:
    base, port43 = marks(build)
    return base.encode("utf-8"), port43.encode("utf-8")


class StoredDomains:
    """Reads rendered domain answers for one process (the RDAP cache owns it and feeds its poll)."""

    def __init__(self, answers: StoredAnswers | None = None):
        self.answers = answers or StoredAnswers("rdap")

    def get(self, ctx: Context, ldh_name: str) -> tuple[bytes, dt.datetime] | None:
        """The body for this request and the domain's expiry, or None (render live)."""
        build, found = self.answers.lookup([ldh_name], ctx.now)
        hit = found.get(ldh_name)
        if hit is None:
            return None
        template, expires_at = hit
        base_mark, port43_mark = _mark_bytes(build)
        body = template.replace(base_mark, _json_text(ctx.base)).replace(port43_mark, _json_text(ctx.port43))
        if MARK_START in body:  # marks of another build: never show them
            return None
        return body, expires_at
