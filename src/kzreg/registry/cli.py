"""`kzreg domain|contact|host …` and `kzreg history OBJECT`: the registry from the command line.

Every change goes through the registry operations as registry staff (channel `cli`); errors print one
line per problem with its field and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry import cli_sponsorship, queries
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, HistoryEntry
from kzreg.registry.snapshots import contact_snapshot, host_snapshot


def staff_actor() -> Actor:
    return Actor.registry_staff(getpass.getuser(), Channel.CLI)


def print_warnings(result: ops.OperationResult, lang: str) -> None:
    for warning in result.warnings:
        print(f"warning: {warning.render(lang)}", file=sys.stderr)


def parse_time(text: str) -> dt.datetime:
    """ISO date or date-time; naive values are UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise OperationFailed([Problem("at", Code.INVALID, {"value": text})]) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def ns_specs(values: list[str] | None) -> tuple[c.NameServer, ...]:
    """`--ns ns1.example.kz=192.0.2.1,2001:db8::1` → NameServer list, in the order given."""
    specs = []
    for value in values or []:
        name, _, addresses = value.partition("=")
        specs.append(c.NameServer(name, tuple(a for a in addresses.split(",") if a)))
    return tuple(specs)


def location(args: argparse.Namespace) -> c.Location | None:
    parts = (args.location_address, args.location_city, args.location_region)
    return None if all(p is None for p in parts) else c.Location(*(p or "" for p in parts))


def emit(data: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    for key, value in data.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}={v}" for k, v in value.items())
        print(f"{key + ':':<14} {value}")


# ---------------------------------------------------------------- domains
def domain_view(domain: Domain) -> dict:
    now = clock.now()
    hosts = queries.domain_nameservers(domain)
    return {
        "domain": domain.unicode_name,
        "ascii": domain.name,
        "status": domain.statuses(now),
        "registrar": domain.registrar.handle,
        "reseller": domain.reseller_name or "-",
        "registrant": domain.registrant.handle,
        "admin": domain.admin_contact.handle,
        "tech": domain.tech_contact.handle,
        "billing": domain.billing_contact.handle,
        "nameservers": [f"{h.name} ({', '.join(h.addresses) or '-'})" for h in hosts],
        "location": f"{domain.location_address}, {domain.location_city}, {domain.location_region}",
        "purpose": domain.purpose or "-",
        "ds": domain.ds_records or "-",
        "created": domain.created_at.isoformat(),
        "updated": domain.updated_at.isoformat(),
        "expires": domain.expires_at.isoformat(),
        "version": domain.version,
    }


def cmd_domain_create(args: argparse.Namespace) -> int:
    command = c.CreateDomain(
        name=args.name,
        period=args.period,
        registrant=args.registrant,
        admin=args.admin,
        tech=args.tech,
        billing=args.billing,
        nameservers=ns_specs(args.ns),
        location=location(args),
        purpose=args.purpose or "",
        registrar=args.registrar,
        reseller=args.reseller,
        ds_records=tuple(args.ds or ()),
    )
    result = ops.create_domain(command, staff_actor())
    print_warnings(result, args.lang)
    print(f"created {result.object.unicode_name} (expires {result.object.expires_at:%Y-%m-%d})")
    return 0


def cmd_domain_info(args: argparse.Namespace) -> int:
    emit(domain_view(queries.find_domain(args.name)), args.json)
    return 0


def cmd_domain_list(args: argparse.Namespace) -> int:
    query = queries.domain_list(args.zone, args.status, args.registrant, args.registrar, args.reseller)
    now = clock.now()
    for domain in query[: args.limit].iterator(chunk_size=2000) if args.limit else query.iterator(chunk_size=2000):
        print(
            f"{domain.unicode_name}\t{','.join(domain.statuses(now))}\t{domain.expires_at:%Y-%m-%d}"
            f"\t{domain.registrant.handle}\t{domain.registrar.handle}"
        )
    return 0


def cmd_domain_modify(args: argparse.Namespace) -> int:
    command = c.ModifyDomain(
        name=args.name,
        admin=args.admin,
        tech=args.tech,
        billing=args.billing,
        nameservers=ns_specs(args.ns) if args.ns else None,
        location=location(args),
        purpose=args.purpose,
        add_years=args.add_years,
        ds_records=tuple(args.ds) if args.ds is not None else None,
        reseller=args.reseller,
    )
    result = ops.modify_domain(command, staff_actor())
    print_warnings(result, args.lang)
    print(f"modified {result.object.unicode_name} (version {result.object.version})")
    return 0


def cmd_domain_renew(args: argparse.Namespace) -> int:
    result = ops.renew_domain(c.RenewDomain(args.name, args.years), staff_actor())
    print(f"renewed {result.object.unicode_name} until {result.object.expires_at:%Y-%m-%d}")
    return 0


