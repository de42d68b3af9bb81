"""T10: a request waiting for the contact on record is applied when that contact replies with the
token, and lapses when the deadline passes (the worker sweeps expiries; the clock decides). The token,
mailed only to the address on record, is what proves the mailbox: the reply's sender and token are the
gateway's proof (`MailProof.confirmed_by`); whose confirmation stands for the request is the registry's
rule (`authority.confirmers`: T13's transfer waits for the current administrative contact alone)."""

from __future__ import annotations

import re

from django.db import transaction

from kzreg.core import clock
from kzreg.registry.authority import confirmers
from kzreg.registry.models import Contact
from kzreg.template_mail.models import Confirmation, ConfirmationState
from kzreg.template_mail.outgoing import by_language, send
from kzreg.template_mail.parser import ParsedForm
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import Run, Submission

TOKEN_RE = re.compile(r"\bCONFIRM\s+([0-9a-f]{20})\b", re.I)


OPERATIONS = {("contact", "M"): "contact_modify", ("transfer", "T"): "domain_transfer",
              ("domain", "M"): "domain_modify", ("domain", "D"): "domain_delete"}  # fmt: skip


def _on_record(confirmation: Confirmation) -> list[Contact | None]:
    """The contacts on record who may confirm, as the registry says now (they may have changed)."""
    from kzreg.template_mail.actions_domain import find_domain

    operation = OPERATIONS.get((confirmation.template, confirmation.action), "")
    if confirmation.template == "contact":
        target: object = Contact.objects.filter(handle=confirmation.object_key).first()
    else:
        target = find_domain(confirmation.object_key)
    return list(confirmers(operation, target)) if target is not None else []


def _form(template: str, fields: dict, lang: str) -> ParsedForm:
    form = ParsedForm(template, fields=dict(fields), language=lang)
    form.pgp_key = fields.get("pgp_key", "")
    return form


def apply_confirmation(run: Run) -> Outcome | None:
    """The reply's token → the waiting request, applied as the contact on record's own (None: no token)."""
    from kzreg.template_mail.actions_domain import domain_delete, domain_modify, transfer
    from kzreg.template_mail.actions_other import contact_form

    found = TOKEN_RE.search(run.mail.subject) or TOKEN_RE.search(" ".join(p.text for p in run.mail.parts)[:20000])
    if found is None:
        return None
    confirmation = (
        Confirmation.objects.select_for_update()
        .filter(token=found.group(1).lower(), request=run.request, state=ConfirmationState.PENDING)
        .first()
    )
    now = clock.now()
    contacts = _on_record(confirmation) if confirmation else []
    emails = {e.lower() for c in contacts if c is not None for e in c.emails}
    if confirmation is None or confirmation.expires_at <= now or run.sender not in emails:
        return Outcome("message", "?", "", "rejected", detail=text("confirm_unknown", run.lang))
    lang = run.request.language
    contact = next(c for c in contacts if c is not None and run.sender in {e.lower() for e in c.emails})
    original = run.sender
    run.sender = run.request.sender  # the request remains the original sender's
    fields = confirmation.fields
    if confirmation.template == "transfer":
        delete, new = (Submission(_form("domain", fields[part], lang)) for part in ("delete", "new"))
        outcome = transfer(run, confirmation.object_key, delete, new, confirmed_by=contact.handle)
    elif confirmation.template == "contact":
        outcome = contact_form(run, Submission(_form("contact", fields, lang)), "M", confirmed_by=contact.handle)
    elif confirmation.action == "M":
        outcome = domain_modify(run, Submission(_form("domain", fields, lang)), confirmed_by=contact.handle)
    else:
        outcome = domain_delete(run, Submission(_form("domain", fields, lang)), confirmed_by=contact.handle)
    run.sender = original
    confirmation.state = ConfirmationState.CONFIRMED if outcome.status == "completed" else ConfirmationState.FAILED
    confirmation.decided_at, confirmation.decided_by = now, original
    confirmation.save()
    outcome.detail = text("confirmed", run.lang, what=outcome.what(run.lang), by=original)
    if run.request.sender and run.request.sender != original:
        send(run.request, [run.request.sender], text(f"state_{outcome.status}", run.lang),
             outcome.detail, run.lang)  # fmt: skip
    return outcome


def expire_confirmations(limit: int = 200) -> int:
    """Confirmations past their deadline lapse; the requester and the contacts are told."""
    now = clock.now()
    count = 0
    with transaction.atomic():
        due = (
            Confirmation.objects.select_for_update(skip_locked=True)
            .select_related("request")
            .filter(state=ConfirmationState.PENDING, expires_at__lte=now)[:limit]
        )
        for confirmation in due:
            confirmation.state, confirmation.decided_at = ConfirmationState.EXPIRED, now
            confirmation.save(update_fields=["state", "decided_at"])
            request = confirmation.request
            lang = request.language
            what = f"{text('action_' + confirmation.action, lang)} {confirmation.object_key}"
            send(request, [request.sender], text("expired_subject", lang), text("expired_body", lang, what=what), lang)
            for clang, emails in by_language(_on_record(confirmation)).items():
                send(request, emails, text("expired_subject", clang),
                     text("expired_body", clang, what=what), clang)  # fmt: skip
            request.state, request.updated_at = "rejected", now
            request.save(update_fields=["state", "updated_at"])
            count += 1
    return count
