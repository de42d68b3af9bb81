"""Pure functions from registry records to RDAP object classes (RFC 9083 §5): domain, nameserver, entity.

No database access here: `registry.reads` loads the rows (typed views, or models for searches), these
shape them. Each builder returns the object and the RFC 9537 entries for what it withheld; `envelope`
adds what only a top-level response carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kzreg.rdap import jcard, texts
from kzreg.rdap.redaction import entity_path, redactions
from kzreg.registry.disclosure import redacted_fields
from kzreg.registry.models import Contact, Domain, Host, Registrar
from kzreg.registry.reads.views import ContactView, DomainView, HostView, RegistrarView
from kzreg.registry.status import domain_statuses

RDAP_JSON = "application/rdap+json"
CONFORMANCE = ["rdap_level_0", "redacted"]
Json = dict[str, Any]
Redacted = list[Json]


@dataclass(frozen=True)
class Context:
    """What every object needs besides its row: where links point, the WHOIS host, and the time."""

    base: str  # ".../rdap" without the trailing slash
    port43: str
    now: dt.datetime


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def self_link(ctx: Context, path: str) -> Json:
    url = f"{ctx.base}/{path}"
    return {"value": url, "rel": "self", "href": url, "type": RDAP_JSON}


def events(*pairs: tuple[str, dt.datetime | None]) -> list[Json]:
    return [{"eventAction": action, "eventDate": timestamp(at)} for action, at in pairs if at is not None]


# R13's words (`registry.status`) as RFC 8056 status words; see docs/rdap.md for the choices.
RDAP_STATUS = {
    "hold": "server hold",
    "suspended": "inactive",
    "expired": "inactive",
    "pending_delete": "pending delete",
    "client_hold": "client hold",
    "pending_transfer": "pending transfer",
}
RDAP_ORDER = ("server hold", "client hold", "inactive", "pending delete", "pending transfer", "active")


def domain_status(domain: Domain | DomainView, now: dt.datetime) -> list[str]:
    """The one R13 rule's words in RDAP's terms, each once, in RDAP_ORDER."""
    words = {RDAP_STATUS.get(word, word) for word in domain_statuses(domain, now)}
    return [word for word in RDAP_ORDER if word in words]


def is_idn(name: str) -> bool:
    return any(label.startswith("xn--") for label in name.split("."))


def ds_data(records: Sequence[str]) -> list[Json]:
    """Presentation-form DS records (`keytag alg digest-type hex`) as RFC 9083 `dsData`."""
    out = []
    for record in records:
        parts = record.split()
        if len(parts) >= 4 and all(p.isdigit() for p in parts[:3]):
            out.append(
                {
                    "keyTag": int(parts[0]),
                    "algorithm": int(parts[1]),
                    "digestType": int(parts[2]),
                    "digest": "".join(parts[3:]).upper(),
                }
            )
    return out


def nameserver_object(host: Host | HostView, ctx: Context, status: Sequence[str] | None = None) -> Json:
    obj: Json = {"objectClassName": "nameserver", "handle": f"H{host.id}-KZ", "ldhName": host.name}
    if is_idn(host.name):
        obj["unicodeName"] = host.unicode_name
    v4 = [a for a in host.addresses if ":" not in a]
    v6 = [a for a in host.addresses if ":" in a]
    if v4 or v6:
        obj["ipAddresses"] = {key: value for key, value in (("v4", v4), ("v6", v6)) if value}
    if status is not None:
        obj["status"] = list(status)
        obj["events"] = events(("registration", host.created_at), ("last changed", host.updated_at))
        obj["port43"] = ctx.port43
    obj["links"] = [self_link(ctx, f"nameserver/{host.name}")]
    return obj


def contact_entity(
    contact: Contact | ContactView, roles: Sequence[str], ctx: Context, path: str, top_level: bool = False
) -> tuple[Json, Redacted]:
    """A contact as an entity at JSONPath `path`; personal fields withheld unless `disclosure` allows
    them (R18)."""
    hidden = redacted_fields(contact)
    obj: Json = {"objectClassName": "entity", "handle": contact.handle}
    if roles:
        obj["roles"] = list(roles)
    obj["vcardArray"] = jcard.contact_vcard(contact, hidden)
    if top_level:
        obj["events"] = events(("registration", contact.created_at), ("last changed", contact.updated_at))
        obj["port43"] = ctx.port43
    obj["links"] = [self_link(ctx, f"entity/{contact.handle}")]
    return obj, redactions(hidden, roles, path)


def registrar_entity(registrar: Registrar | RegistrarView, ctx: Context, roles: Sequence[str] = ("registrar",)) -> Json:
    obj: Json = {"objectClassName": "entity", "handle": registrar.handle}
    if roles:
        obj["roles"] = list(roles)
    obj["vcardArray"] = jcard.registrar_vcard(registrar)
    obj["status"] = ["active" if registrar.status == "active" else "inactive"]
    links = [self_link(ctx, f"entity/{registrar.handle}")]
    if registrar.url:
        links.append({"value": links[0]["href"], "rel": "about", "href": registrar.url, "type": "text/html"})
    obj["links"] = links
    return obj


def reseller_entity(name: str) -> Json:
    """The reseller that serves a domain, by the name its registrar gives (ICANN RDAP profile: an entity
    with role `reseller` whose jCard `fn` is the name). The registry keeps no reseller records, so the
    entity has no handle, no self link and no lookup of its own."""
    return {
        "objectClassName": "entity",
        "roles": ["reseller"],
        "vcardArray": jcard.organisation_vcard(name, "", "", "", ""),
    }


def domain_contacts(domain: Domain | DomainView) -> list[tuple[Contact | ContactView, list[str]]]:
    """The domain's contacts, each once, with every role it holds (R9 often makes admin = tech = billing)."""
    found: dict[int, tuple[Contact | ContactView, list[str]]] = {}
    for role, contact in (
        ("registrant", domain.registrant),
        ("administrative", domain.admin_contact),
        ("technical", domain.tech_contact),
        ("billing", domain.billing_contact),
    ):
        found.setdefault(contact.id, (contact, []))[1].append(role)
    return list(found.values())


