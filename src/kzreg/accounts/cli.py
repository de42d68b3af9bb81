"""`kzreg user totp NAME` and `kzreg user unlock NAME | --address IP`: the second factor and the login pause
from the command line (registry administrators run these on the server)."""

from __future__ import annotations

import argparse
import sys

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

ACCOUNT = {"kk": "тіркелгі", "ru": "учётная запись", "en": "account"}


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="staff accounts: two-factor device, lifting a login pause")
    commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    totp = commands.add_parser("totp", help="a new TOTP device: prints the otpauth:// URI and a QR code")
    totp.add_argument("username")
    totp.add_argument("--no-qr", action="store_true", help="print the URI only")
    totp.set_defaults(func=cmd_totp)

    unlock = commands.add_parser("unlock", help="forget failed logins of an account and/or an address")
    unlock.add_argument("username", nargs="?")
    unlock.add_argument("--address", help="client IP address whose failures to forget")
    unlock.set_defaults(func=cmd_unlock)


def _user(username: str, lang: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        kind = ACCOUNT.get(lang, ACCOUNT["en"])
        raise OperationFailed([Problem("username", Code.NOT_FOUND, {"kind": kind, "key": username})])
    return user


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
