"""`kzreg outbox list|show|deliver`: what was (or will be) sent, from the command line."""

from __future__ import annotations

import argparse
import sys

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.notify.labels import LABELS


def register(sub: argparse._SubParsersAction) -> None:
    outbox = sub.add_parser("outbox", help="outgoing mail: list, show, deliver")
    commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="messages, newest first")
    listing.add_argument("--state", choices=("queued", "sending", "sent", "failed"))
    listing.add_argument("--reference", help="tracking number or other reference, e.g. KZ-261122.1")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    listing.set_defaults(func=cmd_list)

    show = commands.add_parser("show", help="one message as it is sent (.eml)")
    show.add_argument("id", type=int)
    show.set_defaults(func=cmd_show)

    deliver = commands.add_parser("deliver", help="one delivery pass now (what the worker does every 5 s)")
    deliver.set_defaults(func=cmd_deliver)


def cmd_list(args: argparse.Namespace) -> int:
    from kzreg.notify.models import OutboxMessage

    if args.limit < 1:
        raise OperationFailed([Problem("limit", Code.INVALID, {"value": args.limit})])
    if args.reference is not None and not args.reference.strip():
        raise OperationFailed([Problem("reference", Code.REQUIRED)])
    rows = OutboxMessage.objects.all()
    if args.state:
        rows = rows.filter(state=args.state)
    if args.reference:
        rows = rows.filter(reference=args.reference)
    for row in rows[: args.limit]:
        when = row.created_at.strftime("%Y-%m-%d %H:%M:%SZ")
        to = ", ".join(row.recipients)
        print(f"{row.pk}\t{when}\t{row.state}\t{row.attempts}\t{row.reference or '-'}\t{to}\t{row.subject}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kzreg.notify.mime import as_bytes
    from kzreg.notify.models import OutboxMessage

    row = OutboxMessage.objects.filter(pk=args.id).first()
    if row is None:
        print(f"error: id: {LABELS['not_found'][args.lang]}: {args.id}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(as_bytes(row))
    sys.stdout.flush()
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from kzreg.notify.delivery import deliver_due

    try:
        counts = deliver_due()
    except ImproperlyConfigured as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(" ".join(f"{k}={counts.get(k, 0)}" for k in ("sent", "retry", "failed")))
    return 0
