"""RDAP queries (RFC 9082) → responses (RFC 9083): lookups, searches, help and the unsupported rest."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from kzreg.rdap import cache, config, texts
from kzreg.rdap.http import NotFound, NotImplementedQuery, rdap_view
from kzreg.rdap.objects import (
    Context,
    Json,
    contact_entity,
    domain_object,
    envelope,
    events,
    nameserver_object,
    registrar_entity,
)
from kzreg.rdap.patterns import BadQuery, ldh_name, name_pattern, text_pattern
from kzreg.registry.reads import lookup


@rdap_view
def domain(request: HttpRequest, ctx: Context, name: str) -> Json | bytes:
    # A name already in A-label form (any case) that the cache or the answer store holds is a live
    # domain's name, valid by construction: answered without the IDNA checks, which cost more than
    # the answer. Anything else is normalised and checked first (400 for a bad name).
    quick = name.strip().rstrip(".").lower()
    if quick.isascii() and (known := cache.known_answer(ctx, quick)) is not None:
        return known
    ldh = ldh_name(name)

    def build() -> tuple[Json, dt.datetime] | None:
        found = lookup.domain_with_hosts(ldh)
        if found is None:  # never registered, or deleted
            return None
        obj, redacted = domain_object(*found, ctx)
        return envelope(obj, ctx, redacted), found[0].expires_at

    return cache.domain_answer(ctx, ldh, build)


@rdap_view
def nameserver(request: HttpRequest, ctx: Context, name: str) -> Json:
    host = lookup.host_by_name(ldh_name(name))
    if host is None:
        raise NotFound(name)
    status = ["associated" if lookup.host_is_used(host) else "active"]
    return envelope(nameserver_object(host, ctx, status), ctx)


@rdap_view
def entity(request: HttpRequest, ctx: Context, handle: str) -> Json:
    contact = lookup.contact_by_handle(handle)
    if contact is not None:
        obj, redacted = contact_entity(contact, (), ctx, "$", top_level=True)
        obj["status"] = ["associated" if lookup.contact_is_used(contact) else "active"]
        return envelope(obj, ctx, redacted)
    registrar = lookup.registrar_by_handle(handle)
    if registrar is not None:
        obj = registrar_entity(registrar, ctx, roles=())
        obj["events"] = events(("registration", registrar.created_at))
        return envelope(obj, ctx)
    raise NotFound(handle)


@rdap_view
def help_page(request: HttpRequest, ctx: Context) -> Json:
    body = envelope({}, ctx)
    body["notices"].insert(0, {"title": "Help", "description": texts.lines(texts.HELP)})
    return body


def only_parameter(request: HttpRequest, supported: tuple[str, ...], unsupported: tuple[str, ...]) -> str:
    """The one search parameter given; 501 for RFC 9082 parameters not served, 400 for none or several."""
    given = [key for key in request.GET if key in supported + unsupported]
    if len(given) != 1:
        raise BadQuery(texts.lines(texts.ONE_PARAMETER, names=", ".join(supported)))
    if given[0] in unsupported:
        raise NotImplementedQuery(given[0])
    return given[0]


def bad_pattern() -> list[str]:
    return texts.lines(texts.BAD_PATTERN, min=config.MIN_PATTERN_PREFIX)


@rdap_view
def domain_search(request: HttpRequest, ctx: Context) -> Json:
    key = only_parameter(request, ("name",), ("nsLdhName", "nsIp"))
    pattern = name_pattern(request.GET[key], bad_pattern())
    limit = config.search_limit()
    if pattern.exact:
        found = lookup.domain_by_name(pattern.prefix)
        rows = [found] if found is not None else []
    else:
        rows = lookup.search_domains(pattern.column, pattern.prefix, pattern.suffix, limit)
    rows, truncated = rows[:limit], len(rows) > limit
    hosts = lookup.hosts_of([d.id for d in rows])
    results, redacted = [], []
    for row in rows:
        path = f"$.domainSearchResults[?(@.ldhName=='{row.name}')]"
        obj, marks = domain_object(row, hosts.get(row.id, []), ctx, path)
        results.append(obj)
        redacted.extend(marks)
    return envelope({"domainSearchResults": results}, ctx, redacted, truncated)


@rdap_view
def nameserver_search(request: HttpRequest, ctx: Context) -> Json:
    key = only_parameter(request, ("name",), ("ip",))
    pattern = name_pattern(request.GET[key], bad_pattern())
    limit = config.search_limit()
    if pattern.exact:
        found = lookup.host_by_name(pattern.prefix)
        rows = [found] if found is not None else []
    else:
        rows = lookup.search_hosts(pattern.column, pattern.prefix, pattern.suffix, limit)
    results = [nameserver_object(host, ctx) for host in rows[:limit]]
    return envelope({"nameserverSearchResults": results}, ctx, truncated=len(rows) > limit)


@rdap_view
def entity_search(request: HttpRequest, ctx: Context) -> Json:
    key = only_parameter(request, ("fn", "handle"), ())
    stem, exact = text_pattern(request.GET[key], bad_pattern())
    limit = config.search_limit()
    rows = lookup.search_contacts(key, stem, limit, exact)
    results, redacted = [], []
    for contact in rows[:limit]:
        path = f"$.entitySearchResults[?(@.handle=='{contact.handle}')]"
        obj, marks = contact_entity(contact, (), ctx, path)
        results.append(obj)
        redacted.extend(marks)
    return envelope({"entitySearchResults": results}, ctx, redacted, truncated=len(rows) > limit)


UNSUPPORTED_TYPES = ("ip", "autnum", "ips", "autnums")


@rdap_view
def other(request: HttpRequest, ctx: Context, rest: str) -> Json:
    """Anything else under /rdap/: 501 for RDAP query types not served, 400 for what is not RDAP."""
    if rest.split("/", 1)[0] in UNSUPPORTED_TYPES:
        raise NotImplementedQuery(rest)
    raise BadQuery(texts.lines(texts.ERRORS[400][1]))
