"""What domain and contact transfers between registrars share (R15, PS-1.2, RFC 5730–5733): who may
decide, the status each decision gives, the pending period, and the messages to both registrars."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.conf import settings

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Registrar, TransferStatus
from kzreg.registry.models.transfer import TransferBase
from kzreg.registry.operations.base import Context
from kzreg.registry.operations.sponsorship import is_sponsor_bound, registrar_by_id
from kzreg.registry.poll import notify_registrar

DEFAULT_PENDING_DAYS = 5
DECISIONS = ("approve", "reject", "cancel")


def pending_days() -> int:
    """`KZREG["TRANSFER_PENDING_DAYS"]`: how long the losing registrar has to decide (5 by default)."""
    return int(cast(dict, settings.KZREG).get("TRANSFER_PENDING_DAYS", DEFAULT_PENDING_DAYS))


def act_by(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=pending_days())


def require_registrar_actor(ctx: Context) -> int:
    """Only a registrar asks for another registrar's object; registry staff move it by command."""
    if not is_sponsor_bound(ctx.actor) or ctx.actor.registrar_id is None:
        raise OperationFailed(
            [
                Problem(
                    "", Code.NOT_AUTHORIZED, {"reason": "only a registrar requests a transfer; staff move by command"}
                )
            ]
        )
    return ctx.actor.registrar_id


def clean_decision(raw: str) -> str:
    decision = (raw or "").strip().lower()
    if decision not in DECISIONS:
        raise OperationFailed(
            [Problem("decision", Code.INVALID_CHOICE, {"value": raw, "choices": ", ".join(DECISIONS)})]
        )
    return decision


def decided_status(ctx: Context, transfer: TransferBase, decision: str) -> TransferStatus:
    """The trStatus a decision gives: the losing registrar approves or rejects, the gaining one cancels;
    registry staff and the worker (the pending period over) decide as the server."""
    actor = ctx.actor
    if actor.is_privileged:
        return TransferStatus.SERVER_APPROVED if decision == "approve" else TransferStatus.SERVER_CANCELLED
    party = transfer.gaining_id if decision == "cancel" else transfer.losing_id
    if actor.registrar_id != party:
        raise OperationFailed([Problem("decision", Code.TRANSFER_NOT_PARTY, {"decision": decision})])
    return {
        "approve": TransferStatus.CLIENT_APPROVED,
        "reject": TransferStatus.CLIENT_REJECTED,
        "cancel": TransferStatus.CLIENT_CANCELLED,
    }[decision]


def handle_of(registrar_id: int) -> str:
    registrar = registrar_by_id(registrar_id)
    return registrar.handle if registrar is not None else str(registrar_id)


def transfer_data(transfer: TransferBase, extra: dict | None = None) -> dict:
    """RFC 5730's trnData as plain values: what the EPP side renders in a response or a poll message."""
    return {
        "trStatus": str(transfer.status),
        "reID": handle_of(transfer.gaining_id),
        "reDate": transfer.requested_at.isoformat(),
        "acID": handle_of(transfer.losing_id),
        "acDate": (transfer.decided_at or transfer.act_by).isoformat(),
        **(extra or {}),
    }


def notify_request(ctx: Context, transfer: TransferBase, object_type: str, key: str, extra: dict) -> None:
    data = transfer_data(transfer, extra)
    notify_registrar(
        ctx, transfer.losing_id, "transfer_requested", object_type=object_type, object_key=key,
        data={**data, "registrar": data["reID"], "act_by": f"{transfer.act_by:%Y-%m-%d %H:%M} UTC"},
    )  # fmt: skip


def notify_decision(ctx: Context, transfer: TransferBase, object_type: str, key: str, extra: dict) -> None:
    data = {**transfer_data(transfer, extra), "status": str(transfer.status)}
    for registrar_id in (transfer.gaining_id, transfer.losing_id):
        notify_registrar(ctx, registrar_id, "transfer_decided", object_type=object_type, object_key=key, data=data)


def decide(ctx: Context, transfer: TransferBase, status: TransferStatus) -> None:
    transfer.status = status
    transfer.decided_at = ctx.now
    transfer.decided_by = ctx.actor.principal
    transfer.save(update_fields=["status", "decided_at", "decided_by"])


def gaining_registrar(transfer: TransferBase) -> Registrar:
    registrar = registrar_by_id(transfer.gaining_id)
    assert registrar is not None
    return registrar
