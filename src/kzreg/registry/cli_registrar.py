"""`kzreg registrar create|modify|list|info`: registrars managed by registry staff from the command line.

Every change goes through the registrar operations as registry staff (channel `cli`); problems print as
`error: FIELD: message` lines with exit 1 (`kzreg.cli`).
"""

from __future__ import annotations

import argparse
import getpass
import json

from kzreg.core.actor import Actor, Channel
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Registrar, RegistrarStatus
from kzreg.registry.queries import find_registrar
from kzreg.registry.snapshots import registrar_snapshot

DATA_OPTIONS = {
    "name": "legal name",
    "email": "contact e-mail",
    "phone": "phone, e.g. +7 727 3556677",
    "address": "postal address (one line)",
    "url": "web site, http(s)://…",
    "whois": "WHOIS server host name",
}


def _data(args: argparse.Namespace) -> c.RegistrarData:
    return c.RegistrarData(
        name=args.name,
        email=args.email,
        phone=args.phone,
        address=args.address,
        url=args.url,
        whois_server=args.whois,
    )


def staff_actor() -> Actor:
    """Registry staff at the command line, as for every `kzreg` registry command."""
    return Actor.registry_staff(getpass.getuser(), Channel.CLI)


def cmd_create(args: argparse.Namespace) -> int:
    result = ops.create_registrar(c.CreateRegistrar(args.handle, _data(args)), staff_actor())
    print(f"created registrar {result.object.handle}")
    return 0


def cmd_modify(args: argparse.Namespace) -> int:
    """Contact data and status in one command; each is its own operation (and version), data first."""
    actor, registrar = staff_actor(), None
    if any(getattr(args, k) is not None for k in DATA_OPTIONS):
        registrar = ops.modify_registrar(c.ModifyRegistrar(args.handle, _data(args)), actor).object
    if args.status is not None:
        command = c.SetRegistrarStatus(args.handle, args.status, args.reason or "")
        registrar = ops.set_registrar_status(command, actor).object
    if registrar is None:  # nothing given: the operation says so, with its field
        registrar = ops.modify_registrar(c.ModifyRegistrar(args.handle, c.RegistrarData()), actor).object
    print(f"modified registrar {registrar.handle} ({registrar.status}, version {registrar.version})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    query = Registrar.objects.order_by("handle")
    if args.status:
        query = query.filter(status=args.status)
    for r in query:
        print(f"{r.handle}\t{r.status}\t{r.name}\t{r.email}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    registrar = find_registrar(args.handle)
    data = registrar_snapshot(registrar)
    data["version"] = registrar.version
    data["domains"] = registrar.domains.filter(deleted_at__isnull=True).count()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in data.items():
            print(f"{key + ':':<14} {value if value not in ('', None) else '-'}")
    return 0


def _data_options(p: argparse.ArgumentParser, required: bool) -> None:
    for name, text in DATA_OPTIONS.items():
        p.add_argument(f"--{name}", required=required and name in ("name", "email"), help=text)


def register(sub: argparse._SubParsersAction) -> None:
    parsers = sub.add_parser("registrar", help="registrars (registry staff)").add_subparsers(required=True)
    p = parsers.add_parser("create", help="add a registrar")
    p.add_argument("handle", help="e.g. PS-KZ")
    _data_options(p, required=True)
    p.set_defaults(func=cmd_create)

    p = parsers.add_parser("modify", help="change contact data and/or status")
    p.add_argument("handle")
    _data_options(p, required=False)
    p.add_argument("--status", help="active or suspended (a suspended registrar's sessions are refused)")
    p.add_argument("--reason", help="why (required to suspend)")
    p.set_defaults(func=cmd_modify)

    p = parsers.add_parser("list", help="one registrar per line: handle, status, name, e-mail")
    p.add_argument("--status", choices=RegistrarStatus.values)
    p.set_defaults(func=cmd_list)

    p = parsers.add_parser("info", help="show a registrar")
    p.add_argument("handle")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    # Other parts add `kzreg registrar …` subcommands (the EPP adapter: `epp-access`) by a
    # `register_registrar(parsers)` in their cli module; the registry imports none of them by name.
    from kzreg.plugins import part_modules

    for module in part_modules("cli"):
        extend = getattr(module, "register_registrar", None)
        if extend is not None:
            extend(parsers)
