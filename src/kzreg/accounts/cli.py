"""`kzreg user …` (people: add, permissions, roles, deactivate, link a registrant; the second factor and the
login pause) and `kzreg customer access-report ID` (who saw a registrant's data, PS-8). Registry
administrators run these on the server: they act as `cli:<login>` and are not limited by a tenant."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

ACCOUNT = {"kk": "тіркелгі", "ru": "учётная запись", "en": "account"}
CUSTOMER = {"kk": "клиент", "ru": "клиент", "en": "customer"}
RESELLER = {"kk": "реселлер", "ru": "реселлер", "en": "reseller"}
REGISTRAR = {"kk": "тіркеуші", "ru": "регистратор", "en": "registrar"}


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="people: add, permissions, roles, deactivate, registrants, 2FA, login pause")
    commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="a new user: registry or registrar staff, a reseller's user, a registrant")
    add.add_argument("username")
    add.add_argument("--email", required=True)
    kind = add.add_mutually_exclusive_group(required=True)
    kind.add_argument("--registry", action="store_true", help="registry staff (hostmaster)")
    kind.add_argument("--registrar", metavar="HANDLE", help="staff of this registrar (give --role)")
    kind.add_argument("--reseller", metavar="HANDLE", help="a user of this reseller (--admin or --permission)")
    kind.add_argument("--customer", metavar="ID", type=int, help="a registrant: the login of this customer")
    add.add_argument("--role", action="append", default=[], help="support, compliance, billing, administration")
    add.add_argument("--admin", action="store_true", help="the reseller's administrator (every permission)")
    add.add_argument("--permission", action="append", default=[], help="view, order, pay, users, tokens")
    add.add_argument("--language", default="kk", choices=("kk", "ru", "en"))
    add.add_argument("--password", action="store_true", help="ask for a password (else: a reset mail is queued)")
    add.set_defaults(func=cmd_add)

    grant = commands.add_parser("permissions", help="replace a reseller user's permissions")
    grant.add_argument("username")
    grant.add_argument("permissions", nargs="*", help="view order pay users tokens (none: no permission)")
    grant.add_argument("--admin", action="store_true", help="make it the reseller's administrator")
    grant.set_defaults(func=cmd_permissions)

    roles = commands.add_parser("roles", help="replace a registrar staff member's roles")
    roles.add_argument("username")
    roles.add_argument("roles", nargs="*", help="support compliance billing administration")
    roles.set_defaults(func=cmd_roles)

    off = commands.add_parser("deactivate", help="sign a user out everywhere and keep it out")
    off.add_argument("username")
    off.set_defaults(func=cmd_deactivate)

    link = commands.add_parser("link", help="make a registrant's login one more customer (of any reseller)")
    link.add_argument("username")
    link.add_argument("customer", type=int)
    link.set_defaults(func=cmd_link)

    show = commands.add_parser("show", help="a user's organisation, roles, permissions, customers")
    show.add_argument("username")
    show.set_defaults(func=cmd_show)

    totp = commands.add_parser("totp", help="a new TOTP device: prints the otpauth:// URI and a QR code")
    totp.add_argument("username")
    totp.add_argument("--no-qr", action="store_true", help="print the URI only")
    totp.set_defaults(func=cmd_totp)

    unlock = commands.add_parser("unlock", help="forget failed logins of an account and/or an address")
    unlock.add_argument("username", nargs="?")
    unlock.add_argument("--address", help="client IP address whose failures to forget")
    unlock.set_defaults(func=cmd_unlock)

    customer = sub.add_parser("customer", help="registrants' data: who saw it (PS-8)")
    customer_commands = customer.add_subparsers(dest="customer_command", metavar="ACTION", required=True)
    report = customer_commands.add_parser("access-report", help="every view of a customer's personal data")
    report.add_argument("customer", type=int)
    report.set_defaults(func=cmd_access_report)


def _principal() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _not_found(field: str, kind: dict[str, str], key: object, lang: str) -> OperationFailed:
    return OperationFailed([Problem(field, Code.NOT_FOUND, {"kind": kind.get(lang, kind["en"]), "key": key})])


def _user(username: str, lang: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).select_related("staff_profile").first()
    if user is None:
        raise _not_found("username", ACCOUNT, username, lang)
    return user


def _customer(customer_id: int, lang: str):
    from kzreg.registrar.models import Customer

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise _not_found("customer", CUSTOMER, customer_id, lang)
    return customer


def cmd_add(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kzreg.accounts import people
    from kzreg.accounts.passwords import send_reset
    from kzreg.resellers.models import Reseller

    fields = dict(username=args.username, email=args.email, language=args.language)
    password = None
    if args.password:
        password = getpass.getpass("password: ")
    with transaction.atomic():
        if args.registry:
            user = people.create_person(_principal(), organisation="registry", password=password, **fields)
        elif args.registrar:
            from kzreg.registry.models import Registrar

            registrar = Registrar.objects.filter(handle__iexact=args.registrar).first()
            if registrar is None:
                raise _not_found("registrar", REGISTRAR, args.registrar, args.lang)
            user = people.create_person(_principal(), organisation="registrar", registrar=registrar, roles=args.role,
                                        password=password, **fields)  # fmt: skip
        elif args.reseller:
            reseller = Reseller.objects.filter(handle=args.reseller).select_related("registrar").first()
            if reseller is None:
                raise _not_found("reseller", RESELLER, args.reseller, args.lang)
            user = people.create_person(
                _principal(), organisation="reseller", registrar=reseller.registrar, reseller=reseller,
                administrator=args.admin, permissions=args.permission, password=password, **fields,
            )  # fmt: skip
        else:
            customer = _customer(args.customer, args.lang)
            user = people.create_person(_principal(), organisation="registrant", password=password, **fields)
            people.link_registrant(_principal(), user, customer)
        if password is None:
            send_reset(user, welcome=True)
    print(f"added {user.get_username()}" + ("" if password else " (a mail to set the password is queued)"))
    return 0


def cmd_permissions(args: argparse.Namespace) -> int:
    from kzreg.accounts import people

    user = _user(args.username, args.lang)
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.organisation != "reseller":
        raise OperationFailed([Problem("username", Code.INVALID, {"value": args.username})])
    granted, problems = people.parse_permissions(args.permissions)
    if problems:
        raise OperationFailed(problems)
    profile.permissions, profile.administrator = [p.value for p in granted], args.admin
    profile.save(update_fields=["permissions", "administrator"])
    people.record(_principal(), "permissions_set", user.get_username(), after=profile.permissions,
                  administrator=args.admin)  # fmt: skip
    print(f"{user.get_username()}: {'administrator' if args.admin else ', '.join(profile.permissions) or '-'}")
    return 0


def cmd_roles(args: argparse.Namespace) -> int:
    from kzreg.accounts import people

    user = _user(args.username, args.lang)
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.organisation != "registrar":
        raise OperationFailed([Problem("username", Code.INVALID, {"value": args.username})])
    roles, problems = people.parse_roles(args.roles)
    if problems:
        raise OperationFailed(problems)
    profile.roles = [r.value for r in roles]
    profile.save(update_fields=["roles"])
    people.record(_principal(), "roles_set", user.get_username(), after=profile.roles)
    print(f"{user.get_username()}: {', '.join(profile.roles) or '-'}")
    return 0


def cmd_deactivate(args: argparse.Namespace) -> int:
    from kzreg.accounts import people
    from kzreg.accounts.sessions import end_all

    user = _user(args.username, args.lang)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_all(user)
    people.record(_principal(), "user_deactivated", user.get_username(), sessions_ended=ended)
    print(f"{user.get_username()}: deactivated, {ended} session(s) ended")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from kzreg.accounts import people

    user, customer = _user(args.username, args.lang), _customer(args.customer, args.lang)
    people.link_registrant(_principal(), user, customer)
    print(f"{user.get_username()} is customer {customer.pk} ({customer})")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kzreg.accounts.models import RegistrantLink
    from kzreg.accounts.roles import permissions_of

    user = _user(args.username, args.lang)
    profile = getattr(user, "staff_profile", None)
    print(f"user: {user.get_username()} <{user.email}>{'' if user.is_active else ' (deactivated)'}")
    if profile is not None:
        where = profile.reseller or profile.registrar or ""
        print(f"organisation: {profile.organisation} {where}".rstrip())
        print(f"language: {profile.language}")
        if profile.roles:
            print(f"roles: {', '.join(profile.roles)}")
    print(f"permissions: {', '.join(sorted(permissions_of(user))) or '-'}")
    for link in RegistrantLink.objects.filter(user=user).select_related("customer"):
        print(f"customer: {link.customer_id} {link.customer}")
    return 0


def cmd_access_report(args: argparse.Namespace) -> int:
    from kzreg.accounts.personal_data import data_access_report

    customer = _customer(args.customer, args.lang)
    lines = data_access_report(customer)
    print(f"customer {customer.pk}: {customer}: {len(lines)} view(s) of its personal data")
    for line in lines:
        print(
            f"{line.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC  {line.username} ({line.organisation})  {line.fields}  via {line.via}"
        )
    return 0


def cmd_totp(args: argparse.Namespace) -> int:
    import segno

    from kzreg.accounts import two_factor

    device = two_factor.enrol(_user(args.username, args.lang))
    uri = device.config_url
    print(uri)
    if not args.no_qr:
        segno.make(uri, error="m").terminal(out=sys.stdout, compact=True)
    print(
        f"mode: KZREG_STAFF_2FA={two_factor.mode()}; earlier devices of {args.username} no longer work", file=sys.stderr
    )
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from kzreg.accounts import throttle

    if not (args.username or args.address):
        raise OperationFailed([Problem("username", Code.REQUIRED)])
    count = throttle.unlock(username=args.username, address=args.address)
    print(f"unlocked: {count} failure record(s) removed")
    return 0
