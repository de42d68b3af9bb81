"""`kzreg token create|list|revoke`: API tokens for scripts (docs/api.md). The secret is printed once."""

from __future__ import annotations

import argparse

from kzreg.api import tokens
from kzreg.api.models import ApiToken
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("token", help="API tokens: create, list, revoke")
    actions = parser.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a token for a user and print it (shown once)")
    create.add_argument("username")
    create.add_argument("--name", default="", help="what the token is for")
    create.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")
    create.set_defaults(func=_create)
    listing = actions.add_parser("list", help="a user's tokens (never their secrets)")
    listing.add_argument("username")
    listing.set_defaults(func=_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=_revoke)


def _create(args: argparse.Namespace) -> int:
    user = tokens.user_by_name(args.username)
    _token, secret = tokens.create_token(user, args.name, args.expires_days, created_by="cli")
    print(secret)
    return 0


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "-"


def _list(args: argparse.Namespace) -> int:
    user = tokens.user_by_name(args.username)
    print(f"{'id':>6}  {'prefix':12}  {'name':20}  {'created':25}  {'last used':25}  {'expires':25}  revoked")
    for token in tokens.tokens_of(user):
        print(f"{token.pk:>6}  {token.prefix:12}  {token.name[:20]:20}  {_when(token.created_at):25}  "
              f"{_when(token.last_used_at):25}  {_when(token.expires_at):25}  {_when(token.revoked_at)}")  # fmt: skip
    return 0


def _revoke(args: argparse.Namespace) -> int:
    token = ApiToken.objects.filter(pk=args.id).first()
    if token is None:
        raise OperationFailed([Problem("id", Code.NOT_FOUND, {"kind": "token", "key": args.id})])
    tokens.revoke(token)
    print(f"revoked {token.pk} ({token.prefix}) of {token.user.get_username()}")
    return 0
