"""Shared pieces of the invoice tests: a buyer, a line, an issued invoice."""

from __future__ import annotations

from decimal import Decimal

from kzreg.billing.books import registry_book
from kzreg.billing.invoices import issue_invoice
from kzreg.billing.invoices_lines import LineIn
from kzreg.billing.invoices_parties import Party
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Invoice
from kzreg.billing.money import Money
from kzreg.core import clock

BUYER = Party(
    name="ТОО «Қазақ Телеком Әлемі»",
    bin="123456789012",
    address="Алматы қ., Абай даңғылы 10",
    bank="АО «Халық Банк Казахстана»",
    iban="KZ756010131000123456",
    bic="HSBKKZKX",
    kbe="17",
    country="KZ",
    key="registrant:42",
)
FOREIGN = Party(name="Example Registrar Inc.", address="1 Main St, Dover, DE, USA", country="US", key="7")


def fee_line(amount: str = "30.00", currency: str = "USD", years: int = 1, rate: Decimal | None = None) -> LineIn:
    return LineIn("Тіркеу: example.kz, 1 жыл / регистрация / registration", Money.of(amount, currency), years, rate)


def issue(
    buyer: Party = BUYER, lines: list[LineIn] | None = None, currency: str = "USD", language: str = "kk"
) -> Invoice:
    cause = Cause(
        kind="invoice", principal="tester", operation="domain_create", object_type="domain", object_key="example.kz"
    )
    return issue_invoice(
        registry_book(clock.now()),
        buyer,
        [fee_line()] if lines is None else lines,
        currency,
        language,
        clock.now(),
        cause,
    )
