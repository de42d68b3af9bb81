"""What EPP's fee extension asks billing (issue 10, fee-1.0): prices, quotes with an id and an expiry,
the registrar's balance; and who may see which book (issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from kzreg.billing import fees
from kzreg.billing.access import access_account_by_id, accounts_visible_to, transactions_visible_to
from kzreg.billing.books import open_prepaid, own_account
from kzreg.billing.models import AccountKind, Book, ExchangeRate, OwnerKind, Quote
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from tests.conftest import T0

pytestmark = pytest.mark.django_db


def test_quote_is_stored_with_an_id_and_expiry(registrar, prepaid, frozen_clock):
    quote = fees.quote("kz", "renew", 3, registrar.id)
    assert (quote.amount, quote.currency, quote.years) == (Decimal("90.00"), "USD", 3)
    assert quote.expires_at == T0 + dt.timedelta(minutes=15)
    assert Quote.objects.get(pk=quote.id).amount == Money.of("90", "USD")
    assert fees.quote("қаз", "create", 1, None).zone == "xn--80ao21a"
    assert fees.quote("kz", "restore", 1, None).amount == Decimal("30.00")


def test_price_is_in_the_registrars_currency(registrar, other_registrar, frozen_clock):
    open_prepaid(other_registrar.id, other_registrar.handle, "KZT", clock.now())
    ExchangeRate.objects.create(day=T0.date(), source="KZT", target="USD", rate="0.002", entered_by="t")
    price = fees.price("kz", "create", 1, other_registrar.id)  # inverse of 0.002: 500 KZT per USD
    assert (price.amount, price.currency) == (Decimal("15000.00"), "KZT")
    assert fees.price("kz", "create", 1, registrar.id).currency == "USD"  # no account: the price's own
    assert not Quote.objects.exists()


def test_bad_requests_name_every_field(registrar):
    with pytest.raises(OperationFailed) as refusal:
        fees.quote("com", "delete", 11, registrar.id)
    assert [p.field for p in refusal.value.problems] == ["zone", "command", "years"]
    assert refusal.value.codes == {Code.ZONE_UNKNOWN, BillingCode.FEE_COMMAND, Code.PERIOD_RANGE}
    with pytest.raises(OperationFailed) as refusal:
        fees.quote("kz", "create", 11, registrar.id)  # the zone's maximum is 10
    assert refusal.value.codes == {Code.PERIOD_RANGE}
    assert not Quote.objects.exists()


def test_balance_for_fee_balance_and_credit_limit(registrar, prepaid):
    prepaid.credit_limit_minor = 2550
    prepaid.save()
    assert fees.balance(registrar.id) == fees.Balance(
        amount=Decimal("100.00"), currency="USD", credit_limit=Decimal("25.50"), available=Decimal("125.50")
    )


def test_no_account_no_balance(registrar):
    assert fees.balance(registrar.id) is None


def test_each_organisation_sees_its_own_book(registrar, other_registrar, prepaid):
    theirs = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    own_book = Book.objects.create(
        owner_kind=OwnerKind.REGISTRAR, owner_key=str(registrar.id), name="PS", created_at=T0
    )
    ps_bank = own_account(own_book, AccountKind.BANK, "USD", T0)
    registry_bank = own_account(prepaid.book, AccountKind.BANK, "USD", T0)
    ps = Actor("ps-operator", Role.REGISTRAR, Channel.API, registrar_id=registrar.id)
    hoster = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)
    staff = Actor.registry_staff("op")

    assert set(accounts_visible_to(ps)) == {prepaid, ps_bank}
    assert set(accounts_visible_to(hoster)) == {theirs}
    assert set(accounts_visible_to(staff)) == {prepaid, theirs, registry_bank}  # not PS's own book
    assert list(transactions_visible_to(hoster)) == []  # PS's deposit payment is not the Hoster's business
    assert transactions_visible_to(ps).count() == 1
    for actor, account in ((hoster, prepaid), (ps, theirs), (ps, registry_bank), (staff, ps_bank)):
        with pytest.raises(OperationFailed) as refusal:
            access_account_by_id(actor, account.pk)
        assert refusal.value.codes == {Code.NOT_FOUND}
        assert refusal.value.render("ru") == [f"account: счёт не найден: @{account.pk}"]


def test_back_office_pages_are_read_only_and_show_the_registry_book(client, registrar, prepaid, make_domain):
    make_domain("shown.kz")
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    for url in ("/admin/billing/account/", "/admin/billing/transaction/", "/admin/billing/price/",
                "/admin/billing/exchangerate/", "/admin/billing/quote/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    page = client.get("/admin/billing/transaction/").content.decode()
    assert "shown.kz" in page
    assert client.get(f"/admin/billing/account/{prepaid.pk}/change/").status_code == 200
    assert client.post(f"/admin/billing/account/{prepaid.pk}/change/", {"balance_minor": "0"}).status_code == 403
    assert client.get("/admin/billing/account/add/").status_code == 403
    prepaid.refresh_from_db()
    assert prepaid.balance == Money.of("70", "USD")
