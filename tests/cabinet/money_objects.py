"""An invoice from the registrar to a reseller (its registrar's book, so two resellers' invoices have
different numbers), for the Money pages' tests and the tenant sweep (`<number>`)."""

from __future__ import annotations

from typing import Any

from kzreg.billing.books import registrar_book
from kzreg.billing.invoices import issue_invoice
from kzreg.billing.invoices_parties import Party
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Invoice
from kzreg.core import clock
from tests.billing.invoice_helpers import fee_line

SELLER = Party(name="Internet-company PS LLP", bin="123456789012", address="Almaty, Abay avenue 1",
               bank="Halyk", iban="KZ756010131000123456", bic="HSBKKZKX", kbe="17", country="KZ")  # fmt: skip


def invoice_to(tenant: Any, language: str = "en") -> Invoice:
    """The registrar's invoice to the tenant's reseller (one per tenant: asked again, the same one)."""
    reseller = tenant.reseller
    book = registrar_book(reseller.registrar, clock.now())
    found = Invoice.objects.filter(book=book, buyer_key=str(reseller.pk)).first()
    if found is not None:
        return found
    buyer = Party(name=reseller.legal_name, address="Almaty, Dostyk 5", country="KZ", key=str(reseller.pk))
    cause = Cause(kind="invoice", principal="tester", operation="domain_create", object_type="domain",
                  object_key=tenant.service.name)  # fmt: skip
    return issue_invoice(book, buyer, [fee_line()], "USD", language, clock.now(), cause, seller=SELLER)
