"""KZ-B: direct registrants — a New or a renewal (a Modify adding years, `1b`) for a domain sponsored by the
registry's own mail registrar, which has no prepaid account — are invoiced by the registry (B1: the
registry fee × years, due `KZREG["INVOICE_DUE_DAYS"]`, 30, days after its date).

`DirectRegistrantInvoices` is an operation guard (`KZREG["OPERATION_GUARDS"]`): its `after` issues the
invoice inside the operation's own transaction, so there is no domain without its invoice and no invoice
for a registration that rolled back; the invoice's mail (number, amount, due date) is queued in the same
transaction, next to the gateway's completion reply. The worker (`run`, job `billing-direct`) mails
the reminders `REMINDER_DAYS` from the due date (each once: a unique row per offset), and, when the
invoice is still unpaid `GRACE_DAYS` after the due date, applies the consequence: `hold` (the domain is
held through `set_domain_status` with a reason) or `hold_delete` (the default: held, and deleted through
`delete_domain` once the zone's grace days have passed since the hold, the invoice cancelled with it) or
`none`. Paying the invoice lifts a hold this module set (`lift_for_paid_invoice`), never one staff set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from kzreg.billing.books import prepaid_account, registry_book
from kzreg.billing.direct_texts import mail_text
from kzreg.billing.fees import fee_for
from kzreg.billing.invoices import cancel_invoice, issue_invoice, local_day
from kzreg.billing.invoices_lines import LineIn
from kzreg.billing.invoices_parties import Party
from kzreg.billing.ledger import Cause
from kzreg.billing.models import DirectInvoice, DirectReminder, FeeCommand, Invoice, InvoiceStatus
from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed, Problem
from kzreg.notify.outbox import queue_email
from kzreg.registry.commands import DeleteDomain, SetDomainStatus
from kzreg.registry.guards import GuardContext
from kzreg.registry.models import Domain, Registrar
from kzreg.registry.zones import zone_policies
from kzreg.template_mail.conf import mail_registrar_handle

DEFAULTS: dict[str, Any] = {"REMINDER_DAYS": [-7, -1, 3, 10], "GRACE_DAYS": 15, "CONSEQUENCE": "hold_delete"}
CONSEQUENCES = ("none", "hold", "hold_delete")
# Operation → (fee command, the years it charges).
INVOICED = {
    "domain_create": (FeeCommand.CREATE, lambda c: c.period),
    "domain_renew": (FeeCommand.RENEW, lambda c: c.years),
    "domain_modify": (FeeCommand.RENEW, lambda c: c.add_years),
}
PRINCIPAL = "billing-direct"


def config() -> dict[str, Any]:
    merged = {**DEFAULTS, **cast(dict, settings.KZREG).get("DIRECT_INVOICES", {})}
    if merged["CONSEQUENCE"] not in CONSEQUENCES:
        raise ValueError(f"KZREG['DIRECT_INVOICES']['CONSEQUENCE'] must be one of {CONSEQUENCES}")
    return merged


def is_direct(registrar: Registrar) -> bool:
    """The registry's own mail registrar, while it has no prepaid account (with one, its deposit pays)."""
    return registrar.handle == mail_registrar_handle() and prepaid_account(registrar.id) is None


class DirectRegistrantInvoices:
    def check(self, ctx: GuardContext, target: Any) -> Iterable[Problem]:
        return []

    def after_soon(self, ctx: GuardContext, result: Any, key_sql: str) -> bool:
        """`after` writes nothing but a mailed registration's invoice (`registry.guards.after_soon`)."""
        return INVOICED.get(ctx.operation) is None or ctx.actor.channel != Channel.MAIL

    def after(self, ctx: GuardContext, result: Any) -> None:
        rule = INVOICED.get(ctx.operation)
        if rule is None or ctx.actor.channel != Channel.MAIL:  # KZ-B: forms e-mailed by registrants
            return
        command, years_of = rule
        years = years_of(ctx.command)
        if not isinstance(years, int) or isinstance(years, bool) or years <= 0:
            return
        if is_direct(result.registrar):
            invoice_domain(result, command, years, ctx.operation, ctx.actor.principal, ctx.now)


def _buyer(domain: Domain) -> Party:
    contact = domain.registrant
    address = ", ".join(p for p in (contact.address, contact.city, contact.region, contact.postal_code) if p)
    return Party(
        name=contact.organisation or contact.name,
        address=address,
        country=contact.country_code or "KZ",
        key=f"registrant:{contact.handle}",
    )


def invoice_domain(
    domain: Domain, command: FeeCommand, years: int, operation: str, principal: str, now: dt.datetime
) -> DirectInvoice:
    zone = next(z for z in zone_policies().values() if z.id == domain.zone_id)
    fee = fee_for(zone.name, command, years, None, now)
    what = {"create": "тіркеу / регистрация / registration", "renew": "ұзарту / продление / renewal"}[command]
    line = LineIn(f"{domain.unicode_name or domain.name}: {what}, {years} y", fee, 1)
    cause = Cause(
        kind="invoice", principal=principal, operation=operation, object_type="domain",
        object_id=domain.pk, object_key=domain.name,
    )  # fmt: skip
    language = domain.registrant.language if domain.registrant.language in ("kk", "ru", "en") else "ru"
    invoice = issue_invoice(registry_book(now), _buyer(domain), [line], fee.currency, language, now, cause)
    # The buyer, and the administrative contact who mails the forms and gets the completion reply.
    emails = list(dict.fromkeys(e for e in [*domain.registrant.emails, *domain.admin_contact.emails] if e))[:5]
    direct = DirectInvoice.objects.create(
        invoice=invoice, domain_id=domain.pk, domain_name=domain.name, operation=operation,
        emails=emails, language=language, created_at=now, mailed_at=now,
    )  # fmt: skip
    _mail(direct, "invoice")  # in the operation's transaction, beside the gateway's completion reply
    return direct