def cmd_domain_delete(args: argparse.Namespace) -> int:
    result = ops.delete_domain(c.DeleteDomain(args.name, args.reason or ""), staff_actor())
    print(f"deleted {result.object.unicode_name}")
    return 0


def cmd_domain_status(args: argparse.Namespace) -> int:
    command = c.SetDomainStatus(args.name, args.flag, args.reason)
    op = ops.set_domain_status if args.setting else ops.lift_domain_status
    result = op(command, staff_actor())
    print(f"{result.object.unicode_name}: {','.join(result.object.statuses(result.at))}")
    return 0


def cmd_domain_transfer(args: argparse.Namespace) -> int:
    command = c.TransferDomain(
        name=args.name,
        registrant=args.registrant,
        admin=args.admin,
        tech=args.tech,
        billing=args.billing,
        nameservers=ns_specs(args.ns) if args.ns else None,
        location=location(args),
        authorization=args.authorization,
    )
    result = ops.transfer_domain(command, staff_actor())
    print_warnings(result, args.lang)
    print(f"transferred {result.object.unicode_name} to {result.object.registrant.handle}")
    return 0


def cmd_domain_registrar(args: argparse.Namespace) -> int:
    result = ops.change_registrar(c.ChangeRegistrar(args.name, args.registrar, args.reseller), staff_actor())
    print(f"{result.object.unicode_name}: sponsoring registrar {result.object.registrar.handle}")
    return 0


# ---------------------------------------------------------------- contacts
CONTACT_OPTIONS = {
    "kind": "I (individual) or R (role)",
    "name": 'written "Surname, Name Patronymic"',
    "organisation": "organisation name",
    "address": "street address",
    "city": "city",
    "region": "region (oblast)",
    "postal_code": "postal code",
    "country_code": "ISO 3166-1 two-letter code",
    "language": "ru, en or kk",
}


def contact_data_args(args: argparse.Namespace) -> dict:
    values = {k: getattr(args, k) for k in CONTACT_OPTIONS if getattr(args, k) is not None}
    for plural in ("phones", "faxes", "emails"):
        if getattr(args, plural) is not None:
            values[plural] = tuple(getattr(args, plural))
    if args.disclose is not None:
        values["disclose"] = args.disclose
    return values


def read_password(args: argparse.Namespace) -> str | None:
    return sys.stdin.readline().rstrip("\n") if args.password_stdin else None


def read_key(args: argparse.Namespace) -> str | None:
    return Path(args.pgp_key).read_text() if args.pgp_key else None


def cmd_contact_create(args: argparse.Namespace) -> int:
    values = contact_data_args(args)
    data = c.ContactData(**{"kind": "", "name": "", **values})
    command = c.CreateContact(
        data=data,
        handle=args.handle,
        security_scheme=args.scheme or "",
        crypt_password=read_password(args),
        pgp_key=read_key(args),
        registrar=args.registrar,
    )
    result = ops.create_contact(command, staff_actor())
    print(f"created contact {result.object.handle}")
    return 0


def cmd_contact_modify(args: argparse.Namespace) -> int:
    command = c.ModifyContact(
        handle=args.handle,
        changes=contact_data_args(args),
        security_scheme=args.scheme,
        crypt_password=read_password(args),
        pgp_key=read_key(args),
    )
    result = ops.modify_contact(command, staff_actor())
    print(f"modified contact {result.object.handle} (version {result.object.version})")
    return 0


def _sponsor(data: dict, registrar: object) -> dict:
    """The sponsoring registrar by handle (`-`: the registry's own)."""
    return {**data, "registrar": getattr(registrar, "handle", "-")}


def cmd_contact_info(args: argparse.Namespace) -> int:
    contact = queries.find_contact(args.handle)
    emit(_sponsor(contact_snapshot(contact), contact.registrar), args.json)
    return 0


def cmd_contact_list(args: argparse.Namespace) -> int:
    from kzreg.registry.models import Contact

    query = Contact.objects.order_by("handle")
    if args.search:
        query = query.filter(name__icontains=args.search) | query.filter(organisation__icontains=args.search)
    for contact in query[: args.limit] if args.limit else query.iterator():
        print(f"{contact.handle}\t{contact.kind}\t{contact.name}\t{contact.organisation}\t{contact.email}")
    return 0


# ---------------------------------------------------------------- hosts
def cmd_host_create(args: argparse.Namespace) -> int:
    result = ops.create_host(c.CreateHost(args.name, tuple(args.address or ()), args.registrar), staff_actor())
    print(f"created host {result.object.name}")
    return 0


def cmd_host_modify(args: argparse.Namespace) -> int:
    command = c.ModifyHost(args.name, args.new_name, tuple(args.address) if args.address else None)
    result = ops.modify_host(command, staff_actor())
    print(f"modified host {result.object.name} (version {result.object.version})")
    return 0


