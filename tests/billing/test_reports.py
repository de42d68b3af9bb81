"""Reports (issue 11): revenue by zone, operation, registrar or reseller and month; receivables aged by
days past due; CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.books import customer_account, open_reseller_deposit, registrar_book, registry_book, reseller_book
from kzreg.billing.ledger import Cause, post
from kzreg.billing.models import AccountKind
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_retail_price, set_wholesale_price
from kzreg.billing.reports import ageing, ageing_csv, monthly_totals, revenue, revenue_csv
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registry import commands as c
from kzreg.registry.operations import create_domain, delete_domain
from tests.billing.conftest import fund
from tests.conftest import T0, domain_command

MARCH, MAY = dt.date(2026, 3, 1), dt.date(2026, 5, 1)


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def registry_revenue(prepaid, registrar, other_registrar, registrar_actor, staff, frozen_clock):
    """March: PS-KZ creates two .kz (1 and 2 years) and one .қаз; April: HOSTER-KZ renews nothing but
    creates one .kz; one March create is deleted in grace (refunded)."""
    from kzreg.billing.books import open_prepaid

    fund(prepaid, "900.00")
    create_domain(domain_command("one.kz", reseller="Alpha Hosting"), registrar_actor)
    create_domain(domain_command("two.kz", period=2), registrar_actor)
    create_domain(domain_command("xn--80akhbyknj4f.xn--80ao21a"), registrar_actor)
    create_domain(domain_command("gone.kz"), registrar_actor)
    delete_domain(c.DeleteDomain("gone.kz"), staff)
    frozen_clock.advance(dt.timedelta(days=31))
    hoster = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    fund(hoster, "100.00")
    from kzreg.core.actor import Actor, Channel, Role

    create_domain(
        domain_command("three.kz", registrar="HOSTER-KZ"),
        Actor("h", Role.REGISTRAR, Channel.API, registrar_id=other_registrar.id),
    )


def test_registry_revenue_by_zone_operation_registrar_and_reseller(registry_revenue):
    book = registry_book(T0)
    assert [(r.month, r.key, str(r.amount)) for r in revenue(book, "zone", MARCH, MAY)] == [
        ("2026-03", "kz", "90.00 USD"),  # one.kz 30 + two.kz 60; gone.kz 30 refunded
        ("2026-03", "xn--80ao21a", "30.00 USD"),
        ("2026-04", "kz", "30.00 USD"),
    ]
    assert [(r.month, r.key, str(r.amount)) for r in revenue(book, "registrar", MARCH, MAY)] == [
        ("2026-03", "PS-KZ", "120.00 USD"),
        ("2026-04", "HOSTER-KZ", "30.00 USD"),
    ]
    assert [(r.key, str(r.amount)) for r in revenue(book, "operation", MARCH, MAY)] == [
        ("create", "120.00 USD"),
        ("create", "30.00 USD"),
    ]
    march = revenue(book, "reseller", MARCH, dt.date(2026, 4, 1))
    assert {(r.key, str(r.amount)) for r in march} == {("Alpha Hosting", "30.00 USD"), ("-", "90.00 USD")}
    assert monthly_totals(revenue(book, "zone", MARCH, MAY)) == [
        ("2026-03", {"USD": usd("120.00")}),
        ("2026-04", {"USD": usd("30.00")}),
    ]
    assert revenue(book, "zone", MAY, dt.date(2026, 6, 1)) == []


def test_revenue_csv(registry_revenue):
    text = revenue_csv(revenue(registry_book(T0), "registrar", MARCH, MAY), "registrar")
    assert text.splitlines() == [
        "month,registrar,amount,currency",
        "2026-03,PS-KZ,120.00,USD",
        "2026-04,HOSTER-KZ,30.00,USD",
    ]


def test_a_registrars_revenue_by_reseller(registrar, reseller, frozen_clock):
    set_wholesale_price(registrar, "kz", "create", 1, usd("35.00"), "ps", T0)
    set_retail_price(reseller, "kz", "create", 1, Money.of("20000.00", "KZT"), "alpha", T0)
    deposit = open_reseller_deposit(reseller, "USD", T0)
    record_payment(deposit, usd("100.00"), "ps", T0, "prepay")
    for n in range(2):
        quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
        charge_order(deposit, quote.id, Cause(kind="order", principal="t", object_key=f"o{n}.kz"), clock.now())
    rows = revenue(registrar_book(registrar, T0), "reseller", MARCH, MAY)
    assert [(r.key, str(r.amount)) for r in rows] == [("ALPHA", "70.00 USD")]
    retail = revenue(reseller_book(reseller, T0), "zone", MARCH, MAY)
    assert [(r.key, str(r.amount)) for r in retail] == [("kz", "40 000.00 KZT")]


def test_bad_report_input_names_the_field(registrar):
    with pytest.raises(OperationFailed) as refusal:
        revenue(registry_book(T0), "colour", MAY, MARCH)
    assert {p.field for p in refusal.value.problems} == {"by", "to"}


def test_receivables_are_aged_by_days_past_due_oldest_paid_first(registrar, reseller, frozen_clock):
    book = reseller_book(reseller, T0)
    customer = customer_account(book, "C-1", "KZT", T0)
    revenue_account = customer_account(book, "-", "KZT", T0)  # a counter-account for the test's postings
    revenue_account.kind = AccountKind.REVENUE
    revenue_account.save(update_fields=["kind"])

    def charge(amount: str, day: dt.datetime) -> None:
        m = Money.of(amount, "KZT")
        post(book, Cause(kind="order", principal="t"), [(customer, -m), (revenue_account, m)], day)

    charge("100.00", T0)  # due T0+30
    charge("200.00", T0 + dt.timedelta(days=40))  # due T0+70
    charge("400.00", T0 + dt.timedelta(days=100))  # due T0+130
    payment = Money.of("150.00", "KZT")  # pays the first charge and half the second
    post(book, Cause(kind="payment", principal="t"), [(customer, payment), (revenue_account, -payment)], T0)
    rows = ageing(book, (T0 + dt.timedelta(days=135)).date())
    assert len(rows) == 1 and rows[0].debtor == "receivable C-1"
    assert {k: v.plain for k, v in rows[0].buckets.items()} == {
        "current": "0.00", "0-30": "400.00", "31-60": "0.00", "61-90": "150.00", "90+": "0.00",
    }  # fmt: skip
    assert rows[0].total == Money.of("550.00", "KZT")
    assert ageing_csv(rows).splitlines()[1] == "receivable C-1,KZT,0.00,400.00,0.00,150.00,0.00,550.00"
    assert ageing(book, (T0 + dt.timedelta(days=135)).date())[0].buckets["0-30"].plain == "400.00"
