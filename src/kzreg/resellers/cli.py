"""`kzreg reseller create|modify|list|show`: registry administrators manage a registrar's resellers on
the server (contract, status, price group), acting as `cli:<login>`; each change is a `ResellerEvent`."""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzreg.resellers.management import Actor
    from kzreg.resellers.models import Reseller

FIELDS = {"name": "trading name", "legal-name": "legal name", "bin": "BIN (12 digits)", "email": "e-mail",
          "phone": "phone", "website": "website (http/https)", "contract-number": "contract number",
          "contract-signed": "contract signed (YYYY-MM-DD)", "contract-ends": "contract ends (YYYY-MM-DD)"}  # fmt: skip
NAMES = {"legal-name": "legal_name", "contract-number": "contract_number", "contract-signed": "contract_signed_at",
         "contract-ends": "contract_ends_at"}  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    reseller = sub.add_parser("reseller", help="resellers: create, change contract/status/price group, list, show")
    commands = reseller.add_subparsers(dest="reseller_command", metavar="ACTION", required=True)

    create = commands.add_parser("create", help="a new active reseller of a registrar")
    create.add_argument("handle")
    create.add_argument("--registrar", required=True, metavar="HANDLE")
    _field_options(create)
    create.set_defaults(func=cmd_create)

    modify = commands.add_parser("modify", help="change contract data, suspend/reactivate, price group")
    modify.add_argument("reseller", help="handle or id")
    _field_options(modify)
    status = modify.add_mutually_exclusive_group()
    status.add_argument("--suspend", action="store_true", help="it places no orders until reactivated (S8)")
    status.add_argument("--reactivate", action="store_true")
    modify.add_argument("--group", metavar="NAME", help='wholesale price group ("" for none)')
    modify.set_defaults(func=cmd_modify)

    listing = commands.add_parser("list", help="the resellers (of one registrar)")
    listing.add_argument("--registrar", metavar="HANDLE")
    listing.set_defaults(func=cmd_list)

    show = commands.add_parser("show", help="a reseller's data and its history of changes")
    show.add_argument("reseller", help="handle or id")
    show.set_defaults(func=cmd_show)


def _field_options(parser: argparse.ArgumentParser) -> None:
    for option, help_text in FIELDS.items():
        parser.add_argument(f"--{option}", dest=NAMES.get(option, option), help=help_text)


def _actor() -> Actor:
    from kzreg.resellers.management import Actor

    try:
        return Actor(f"cli:{getpass.getuser()}", None)
    except (KeyError, OSError):
        return Actor("cli", None)


def _values(args: argparse.Namespace) -> dict[str, str]:
    names = [NAMES.get(option, option) for option in FIELDS]
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _registrar_id(handle: str) -> int:
    from kzreg.core.errors import OperationFailed, Problem
    from kzreg.core.messages import Code
    from kzreg.registry.models import Registrar

    found = Registrar.objects.filter(handle=handle).values_list("pk", flat=True).first()
    if found is None:
        raise OperationFailed([Problem("registrar", Code.NOT_FOUND, {"kind": "registrar", "key": handle})])
    return int(found)


def cmd_create(args: argparse.Namespace) -> int:
    from kzreg.resellers.management import create_reseller

    reseller = create_reseller(_actor(), _registrar_id(args.registrar), {"handle": args.handle, **_values(args)})
    print(f"{reseller.handle}: created (id {reseller.pk})")
    return 0


def cmd_modify(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kzreg.resellers import management

    actor = _actor()
    with transaction.atomic():  # all the changes asked for, or none
        reseller = management.find_reseller(actor, args.reseller)
        values = _values(args)
        if values:
            reseller = management.change_contract(actor, reseller, values)
        if args.suspend or args.reactivate:
            reseller = management.set_active(actor, reseller, bool(args.reactivate))
        if args.group is not None:
            reseller = management.set_price_group(actor, reseller, args.group)
    _print(reseller)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kzreg.resellers.models import Reseller

    rows = Reseller.objects.all()
    if args.registrar:
        rows = rows.filter(registrar_id=_registrar_id(args.registrar))
    for r in rows.order_by("handle"):
        status = "active" if r.active else "suspended"
        print(f"{r.handle}\t{r.name}\t{status}\t{r.contract_number or '-'}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kzreg.resellers import management

    reseller = management.find_reseller(_actor(), args.reseller)
    _print(reseller)
    for event in management.events_of(reseller):
        changed = ", ".join(f"{name}: {before!r} -> {after!r}" for name, (before, after) in event.changes.items())
        print(f"  {event.at.isoformat()} {event.principal} {event.action} {changed}")
    return 0


def _print(reseller: Reseller) -> None:
    from kzreg.resellers.management import price_group_of

    group = price_group_of(reseller)
    print(f"{reseller.handle} (id {reseller.pk}): {reseller.name} / {reseller.legal_name}")
    print(f"  BIN {reseller.bin or '-'}, {reseller.email}, {reseller.phone or '-'}, {reseller.website or '-'}")
    ends = reseller.contract_ends_at.isoformat() if reseller.contract_ends_at else "until terminated"
    signed = reseller.contract_signed_at.isoformat() if reseller.contract_signed_at else "-"
    print(f"  contract {reseller.contract_number or '-'}, signed {signed}, ends {ends}")
    print(f"  {'active' if reseller.active else 'suspended'}, price group {group.name if group else '-'}")
