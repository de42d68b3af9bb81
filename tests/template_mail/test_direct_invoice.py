"""KZ-B end to end (issue 11): a New e-mailed by a direct registrant goes through the real SMTP intake, is
registered under the registry's mail registrar, and the registrant and the administrative contact get the
registry's invoice (number, amount, due date) in the registrant's language next to the completion reply;
a rejected New gets no invoice."""

from __future__ import annotations

import pytest

from kzreg.billing.direct_texts import mail_text
from kzreg.billing.models import DirectInvoice, Invoice
from kzreg.notify.models import OutboxMessage
from kzreg.registry.models import Domain
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_e_mailed_new_brings_the_registrys_invoice(intake):
    delivery = intake.deliver(golden("new-kk.eml"))
    assert delivery.result().subject.endswith("Орындалды")
    invoice = Invoice.objects.get()
    registrant = Domain.objects.get(name="jana.kz").registrant
    assert invoice.issued_tx.object_key == "jana.kz" and invoice.language == registrant.language  # its 3m
    assert DirectInvoice.objects.get().domain_name == "jana.kz"
    (mail,) = OutboxMessage.objects.filter(reference=f"invoice {invoice.number}")
    subject, body = mail_text("invoice", invoice, "jana.kz", invoice.language, 15)
    assert (mail.to, mail.subject, mail.body, mail.language) == (
        ["noc@telecom.kz", "ivan1@example.kz"],
        subject,
        body,
        invoice.language,
    )
    assert invoice.number in body and str(invoice.gross) in body and f"{invoice.due_on:%d.%m.%Y}" in body


def test_a_rejected_new_brings_no_invoice(intake):
    intake.deliver(golden("new-en-invalid.eml"))
    assert not Invoice.objects.exists() and not OutboxMessage.objects.filter(reference__startswith="invoice").exists()
