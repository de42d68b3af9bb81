"""`kzreg domain restore|transfer-decide|transfers|authcode`: registry staff's side of what registrars do
over EPP — restoring a deleted domain (RFC 3915, one step for staff), deciding a pending registrar
transfer as the registry (R15), listing a domain's transfers, and reading its authorization code for a
registrar that lost it. Every change goes through the operations as staff (channel `cli`)."""

from __future__ import annotations

import argparse
import getpass

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry import queries
from kzreg.registry.models import DomainTransfer


def staff_actor() -> Actor:
    return Actor.registry_staff(getpass.getuser(), Channel.CLI)


def cmd_restore(args: argparse.Namespace) -> int:
    """Request and report at once: staff act on the registrar's written request, recorded as the reason."""
    actor = staff_actor()
    ops.restore_domain(c.RestoreDomain(args.name), actor)
    report = c.RestoreReport(
        pre_data="as deleted (see history)", post_data="as deleted (see history)", deleted_at="see history",
        restored_at=clock.now().isoformat(), reason=args.reason,
        statements=(f"Restored by registry staff ({actor.principal}).", "On the sponsoring registrar's request."),
    )  # fmt: skip
    result = ops.restore_domain(c.RestoreDomain(args.name, report), actor)
    print(f"restored {result.object.unicode_name} until {result.object.expires_at:%Y-%m-%d}")
    return 0


def cmd_transfer_decide(args: argparse.Namespace) -> int:
    transfer = ops.decide_transfer(c.DecideTransfer(args.name, args.decision), staff_actor()).object
    print(f"{transfer.domain.unicode_name}: transfer {transfer.status}; sponsor {transfer.domain.registrar.handle}")
    return 0


def cmd_transfers(args: argparse.Namespace) -> int:
    domain = queries.find_domain(args.name)
    for t in DomainTransfer.objects.filter(domain=domain).select_related("gaining", "losing").order_by("requested_at"):
        decided = (
            f"{t.decided_at:%Y-%m-%d %H:%M} by {t.decided_by}" if t.decided_at else f"due {t.act_by:%Y-%m-%d %H:%M}"
        )
        print(f"{t.requested_at:%Y-%m-%d %H:%M}\t{t.losing.handle} -> {t.gaining.handle}\t{t.status}\t{decided}")
    return 0


def cmd_authcode(args: argparse.Namespace) -> int:
    print(ops.domain_auth_code(staff_actor(), queries.find_domain(args.name)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="restore a domain its registrar deleted (redemption period)")
    p.add_argument("name")
    p.add_argument("--reason", required=True, help="why, e.g. the registrar's letter of 2026-11-20")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("transfer-decide", help="decide a pending registrar transfer as the registry")
    p.add_argument("name")
    p.add_argument("decision", choices=["approve", "reject", "cancel"])
    p.set_defaults(func=cmd_transfer_decide)

    p = sub.add_parser("transfers", help="a domain's registrar transfers, oldest first")
    p.add_argument("name")
    p.set_defaults(func=cmd_transfers)

    p = sub.add_parser("authcode", help="print a domain's authorization code (for its registrar)")
    p.add_argument("name")
    p.set_defaults(func=cmd_authcode)