def _mail(direct: DirectInvoice, kind: str) -> None:
    if not direct.emails:
        return
    subject, body = mail_text(kind, direct.invoice, direct.domain_name, direct.language, config()["GRACE_DAYS"])
    queue_email(
        to=direct.emails, subject=subject, body=body, sender=settings.HOSTMASTER,
        reference=f"invoice {direct.invoice.number}", language=direct.language,
    )  # fmt: skip


def _actor() -> Actor:
    return Actor.system(PRINCIPAL, Channel.WORKER)


def run(now: dt.datetime) -> dict[str, int]:
    """One worker pass: reminders sent, holds set, domains deleted (counts)."""
    counts = {"reminded": 0, "held": 0, "deleted": 0}
    cfg = config()
    today = local_day(now)
    unpaid = DirectInvoice.objects.filter(invoice__status=InvoiceStatus.ISSUED, deleted_at__isnull=True)
    for pk in list(unpaid.values_list("pk", flat=True)):
        with transaction.atomic():
            direct = DirectInvoice.objects.select_for_update().select_related("invoice").get(pk=pk)
            if direct.invoice.status != InvoiceStatus.ISSUED:
                continue
            counts["reminded"] += _remind(direct, cfg["REMINDER_DAYS"], today, now)
            done = _consequence(direct, cfg, today, now)
            if done in counts:
                counts[done] += 1
    return counts


def _remind(direct: DirectInvoice, offsets: list[int], today: dt.date, now: dt.datetime) -> int:
    """The newest reminder whose day has come, once; older ones that passed unsent are recorded as such."""
    due = direct.invoice.due_on
    passed = sorted(o for o in offsets if due + dt.timedelta(days=o) <= today)
    done = set(direct.reminders.values_list("offset_days", flat=True))
    todo = [o for o in passed if o not in done]
    if not todo:
        return 0
    newest = todo[-1]
    for offset in todo:
        DirectReminder.objects.create(direct=direct, offset_days=offset, sent_at=now, mailed=offset == newest)
    _mail(direct, "before" if newest < 0 else "after")
    return 1


def _consequence(direct: DirectInvoice, cfg: dict[str, Any], today: dt.date, now: dt.datetime) -> str:
    if cfg["CONSEQUENCE"] == "none":
        return "none"
    domain = Domain.objects.filter(pk=direct.domain_id, deleted_at__isnull=True).first()
    if domain is None:
        return "none"
    if direct.held_at is None and today > direct.invoice.due_on + dt.timedelta(days=cfg["GRACE_DAYS"]):
        return _hold(direct, domain, now)
    if direct.held_at is not None and cfg["CONSEQUENCE"] == "hold_delete":
        zone = next(z for z in zone_policies().values() if z.id == domain.zone_id)
        if now >= direct.held_at + dt.timedelta(days=zone.grace_days):
            return _delete(direct, domain, now)
    return "none"


def _hold(direct: DirectInvoice, domain: Domain, now: dt.datetime) -> str:
    from kzreg.registry.operations import set_domain_status

    direct.held_at = now
    if not domain.hold:  # someone else's hold stays theirs: we neither set nor later lift it
        reason = f"invoice {direct.invoice.number} unpaid (KZ-B)"
        set_domain_status(SetDomainStatus(domain.name, "hold", reason), _actor())
        _mail(direct, "held")
    else:
        direct.lifted_at = now  # nothing of ours to lift
    direct.save(update_fields=["held_at", "lifted_at"])
    return "held"


def _delete(direct: DirectInvoice, domain: Domain, now: dt.datetime) -> str:
    from kzreg.registry.operations import delete_domain

    reason = f"invoice {direct.invoice.number} unpaid (KZ-B)"
    delete_domain(DeleteDomain(domain.name, reason), _actor())
    cancel_invoice(direct.invoice, f"domain {domain.name} deleted: unpaid", now, PRINCIPAL)
    direct.deleted_at = now
    direct.save(update_fields=["deleted_at"])
    return "deleted"


def lift_for_paid_invoice(invoice: Invoice, now: dt.datetime) -> bool:
    """Called when an invoice is paid: lifts the hold this module set on its domain (True if it did)."""
    from kzreg.registry.operations import lift_domain_status

    direct = DirectInvoice.objects.select_for_update().filter(invoice=invoice).first()
    if direct is None or direct.held_at is None or direct.lifted_at is not None or direct.deleted_at is not None:
        return False
    domain = Domain.objects.filter(pk=direct.domain_id, deleted_at__isnull=True).first()
    direct.lifted_at = now
    direct.save(update_fields=["lifted_at"])
    if domain is None or not domain.hold:
        return False
    try:
        lift_domain_status(SetDomainStatus(domain.name, "hold", f"invoice {invoice.number} paid"), _actor())
    except OperationFailed:
        return False  # e.g. the domain left the registry meanwhile: the payment stands
    _mail(direct, "lifted")
    return True
