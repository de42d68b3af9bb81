"""KZ-B direct registrants (issue 11): a New or a renewal by e-mailed form for a domain of the registry's
mail registrar (no prepaid account) is invoiced by the registry in the operation's own transaction; the
worker mails the invoice, reminds before and after the due date (each once), holds the domain when it
stays unpaid past the grace, deletes it after the zone's grace; paying lifts the hold it set."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing import direct
from kzreg.billing.books import open_prepaid
from kzreg.billing.invoice_payments import pay_invoice
from kzreg.billing.models import DirectInvoice, DirectReminder, Invoice, InvoiceStatus
from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.notify.models import OutboxMessage
from kzreg.registry import commands as c
from kzreg.registry.authority import MailProof
from kzreg.registry.models import Domain, Registrar
from kzreg.registry.operations import create_domain, modify_domain, set_domain_status
from tests.conftest import T0, domain_command, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaznic(registrar) -> Registrar:
    return Registrar.objects.create(handle="KAZNIC", name="KazNIC (registrations by e-mail)",
                                    email="hostmaster@nic.kz", created_at=T0)  # fmt: skip


def mailed(kaznic: Registrar) -> Actor:
    proof = MailProof("ivan1@example.kz", sender_proven=True)
    return Actor("ivan1@example.kz", Role.REGISTRANT, Channel.MAIL, "KZ-261203.1", kaznic.id, proof=proof)


def register(kaznic: Registrar, name: str = "direct.kz", years: int = 2) -> Domain:
    command = domain_command(name, period=years, registrar="KAZNIC", registrant=person(1, language="kk"))
    return create_domain(command, mailed(kaznic)).object


def at(day: dt.date) -> None:
    clock.freeze(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC))


def test_a_mailed_new_is_invoiced_in_its_own_transaction(frozen_clock, kaznic):
    domain = register(kaznic)
    invoice = Invoice.objects.get()
    assert invoice.gross.currency == "USD" and invoice.net == Money.of("60.00", "USD")  # USD 30 × 2 years
    assert (
        invoice.due_on == T0.date() + dt.timedelta(days=30)
        and invoice.buyer_key == "registrant:" + domain.registrant.handle
    )
    assert invoice.language == "kk"
    row = DirectInvoice.objects.get()
    assert (row.domain_name, row.operation, row.emails) == ("direct.kz", "domain_create", ["ivan1@example.kz"])
    assert invoice.issued_tx.object_key == "direct.kz"


def test_a_registration_that_fails_leaves_no_invoice(frozen_clock, kaznic):
    register(kaznic)
    with pytest.raises(OperationFailed):
        register(kaznic)  # the name is taken
    assert Invoice.objects.count() == 1


def test_years_added_by_a_mailed_modify_are_invoiced(frozen_clock, kaznic):
    register(kaznic, years=1)
    modify_domain(c.ModifyDomain("direct.kz", add_years=3), mailed(kaznic))
    renewal = Invoice.objects.order_by("-id").first()
    assert renewal.net == Money.of("90.00", "USD") and DirectInvoice.objects.count() == 2
    modify_domain(c.ModifyDomain("direct.kz", purpose="a modify without years"), mailed(kaznic))
    assert Invoice.objects.count() == 2


def test_not_invoiced_a_registrar_with_a_deposit_or_another_channel(frozen_clock, kaznic, make_domain, staff):
    make_domain("isp.kz")  # PS-KZ's domain, by staff
    create_domain(domain_command("staff.kz", registrar="KAZNIC"), staff)  # not a registrant's form
    open_prepaid(kaznic.id, kaznic.handle, "USD", clock.now())
    with pytest.raises(OperationFailed):  # with a deposit the fee guard charges it (empty: refused)
        register(kaznic, "funded.kz")
    assert not Invoice.objects.exists()


def test_the_invoice_is_mailed_with_the_registration(frozen_clock, kaznic):
    register(kaznic)
    direct.run(clock.now())  # nothing more to mail today
    (mail,) = OutboxMessage.objects.filter(reference__startswith="invoice ")
    assert mail.to == ["ivan1@example.kz"] and mail.language == "kk"
    invoice = Invoice.objects.get()
    assert mail.subject == f"direct.kz доменіне төлем шоты {invoice.number}"
    assert f"Сомасы: {invoice.gross}" in mail.body and f"Төлем мерзімі: {invoice.due_on:%d.%m.%Y}" in mail.body


def test_reminders_before_and_after_the_due_date_each_once(frozen_clock, kaznic):
    register(kaznic)
    direct.run(clock.now())
    due = Invoice.objects.get().due_on
    at(due - dt.timedelta(days=8))
    assert direct.run(clock.now())["reminded"] == 0
    at(due - dt.timedelta(days=7))
    assert direct.run(clock.now())["reminded"] == 1
    assert direct.run(clock.now())["reminded"] == 0
    at(due + dt.timedelta(days=11))  # -1, +3 and +10 all passed while the worker was away: one mail
    assert direct.run(clock.now())["reminded"] == 1
    reminders = dict(DirectReminder.objects.values_list("offset_days", "mailed"))
    assert reminders == {-7: True, -1: False, 3: False, 10: True}
    subjects = list(OutboxMessage.objects.order_by("id").values_list("subject", flat=True))
    assert [s.split(":")[0] for s in subjects[1:]] == ["Еске салу", subjects[2].split(":")[0]]
    assert "мерзімі өтті" in subjects[2]


def test_unpaid_past_the_grace_the_domain_is_held_and_payment_lifts_it(frozen_clock, kaznic):
    register(kaznic)
    invoice = Invoice.objects.get()
    at(invoice.due_on + dt.timedelta(days=15))
    assert direct.run(clock.now())["held"] == 0
    at(invoice.due_on + dt.timedelta(days=16))
    assert direct.run(clock.now())["held"] == 1
    domain = Domain.objects.get(name="direct.kz")
    assert domain.hold
    assert direct.run(clock.now())["held"] == 0
    pay_invoice(invoice, invoice.gross, "tester", clock.now(), "bank 1")
    domain.refresh_from_db()
    assert not domain.hold and Invoice.objects.get().status == InvoiceStatus.PAID
    assert DirectInvoice.objects.get().lifted_at == clock.now()


def test_a_hold_staff_set_is_not_lifted_by_the_payment(frozen_clock, kaznic, staff):
    register(kaznic)
    set_domain_status(c.SetDomainStatus("direct.kz", "hold", "court order 12/2026"), staff)
    invoice = Invoice.objects.get()
    at(invoice.due_on + dt.timedelta(days=16))
    direct.run(clock.now())
    pay_invoice(invoice, invoice.gross, "tester", clock.now())
    assert Domain.objects.get(name="direct.kz").hold


def test_still_unpaid_after_the_zones_grace_the_domain_is_deleted(frozen_clock, kaznic):
    register(kaznic)
    invoice = Invoice.objects.get()
    held_on = invoice.due_on + dt.timedelta(days=16)
    at(held_on)
    direct.run(clock.now())
    at(held_on + dt.timedelta(days=29))
    assert direct.run(clock.now())["deleted"] == 0
    at(held_on + dt.timedelta(days=30))  # the .kz zone's grace: 30 days
    assert direct.run(clock.now())["deleted"] == 1
    assert not Domain.objects.filter(name="direct.kz", deleted_at__isnull=True, pending_delete=False).exists()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CANCELLED
    assert direct.run(clock.now()) == {"reminded": 0, "held": 0, "deleted": 0}


def test_the_consequence_is_configurable(frozen_clock, kaznic, settings):
    settings.KZREG = {**settings.KZREG, "DIRECT_INVOICES": {"CONSEQUENCE": "none"}}
    register(kaznic)
    at(Invoice.objects.get().due_on + dt.timedelta(days=100))
    assert direct.run(clock.now())["held"] == 0 and not Domain.objects.get(name="direct.kz").hold
    settings.KZREG = {**settings.KZREG, "DIRECT_INVOICES": {"CONSEQUENCE": "hold", "GRACE_DAYS": 0}}
    assert direct.run(clock.now())["held"] == 1
    at(Invoice.objects.get().due_on + dt.timedelta(days=400))
    assert direct.run(clock.now())["deleted"] == 0


def test_the_worker_runs_it_as_a_job(frozen_clock, kaznic):
    from kzreg.billing.jobs import JOBS
    from kzreg.plugins import part_modules

    (job,) = [j for module in part_modules("jobs") for j in module.JOBS if j.name == "billing-direct"]
    assert job is JOBS[0]
    register(kaznic)
    at(Invoice.objects.get().due_on - dt.timedelta(days=7))
    assert job.run() == {"reminded": 1, "held": 0, "deleted": 0}
