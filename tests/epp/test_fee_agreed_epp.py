"""RFC 8748's <fee:fee> over EPP is the registry command's `fee_agreed` (ADR 0010, session 10): the adapter only
parses it (2005 for a value that is not one), the fee guard compares it with the fee in the charging
transaction (less, or another currency: 2004 naming the element, nothing changed, no ledger entry), and the
<fee:*Data> answer is the guard's report of the charge (the fee charged, the balance after) — no price read
before the command and no balance read after it. A price that takes effect between the adapter's parse and
the operation is the one compared: the client is refused, never charged more than it agreed to.

Commands go through `DirectClient` (parsed, dispatched and rendered as the session does; every response checked
against the EPP schemas): the ledger is append-only, so these tests roll back rather than flush."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from kzreg.billing import fees
from kzreg.billing.books import open_prepaid
from kzreg.billing.models import Account, Price, Transaction
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.epp.commands import domain_create as create_handler
from kzreg.epp.commands import domain_lifecycle as lifecycle_handler
from kzreg.epp.xml import E, sub
from kzreg.registry.models import Domain
from tests.conftest import T0
from tests.epp import direct
from tests.epp.direct import DirectClient
from tests.epp.objects import create_domain, make_contacts, send

F = f"{{{ns.FEE}}}"


@pytest.fixture
def deposit(registrar, frozen_clock) -> Account:
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    record_payment(account, Money.of("100.00", "USD"), "test", clock.now(), reference="deposit")
    return account


@pytest.fixture
def epp(registrar) -> DirectClient:
    return DirectClient(registrar)


@pytest.fixture
def contacts(epp, deposit) -> dict[str, str]:
    return make_contacts(epp)


def balance(account: Account) -> Decimal:
    account.refresh_from_db()
    return account.balance.amount


def fee_data(reply, tag: str) -> etree._Element:
    return next(e for e in reply.extensions if e.tag == f"{F}{tag}")


def fee_charges() -> int:
    return Transaction.objects.filter(kind="fee").count()


def agreement(command: str, *amounts: str, currency: str | None = "USD") -> etree._Element:
    """`<fee:{command}>` with one `<fee:fee>` per amount (they add up) and, if given, `<fee:currency>`."""
    element = E(ns.FEE, command)
    if currency is not None:
        sub(element, ns.FEE, "currency", currency)
    for amount in amounts:
        sub(element, ns.FEE, "fee", amount)
    return element


def price_from(at: dt.datetime, amount_minor: int, command: str = "create") -> None:
    Price.objects.create(
        zone="kz", command=command, years=1, amount_minor=amount_minor, currency="USD", valid_from=at, entered_by="t"
    )


@pytest.fixture
def no_reads_around(monkeypatch):
    """The adapter asks billing nothing before or after the command (the guard's report answers)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the EPP adapter read a price or a balance outside the operation")

    monkeypatch.setattr(fees, "price", refuse)
    monkeypatch.setattr(fees, "balance", refuse)


def test_create_answers_the_fee_charged_and_the_balance_after(epp, deposit, contacts, no_reads_around):
    reply = create_domain(epp, "paid.kz", contacts, fee=agreement("create", "45.00"))
    assert reply.code == 1000, reply.raw
    data = fee_data(reply, "creData")
    assert data.findtext(f"{F}currency") == "USD" and data.findtext(f"{F}period") == "1"
    assert data.findtext(f"{F}fee") == "30.00"  # agreeing to more pays the fee, not the agreement
    assert (data.findtext(f"{F}balance"), data.findtext(f"{F}creditLimit")) == ("70.00", "0.00")
    assert balance(deposit) == Decimal("70.00") and fee_charges() == 1


def test_several_fees_add_up_and_no_currency_is_the_accounts(epp, deposit, contacts):
    reply = create_domain(epp, "split.kz", contacts, fee=agreement("create", "20.00", "10.00", currency=None))
    assert reply.code == 1000, reply.raw
    assert fee_data(reply, "creData").findtext(f"{F}balance") == "70.00"
    reply = create_domain(epp, "short.kz", contacts, fee=agreement("create", "20.00", "9.99", currency=None))
    assert reply.code == 2004, reply.raw


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_agreeing_to_less_is_2004_naming_fee_and_changes_nothing(registrar, deposit, lang):
    client = DirectClient(registrar, lang=lang)
    contacts = make_contacts(client)
    reply = create_domain(client, "cheap.kz", contacts, fee=agreement("create", "29.99"))
    assert reply.code == 2004, reply.raw
    result = reply.results[0]
    assert [v.tag for v in result.values] == [f"{F}fee"] and result.values[0].text == "29.99"
    assert "29.99" in result.reasons[0] and "30.00" in result.reasons[0]
    words = {"en": "less than the fee", "ru": "меньше", "kk": "жеткіліксіз"}
    assert words[lang] in result.reasons[0] and result.reasons[0].startswith("fee:fee")
    assert not Domain.objects.filter(name="cheap.kz").exists()
    assert fee_charges() == 0 and balance(deposit) == Decimal("100.00")


def test_another_currency_is_2004_naming_the_currency(epp, deposit, contacts):
    reply = create_domain(epp, "tenge.kz", contacts, fee=agreement("create", "15000.00", currency="KZT"))
    assert reply.code == 2004, reply.raw
    assert [v.tag for v in reply.results[0].values] == [f"{F}currency"]
    assert "KZT" in reply.results[0].reasons[0] and "USD" in reply.results[0].reasons[0]
    assert not Domain.objects.filter(name="tenge.kz").exists() and fee_charges() == 0


@pytest.fixture
def unchecked_requests(monkeypatch):
    """Lets a request the schemas reject through to the server (a client may send one); responses are still
    checked."""
    checked = direct._checked
    monkeypatch.setattr(direct, "_checked", lambda payload: checked(payload) if b"<response>" in payload else payload)


@pytest.mark.parametrize(
    ("amounts", "currency", "named"),
    [(("abc",), "USD", "fee"), (("-1.00",), "USD", "fee"), (("1e3",), "USD", "fee"), (("30.00",), "usd", "currency")],
)
def test_a_value_that_is_no_amount_or_currency_is_2005(
    epp, deposit, contacts, unchecked_requests, amounts, currency, named
):
    reply = create_domain(epp, "syntax.kz", contacts, fee=agreement("create", *amounts, currency=currency))
    assert reply.code == 2005, reply.raw
    assert [v.tag for v in reply.results[0].values] == [f"{F}{named}"]
    assert not Domain.objects.filter(name="syntax.kz").exists() and fee_charges() == 0


def test_a_price_that_takes_effect_after_the_parse_is_refused_never_overcharged(epp, deposit, contacts, monkeypatch):
    """The client's fee:check said 30.00 and it agreed to 30.00; a price of 35.00 takes effect between the
    adapter's parse and the operation's read: the create is refused (before session 10 the adapter compared
    with the old price and the guard then charged the new one)."""
    assert send(epp, r.domain_check("race.kz", fee_commands=[("create", 1)])).code == 1000
    price_from(T0 + dt.timedelta(seconds=1), 3500)
    operation = create_handler.create_domain

    def later(command, actor):  # type: ignore[no-untyped-def]
        clock.advance(dt.timedelta(seconds=1))  # after the parse, before the operation takes its `now`
        return operation(command, actor)

    monkeypatch.setattr(create_handler, "create_domain", later)
    reply = create_domain(epp, "race.kz", contacts, fee=agreement("create", "30.00"))
    assert reply.code == 2004, reply.raw
    assert "35.00" in reply.results[0].reasons[0]
    assert not Domain.objects.filter(name="race.kz").exists()
    assert fee_charges() == 0 and balance(deposit) == Decimal("100.00")
    reply = create_domain(epp, "race.kz", contacts, fee=agreement("create", "35.00"))
    assert reply.code == 1000, reply.raw
    assert fee_data(reply, "creData").findtext(f"{F}fee") == "35.00" and balance(deposit) == Decimal("65.00")


def test_renew_agreed_low_and_raced(epp, deposit, contacts, monkeypatch):
    assert create_domain(epp, "renewed.kz", contacts).code == 1000
    expiry = Domain.objects.get(name="renewed.kz").expires_at.date().isoformat()
    reply = send(epp, r.domain_renew("renewed.kz", expiry, years=1, fee=agreement("renew", "29.00")))
    assert reply.code == 2004 and [v.tag for v in reply.results[0].values] == [f"{F}fee"]
    assert balance(deposit) == Decimal("70.00") and fee_charges() == 1
    price_from(T0 + dt.timedelta(seconds=1), 4000, "renew")
    operation = lifecycle_handler.renew_domain

    def later(command, actor):  # type: ignore[no-untyped-def]
        clock.advance(dt.timedelta(seconds=1))
        return operation(command, actor)

    monkeypatch.setattr(lifecycle_handler, "renew_domain", later)
    reply = send(epp, r.domain_renew("renewed.kz", expiry, years=1, fee=agreement("renew", "30.00")))
    assert reply.code == 2004, reply.raw
    assert Domain.objects.get(name="renewed.kz").expires_at.date().isoformat() == expiry
    monkeypatch.setattr(lifecycle_handler, "renew_domain", operation)
    reply = send(epp, r.domain_renew("renewed.kz", expiry, years=1, fee=agreement("renew", "40.00")))
    assert reply.code == 1000, reply.raw
    data = fee_data(reply, "renData")
    assert (data.findtext(f"{F}fee"), data.findtext(f"{F}balance")) == ("40.00", "30.00")
    assert data.find(f"{F}fee").get("refundable") == "1"


def test_transfer_request_is_held_to_its_agreement_and_charged_on_approval(epp, deposit, contacts, other_registrar):
    assert create_domain(epp, "moving.kz", contacts).code == 1000
    gaining = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    record_payment(gaining, Money.of("50.00", "USD"), "test", clock.now(), reference="deposit")
    other = DirectClient(other_registrar)
    low = r.domain_transfer("request", "moving.kz", auth_code="2fooBAR-kz", years=1, fee=agreement("transfer", "1"))
    reply = send(other, low)
    assert reply.code == 2004 and [v.tag for v in reply.results[0].values] == [f"{F}fee"]
    ok = r.domain_transfer("request", "moving.kz", auth_code="2fooBAR-kz", years=1, fee=agreement("transfer", "30"))
    reply = send(other, ok)
    assert reply.code == 1001, reply.raw
    data = fee_data(reply, "trnData")
    assert data.find(f"{F}fee").get("applied") == "delayed" and data.findtext(f"{F}fee") == "30.00"
    assert data.findtext(f"{F}balance") == "50.00" and balance(gaining) == Decimal("50.00")
    reply = send(epp, r.domain_transfer("approve", "moving.kz"))
    assert reply.code == 1000 and not list(reply.extensions)  # the losing registrar sees no one's balance
    assert balance(gaining) == Decimal("20.00") and balance(deposit) == Decimal("70.00")


def test_restore_request_is_held_to_its_agreement_and_answers_its_charge(epp, deposit, contacts):
    assert create_domain(epp, "back.kz", contacts).code == 1000
    clock.advance(dt.timedelta(days=10))  # past the grace period: the delete refunds nothing
    assert send(epp, r.domain_delete("back.kz")).code == 1000
    reply = send(epp, r.domain_update("back.kz", restore="request", fee=agreement("update", "29.99")))
    assert reply.code == 2004, reply.raw
    assert Domain.objects.get(name="back.kz").rgp_status == "redemptionPeriod"
    reply = send(epp, r.domain_update("back.kz", restore="request", fee=agreement("update", "30.00")))
    assert reply.code == 1000, reply.raw
    data = fee_data(reply, "updData")
    assert (data.findtext(f"{F}fee"), data.findtext(f"{F}balance")) == ("30.00", "40.00")
    assert data.find(f"{F}period") is None and balance(deposit) == Decimal("40.00")


def test_restore_in_grace_answers_the_refund_charged_back(epp, deposit, contacts):
    assert create_domain(epp, "quick.kz", contacts).code == 1000
    assert send(epp, r.domain_delete("quick.kz")).code == 1000  # within grace: the create is refunded
    assert balance(deposit) == Decimal("100.00")
    reply = send(epp, r.domain_update("quick.kz", restore="request", fee=agreement("update", "30.00")))
    assert reply.code == 1000, reply.raw
    amounts = [(e.get("description"), e.text) for e in fee_data(reply, "updData").findall(f"{F}fee")]
    assert amounts == [("restore", "30.00"), ("refunds charged back", "30.00")]
    assert fee_data(reply, "updData").findtext(f"{F}balance") == "40.00" and balance(deposit) == Decimal("40.00")


def test_a_registrar_without_an_account_is_held_to_the_price_but_not_charged(registrar, frozen_clock):
    client = DirectClient(registrar)
    contacts = make_contacts(client)
    reply = create_domain(client, "free.kz", contacts, fee=agreement("create", "10.00"))
    assert reply.code == 2004, reply.raw  # an agreement below the price is refused, charged or not
    reply = create_domain(client, "free.kz", contacts, fee=agreement("create", "30.00"))
    assert reply.code == 1000, reply.raw
    data = fee_data(reply, "creData")
    assert data.findtext(f"{F}fee") == "0.00" and data.find(f"{F}balance") is None
    assert fee_charges() == 0
    assert create_domain(client, "plain.kz", contacts).code == 1000  # no agreement: nothing asked of billing


def test_transfer_and_restore_requests_are_held_to_a_price_that_takes_effect_after_the_parse(
    epp, deposit, contacts, other_registrar, monkeypatch
):
    from kzreg.epp.commands import domain_transfer as transfer_handler
    from kzreg.epp.commands import domain_update as update_handler

    assert create_domain(epp, "raced.kz", contacts).code == 1000
    gaining = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    record_payment(gaining, Money.of("50.00", "USD"), "test", clock.now(), reference="deposit")
    price_from(T0 + dt.timedelta(seconds=1), 3100, "transfer")
    price_from(T0 + dt.timedelta(seconds=1), 3100, "restore")
    for module, name in ((transfer_handler, "request_transfer"), (update_handler, "restore_domain")):
        operation = getattr(module, name)

        def later(command, actor, operation=operation):  # type: ignore[no-untyped-def]
            clock.advance(dt.timedelta(seconds=1))
            return operation(command, actor)

        monkeypatch.setattr(module, name, later)
    request = r.domain_transfer("request", "raced.kz", auth_code="2fooBAR-kz", years=1, fee=agreement("transfer", "30"))
    reply = send(DirectClient(other_registrar), request)
    assert reply.code == 2004 and "31.00" in reply.results[0].reasons[0], reply.raw
    clock.advance(dt.timedelta(days=10))
    assert send(epp, r.domain_delete("raced.kz")).code == 1000
    reply = send(epp, r.domain_update("raced.kz", restore="request", fee=agreement("update", "30.00")))
    assert reply.code == 2004 and "31.00" in reply.results[0].reasons[0], reply.raw
    assert Domain.objects.get(name="raced.kz").rgp_status == "redemptionPeriod"
    assert balance(deposit) == Decimal("70.00") and balance(gaining) == Decimal("50.00") and fee_charges() == 1
