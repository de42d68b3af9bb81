"""`kzreg registrar reconcile|orders|settle|sync|webhooks|remind` (added to the registry's `kzreg registrar`
command): what the worker's registrar jobs do, run now by hand."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Nothing at the top level: the registrar wing's commands live under `kzreg registrar`."""


def register_registrar(parsers: argparse._SubParsersAction) -> None:
    p = parsers.add_parser("reconcile", help="compare the registrar's services with the registry")
    p.add_argument("--fix", action="store_true", help="take the registry's values where they differ")
    p.set_defaults(func=cmd_reconcile)

    p = parsers.add_parser("orders", help="the registrar's orders: id, state, kind, domain, payer, key")
    p.add_argument("--state", help="only orders in this state (e.g. unknown)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_orders)

    p = parsers.add_parser("settle", help="settle unknown and stuck orders now (what the worker does)")
    p.set_defaults(func=cmd_settle)

    p = parsers.add_parser("sync", help="read the registry's poll messages and refresh the services they name")
    p.set_defaults(func=cmd_sync)

    p = parsers.add_parser("webhooks", help="webhook deliveries: post what is due now, or list the last ones")
    p.add_argument("--list", action="store_true", help="list the last deliveries instead of posting")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_webhooks)

    p = parsers.add_parser("remind", help="mail the expiry reminders that are due now")
    p.set_defaults(func=cmd_remind)


def cmd_reconcile(args: argparse.Namespace) -> int:
    from kzreg.registrar.connection import open_connection
    from kzreg.registrar.reconcile import reconcile

    conn = open_connection("cli:reconcile")
    try:
        differences = reconcile(conn, fix=args.fix)
    finally:
        conn.close()
    for d in differences:
        print(f"{d.name}\t{d.field}\tours: {d.ours}\tregistry: {d.registry}" + ("\tfixed" if args.fix else ""))
    print(f"{len(differences)} difference(s)" + (", fixed" if args.fix and differences else ""))
    return 1 if differences and not args.fix else 0


def cmd_orders(args: argparse.Namespace) -> int:
    from kzreg.registrar.models import Order

    query = Order.objects.order_by("-id")
    if args.state:
        query = query.filter(state=args.state)
    for order in query[: args.limit]:
        print(f"{order.pk}\t{order.state}\t{order.kind}\t{order.domain}\t{order.payer}\t{order.idempotency_key}"
              f"\t{order.updated_at:%Y-%m-%d %H:%M}")  # fmt: skip
    return 0


def cmd_settle(args: argparse.Namespace) -> int:
    from kzreg.registrar.connection import open_connection
    from kzreg.registrar.settle import settle_orders

    conn = open_connection("cli:settle")
    try:
        counts = settle_orders(conn)
    finally:
        conn.close()
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to settle")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from kzreg.registrar.connection import open_connection
    from kzreg.registrar.sync import sync_from_poll

    conn = open_connection("cli:sync")
    try:
        counts = sync_from_poll(conn)
    finally:
        conn.close()
    print(f"messages: {counts['messages']}, refreshed: {counts['refreshed']}")
    return 0


def cmd_webhooks(args: argparse.Namespace) -> int:
    from kzreg.registrar.models import WebhookDelivery
    from kzreg.registrar.webhook_delivery import deliver_due

    if args.list:
        rows = WebhookDelivery.objects.select_related("webhook", "event").order_by("-id")[: args.limit]
        for d in rows:
            print(f"{d.pk}\t{d.state}\t{d.attempts}\t{d.event.kind}\t{d.event.domain}\t{d.webhook.url}"
                  f"\t{d.last_error}")  # fmt: skip
        return 0
    counts = deliver_due(args.limit)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from kzreg.core import clock
    from kzreg.registrar.reminders import send_reminders

    counts = send_reminders(clock.now())
    print(f"reminded: {counts['reminded']}, digests: {counts['digests']}")
    return 0