def cmd_host_delete(args: argparse.Namespace) -> int:
    ops.delete_host(c.DeleteHost(args.name), staff_actor())
    print(f"deleted host {args.name}")
    return 0


def cmd_host_info(args: argparse.Namespace) -> int:
    host = queries.find_host(args.name)
    data = _sponsor(host_snapshot(host), host.registrar)
    data["domains"] = sorted(link.domain.unicode_name for link in host.domain_links.select_related("domain"))
    emit(data, args.json)
    return 0


def cmd_host_list(args: argparse.Namespace) -> int:
    from kzreg.registry.models import Host

    query = Host.objects.order_by("name")
    if args.search:
        query = query.filter(name__icontains=args.search)
    for host in query[: args.limit] if args.limit else query.iterator():
        print(f"{host.unicode_name}\t{','.join(host.addresses)}")
    return 0


# ---------------------------------------------------------------- history
def cmd_history(args: argparse.Namespace) -> int:
    ref = queries.resolve_object(args.object, args.type)
    if args.at:
        entry = queries.as_of(ref, parse_time(args.at))
        if entry is None:
            print(f"{ref.key} did not exist at {args.at}", file=sys.stderr)
            return 1
        print(f"# {ref.object_type} {ref.key} as of {args.at}: version {entry.version} ({entry.operation})")
        emit(entry.snapshot, args.json)
        return 0
    entries: list[HistoryEntry] = list(queries.history(ref))
    if args.json:
        print(json.dumps([_entry_json(e) for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        reason = f"\t{e.reason}" if e.reason else ""
        print(
            f"v{e.version}\t{e.at:%Y-%m-%d %H:%M:%S}\t{e.operation}\t{e.principal}\t{e.channel}\t{e.request_id}{reason}"
        )
    return 0


def _entry_json(e: HistoryEntry) -> dict:
    return {
        "version": e.version, "at": e.at.isoformat(), "operation": e.operation, "principal": e.principal,
        "role": e.role, "channel": e.channel, "request_id": e.request_id, "reason": e.reason, "snapshot": e.snapshot,
    }  # fmt: skip


# ---------------------------------------------------------------- parsers
def _location_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--location-address", help="9a: address of the equipment serving the domain")
    p.add_argument("--location-city", help="9b: city")
    p.add_argument("--location-region", help="9c: region")


def _contact_options(p: argparse.ArgumentParser) -> None:
    for name, text in CONTACT_OPTIONS.items():
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, help=text)
    p.add_argument("--org", dest="organisation", help=argparse.SUPPRESS)
    p.add_argument("--country", dest="country_code", help=argparse.SUPPRESS)
    p.add_argument("--phone", dest="phones", action="append", help="phone (repeat for several)")
    p.add_argument("--fax", dest="faxes", action="append", help="fax (repeat for several)")
    p.add_argument("--email", dest="emails", action="append", help="e-mail (repeat for several)")
    p.add_argument("--disclose", action=argparse.BooleanOptionalAction, default=None, help="publish personal data")
    p.add_argument("--scheme", help="security scheme: none, M (Mail-From), C (Crypt-PW), P (PGP)")
    p.add_argument("--password-stdin", action="store_true", help="read the Crypt-PW password from stdin")
    p.add_argument("--pgp-key", metavar="FILE", help="ASCII-armored PGP public key")


def register(sub: argparse._SubParsersAction) -> None:
    _register_domain(sub.add_parser("domain", help="register and manage domains").add_subparsers(required=True))
    _register_contact(sub.add_parser("contact", help="NIC handles (contacts)").add_subparsers(required=True))
    _register_host(sub.add_parser("host", help="name servers").add_subparsers(required=True))
    from kzreg.registry import cli_registrar

    cli_registrar.register(sub)
    p = sub.add_parser("history", help="every version of a domain, contact, host or registrar")
    p.add_argument("object", help="domain name, contact handle, host name or registrar handle")
    p.add_argument("--type", choices=("domain", "contact", "host", "registrar"), help="when the name is ambiguous")
    p.add_argument("--at", help="show the object as it was at this time (ISO 8601, UTC if no zone)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)


def _register_domain(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("create", help="register a domain (contacts by handle)")
    p.add_argument("name")
    p.add_argument("--period", type=int, default=1, help="years, 1–10")
    p.add_argument("--registrant", required=True, help="registrant's NIC handle")
    p.add_argument("--admin", required=True, help="administrative contact's NIC handle")
    p.add_argument("--tech", help="technical contact (default: admin)")
    p.add_argument("--billing", help="billing contact (default: admin)")
    p.add_argument("--ns", action="append", metavar="HOST[=IP,IP]", help="name server, in order (repeat)")
    p.add_argument("--registrar", help="sponsoring registrar handle")
    p.add_argument("--reseller", help="name of the reseller that serves it (as the registrar gives it)")
    p.add_argument("--purpose", help="1a: purpose")
    p.add_argument("--ds", action="append", help='DS record "keytag alg digest-type digest"')
    _location_options(p)
    p.set_defaults(func=cmd_domain_create)

    p = sub.add_parser("info", help="show a domain")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_domain_info)

    p = sub.add_parser("list", help="one domain per line: name, status, expiry, registrant, registrar")
    p.add_argument("--zone")
    p.add_argument("--status", choices=queries.STATUS_FILTERS)
    p.add_argument("--registrant", help="registrant handle")
    p.add_argument("--registrar", help="registrar handle")
    p.add_argument("--reseller", help="reseller name (any case)")
    p.add_argument("--limit", type=int, default=0)
    p.set_defaults(func=cmd_domain_list)

    p = sub.add_parser("modify", help="replace sections of a domain")
    p.add_argument("name")
    p.add_argument("--admin")
    p.add_argument("--tech")
    p.add_argument("--billing")
    p.add_argument("--ns", action="append", metavar="HOST[=IP,IP]", help="the FULL new list (repeat)")
    p.add_argument("--purpose")
    p.add_argument("--add-years", type=int)
    p.add_argument("--ds", action="append")
    p.add_argument("--reseller", help='reseller name; "" clears it')
    _location_options(p)
    p.set_defaults(func=cmd_domain_modify)

    p = sub.add_parser("renew", help="extend the registration")
    p.add_argument("name")
    p.add_argument("--years", type=int, default=1)
    p.set_defaults(func=cmd_domain_renew)

    p = sub.add_parser("delete", help="delete a domain")
    p.add_argument("name")
    p.add_argument("--reason")
    p.set_defaults(func=cmd_domain_delete)

    for verb, flag, setting in (
        ("hold", "hold", True), ("unhold", "hold", False), ("suspend", "suspended", True), ("unsuspend", "suspended", False),
    ):  # fmt: skip
        p = sub.add_parser(verb, help=f"{'set' if setting else 'lift'} the {flag} status")
        p.add_argument("name")
        p.add_argument("--reason", required=True)
        p.set_defaults(func=cmd_domain_status, flag=flag, setting=setting)

    p = sub.add_parser("transfer", help="move a domain to a new registrant")
    p.add_argument("name")
    p.add_argument("--registrant", required=True)
    p.add_argument("--admin")
    p.add_argument("--tech")
    p.add_argument("--billing")
    p.add_argument("--ns", action="append", metavar="HOST[=IP,IP]")
    p.add_argument("--authorization", required=True, help="how the current holder agreed (e.g. 'fax 2026-11-20')")
    _location_options(p)
    p.set_defaults(func=cmd_domain_transfer)

    p = sub.add_parser("registrar", help="change the sponsoring registrar")
    p.add_argument("name")
    p.add_argument("registrar")
    p.add_argument("--reseller", help="the new registrar's reseller name (default: none)")
    p.set_defaults(func=cmd_domain_registrar)

    cli_sponsorship.register(sub)


def _register_contact(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("create", help="create a contact (handle generated unless given)")
    p.add_argument("--handle")
    p.add_argument("--registrar", help="sponsoring registrar's handle (default: none, the registry's own)")
    _contact_options(p)
    p.set_defaults(func=cmd_contact_create)

    p = sub.add_parser("modify", help="change a contact")
    p.add_argument("handle")
    _contact_options(p)
    p.set_defaults(func=cmd_contact_modify)

    p = sub.add_parser("info", help="show a contact")
    p.add_argument("handle")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contact_info)

    p = sub.add_parser("list", help="one contact per line")
    p.add_argument("--search")
    p.add_argument("--limit", type=int, default=0)
    p.set_defaults(func=cmd_contact_list)


def _register_host(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("create", help="create a name server")
    p.add_argument("name")
    p.add_argument("--registrar", help="sponsoring registrar's handle (default: none, the registry's own)")
    p.add_argument("--address", action="append", help="IPv4 or IPv6 address (repeat)")
    p.set_defaults(func=cmd_host_create)

    p = sub.add_parser("modify", help="rename a host or replace its addresses")
    p.add_argument("name")
    p.add_argument("--new-name")
    p.add_argument("--address", action="append", help="the FULL new address list (repeat)")
    p.set_defaults(func=cmd_host_modify)

    p = sub.add_parser("delete", help="delete an unused host")
    p.add_argument("name")
    p.set_defaults(func=cmd_host_delete)

    p = sub.add_parser("info", help="show a host and the domains using it")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_host_info)

    p = sub.add_parser("list", help="one host per line")
    p.add_argument("--search")
    p.add_argument("--limit", type=int, default=0)
    p.set_defaults(func=cmd_host_list)
