"""Pieces that several domain operations share: location, name-server links, sponsor lookup, history."""

from __future__ import annotations

from collections.abc import Sequence

from kzreg.core.messages import Code
from kzreg.registry import rows
from kzreg.registry.commands import Location
from kzreg.registry.models import Domain, DomainNameServer, HistoryEntry, Host, ObjectType, Registrar, RegistrarStatus
from kzreg.registry.operations.base import Context
from kzreg.registry.operations.sponsorship import is_sponsor_bound, registrar_by_handle, registrar_by_id
from kzreg.registry.snapshots import domain_snapshot

LOCATION_LIMITS = {"address": 255, "city": 100, "region": 100}
RESELLER_NAME_LIMIT = Domain._meta.get_field("reseller_name").max_length or 200


def clean_location(ctx: Context, location: Location | None) -> dict | None:
    """R12: all three lines are required and replace the stored ones as a whole."""
    if location is None:
        ctx.problems.add("location", Code.REQUIRED)
        return None
    clean = {}
    for part, limit in LOCATION_LIMITS.items():
        value = " ".join(str(getattr(location, part) or "").split())
        if not value:
            ctx.problems.add(f"location.{part}", Code.REQUIRED)
        elif len(value) > limit:
            ctx.problems.add(f"location.{part}", Code.TOO_LONG, limit=limit)
        clean[f"location_{part}"] = value
    return clean


def clean_ds_records(ctx: Context, records: Sequence[str]) -> list[str]:
    """DS records in presentation form: `keytag algorithm digest-type digest-hex`."""
    out = []
    for i, record in enumerate(records):
        parts = str(record).split()
        ok = (
            len(parts) >= 4
            and parts[0].isdigit()
            and int(parts[0]) < 65536
            and parts[1].isdigit()
            and int(parts[1]) < 256
            and parts[2].isdigit()
            and int(parts[2]) < 256
            and all(c in "0123456789abcdefABCDEF" for c in "".join(parts[3:]))
        )
        if not ok:
            ctx.problems.add(f"ds_records[{i}]", Code.INVALID, value=record)
        else:
            out.append(f"{int(parts[0])} {int(parts[1])} {int(parts[2])} {''.join(parts[3:]).upper()}")
    return out


def find_registrar(ctx: Context, handle: str | None, field_name: str = "registrar") -> Registrar | None:
    """The registrar named (active, and the actor's own for a registrar or reseller), else the actor's."""
    if handle:
        registrar = registrar_by_handle(handle.strip())
        if registrar is None:
            ctx.problems.add(field_name, Code.NOT_FOUND, kind="registrar", key=handle)
        elif is_sponsor_bound(ctx.actor) and registrar.id != ctx.actor.registrar_id:
            ctx.problems.add(field_name, Code.FOR_OTHER_REGISTRAR, key=registrar.handle)
        elif registrar.status != RegistrarStatus.ACTIVE:
            ctx.problems.add(field_name, Code.REGISTRAR_SUSPENDED, key=registrar.handle)
        return registrar
    if ctx.actor.registrar_id is not None:
        return registrar_by_id(ctx.actor.registrar_id)
    ctx.problems.add(field_name, Code.REQUIRED)
    return None


def clean_reseller_name(ctx: Context, value: str | None) -> str:
    """The serving reseller's name as its registrar gives it (ICANN RDDS `Reseller:`): whitespace collapsed,
    at most `RESELLER_NAME_LIMIT` characters, no control characters; "" when none. The registry keeps the
    name only: which resellers a registrar has, and what they may do, is the registrar's business."""
    if value is None:
        return ""
    name = " ".join(str(value).split())
    if len(name) > RESELLER_NAME_LIMIT:
        ctx.problems.add("reseller", Code.TOO_LONG, limit=RESELLER_NAME_LIMIT)
    elif not name.isprintable():
        ctx.problems.add("reseller", Code.INVALID, value=name.encode("unicode_escape").decode("ascii"))
    return name


def nameserver_links(domain_key: object, hosts: Sequence[Host]) -> list[dict]:
    """The link rows of a domain's name servers, in order (`domain_key` may be `rows.PARENT_KEY`)."""
    return [{"domain_id": domain_key, "host_id": host.pk, "position": i} for i, host in enumerate(hosts)]


def replace_nameservers(domain: Domain, hosts: Sequence[Host]) -> None:
    DomainNameServer.objects.filter(domain=domain).delete()
    rows.insert_rows(DomainNameServer, nameserver_links(domain.pk, hosts))


def current_nameservers(domain: Domain) -> list[Host]:
    return [link.host for link in DomainNameServer.objects.filter(domain=domain).select_related("host")]


def record_domain(ctx: Context, domain: Domain, hosts: Sequence[Host] | None = None, reason: str = "") -> None:
    """Writes the domain's new version to history (hosts: the list just written, if known)."""
    if hosts is None:
        hosts = current_nameservers(domain)
    rows.insert_row(HistoryEntry, domain_history(ctx, domain, domain.pk, hosts, reason))


def domain_history(ctx: Context, domain: Domain, domain_key: object, hosts: Sequence[Host], reason: str = "") -> dict:
    """The history row of the domain's new version (`domain_key` may be `rows.PARENT_KEY`)."""
    contacts = {
        "registrant": domain.registrant,
        "admin": domain.admin_contact,
        "tech": domain.tech_contact,
        "billing": domain.billing_contact,
    }
    snapshot = domain_snapshot(domain, hosts, contacts)
    return ctx.history_row(ObjectType.DOMAIN, domain_key, domain.version, domain.name, snapshot, reason)


def bump(ctx: Context, domain: Domain) -> None:
    domain.version += 1
    domain.updated_at = ctx.now