def domain_object(
    domain: Domain | DomainView, hosts: Iterable[Host | HostView], ctx: Context, path: str = "$"
) -> tuple[Json, Redacted]:
    """The domain at JSONPath `path` (`$` for a lookup, an element of the results for a search)."""
    obj: Json = {"objectClassName": "domain", "handle": f"D{domain.id}-KZ", "ldhName": domain.name}
    if is_idn(domain.name):
        obj["unicodeName"] = domain.unicode_name
    obj["status"] = domain_status(domain, ctx.now)
    obj["events"] = events(
        ("registration", domain.created_at),
        ("expiration", domain.expires_at),
        ("last changed", domain.updated_at),
        ("deletion", domain.purge_at if domain.pending_delete else None),
        ("last update of RDAP database", ctx.now),
    )
    obj["nameservers"] = [nameserver_object(host, ctx) for host in hosts]
    ds = ds_data(domain.ds_records)
    obj["secureDNS"] = {"delegationSigned": bool(ds), **({"dsData": ds} if ds else {})}
    entities: list[Json] = []
    redacted: Redacted = []
    for contact, roles in domain_contacts(domain):
        entity, marks = contact_entity(contact, roles, ctx, entity_path(path, contact.handle))
        entities.append(entity)
        redacted.extend(marks)
    entities.append(registrar_entity(domain.registrar, ctx))
    if domain.reseller_name:
        entities.append(reseller_entity(domain.reseller_name))
    obj["entities"] = entities
    obj["port43"] = ctx.port43
    obj["links"] = [self_link(ctx, f"domain/{domain.name}")]
    return obj, redacted


def notices(ctx: Context, redacted: bool = False, truncated: bool = False) -> list[Json]:
    help_url = f"{ctx.base}/help"
    out: list[Json] = [
        {
            "title": "Terms of Use",
            "description": texts.lines(texts.TERMS),
            "links": [{"value": help_url, "rel": "terms-of-service", "href": help_url, "type": RDAP_JSON}],
        },
        {
            "title": "Status Codes",
            "description": texts.lines(texts.STATUS_CODES),
            "links": [{"value": help_url, "rel": "glossary", "href": "https://icann.org/epp", "type": "text/html"}],
        },
    ]
    if redacted:
        out.append({"title": "Redacted Data", "description": texts.lines(texts.REDACTED)})
    if truncated:
        out.append(
            {
                "title": "Search Results Truncated",
                "type": "result set truncated due to excessive load",
                "description": texts.lines(texts.TRUNCATED),
            }
        )
    return out


def envelope(body: Json, ctx: Context, redacted: Sequence[Json] = (), truncated: bool = False) -> Json:
    """A top-level response: conformance first, then the object, then notices and redactions."""
    out: Json = {"rdapConformance": CONFORMANCE, **body}
    out["notices"] = notices(ctx, redacted=bool(redacted), truncated=truncated)
    if redacted:
        out["redacted"] = list(redacted)
    return out
