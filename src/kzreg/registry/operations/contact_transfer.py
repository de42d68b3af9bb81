"""A contact moves to another registrar (RFC 5733 transfer): as a domain does (`registrar_transfer`), with
the contact's authorization code, the same pending period and decisions, no period, and a new code
afterwards. A contact of the registry's own (no sponsor: mail, staff) is not transferable (2106)."""

from __future__ import annotations

from django.db import IntegrityError, connection

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import DecideContactTransfer, RequestContactTransfer
from kzreg.registry.models import Contact, ContactTransfer, ObjectType, TransferStatus
from kzreg.registry.operations.base import Context, OperationResult, execute
from kzreg.registry.operations.prohibitions import TRANSFER, check_not_prohibited
from kzreg.registry.operations.sponsorship import auth_code_matches, is_sponsor_bound, new_auth_code
from kzreg.registry.operations.transfer_rules import (
    act_by,
    clean_decision,
    decide,
    decided_status,
    notify_decision,
    notify_request,
    require_registrar_actor,
)
from kzreg.registry.snapshots import contact_snapshot

KIND = str(ObjectType.CONTACT)


def _load(raw: str) -> Contact:
    handle = (raw or "").strip().upper()
    contact = Contact.objects.select_for_update().filter(handle=handle).first()
    if contact is None:
        raise OperationFailed([Problem("handle", Code.NOT_FOUND, {"kind": KIND, "key": handle})])
    return contact


def _pending(contact: Contact) -> ContactTransfer | None:
    return ContactTransfer.objects.select_for_update().filter(contact=contact, status=TransferStatus.PENDING).first()


def _record(ctx: Context, contact: Contact, reason: str) -> None:
    contact.version += 1
    contact.updated_at = ctx.now
    contact.save()
    ctx.history(ObjectType.CONTACT, contact, contact.handle, contact_snapshot(contact), reason)


def request_contact_transfer(command: RequestContactTransfer, actor: Actor) -> OperationResult[ContactTransfer]:
    def body(ctx: Context) -> ContactTransfer:
        gaining_id = require_registrar_actor(ctx)
        contact = _load(command.handle)
        if contact.registrar_id is None or contact.registrar_id == gaining_id:
            raise OperationFailed(
                [Problem("handle", Code.NOT_ELIGIBLE_FOR_TRANSFER, {"kind": KIND, "key": contact.handle})]
            )
        if not auth_code_matches(command.auth_code or "", contact.auth_code):
            raise OperationFailed([Problem("auth_code", Code.AUTH_CODE_INVALID, {"kind": KIND, "key": contact.handle})])
        check_not_prohibited(ctx, contact.client_statuses, TRANSFER, "handle")
        if _pending(contact) is not None:
            raise OperationFailed([Problem("handle", Code.PENDING_TRANSFER, {"kind": KIND, "key": contact.handle})])
        ctx.check_guards(contact)
        transfer = ContactTransfer.objects.create(
            contact=contact, gaining_id=gaining_id, losing_id=contact.registrar_id, requested_at=ctx.now,
            requested_by=ctx.actor.principal, act_by=act_by(ctx.now),
        )  # fmt: skip
        _record(ctx, contact, "transfer requested")
        notify_request(ctx, transfer, KIND, contact.handle, {})
        return transfer

    def on_race(exc: IntegrityError) -> list[Problem]:
        if "one_pending_transfer_per_contact" in str(exc) or "registry_contacttransfer" in str(exc):
            return [Problem("handle", Code.PENDING_TRANSFER, {"kind": KIND, "key": command.handle})]
        return []

    return execute("contact_transfer_request", command, actor, body, on_race)


def _finish(ctx: Context, contact: Contact, transfer: ContactTransfer, status: TransferStatus) -> ContactTransfer:
    if status in (TransferStatus.CLIENT_APPROVED, TransferStatus.SERVER_APPROVED):
        contact.registrar_id = transfer.gaining_id
        contact.auth_code = new_auth_code()
    decide(ctx, transfer, status)
    _record(ctx, contact, f"transfer {status}")
    notify_decision(ctx, transfer, KIND, contact.handle, {})
    transfer.contact = contact
    return transfer


def decide_contact_transfer(command: DecideContactTransfer, actor: Actor) -> OperationResult[ContactTransfer]:
    decision = clean_decision(command.decision)

    def body(ctx: Context) -> ContactTransfer:
        contact = _load(command.handle)
        transfer = _pending(contact)
        if transfer is None:
            raise OperationFailed([Problem("handle", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": contact.handle})])
        status = decided_status(ctx, transfer, decision)
        ctx.check_guards(transfer)
        return _finish(ctx, contact, transfer, status)

    return execute(f"contact_transfer_{decision}", command, actor, body)


def contact_transfer_status(handle: str, actor: Actor) -> ContactTransfer:
    """The contact's latest transfer, for the two registrars in it and staff (EPP `op="query"`)."""
    key = (handle or "").strip().upper()
    contact = Contact.objects.filter(handle=key).first()
    if contact is None:
        raise OperationFailed([Problem("handle", Code.NOT_FOUND, {"kind": KIND, "key": key})])
    transfer = ContactTransfer.objects.filter(contact=contact).order_by("-requested_at", "-id").first()
    parties = {transfer.gaining_id, transfer.losing_id} if transfer else {contact.registrar_id}
    if is_sponsor_bound(actor) and actor.registrar_id not in parties:
        raise OperationFailed([Problem("handle", Code.NOT_SPONSOR, {"kind": KIND, "key": key})])
    if transfer is None:
        raise OperationFailed([Problem("handle", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": key})])
    transfer.contact = contact
    return transfer


def approve_due_contact_transfers(limit: int = 100) -> int:
    """As `approve_due_transfers`, for contacts."""
    due = ContactTransfer.objects.filter(status=TransferStatus.PENDING, act_by__lte=clock.now())
    handles = list(due.order_by("act_by").values_list("contact__handle", flat=True)[:limit])
    done = 0
    for handle in handles:
        try:
            _approve_if_still_due(handle, Actor.system("transfer-auto-approve", Channel.WORKER))
            done += 1
        except OperationFailed:
            continue
    return done


def _approve_if_still_due(handle: str, actor: Actor) -> None:
    def body(ctx: Context) -> ContactTransfer:
        contact = _load(handle)
        query = ContactTransfer.objects.filter(contact=contact, status=TransferStatus.PENDING, act_by__lte=ctx.now)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        transfer = query.first()
        if transfer is None:
            raise OperationFailed([Problem("handle", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": handle})])
        ctx.check_guards(transfer)
        return _finish(ctx, contact, transfer, TransferStatus.SERVER_APPROVED)

    execute("contact_transfer_approve", DecideContactTransfer(handle, "approve"), actor, body)
