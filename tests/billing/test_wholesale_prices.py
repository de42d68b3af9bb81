"""Wholesale and retail price lists (issue 11, B4): per reseller, group or all; validity periods; set by
the seller; bad input named per field, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.books import reseller_book
from kzreg.billing.models import ListPrice
from kzreg.billing.money import Money
from kzreg.billing.price_lists import (
    assign_group,
    create_group,
    retail_price,
    set_retail_price,
    set_wholesale_price,
    wholesale_price,
)
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.resellers.models import Reseller
from tests.conftest import T0

DAY = dt.timedelta(days=1)


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def beta(registrar) -> Reseller:
    return Reseller.objects.create(
        registrar=registrar, handle="BETA", name="Beta", legal_name="Beta LLP", email="b@beta.kz", created_at=T0
    )


def test_the_most_specific_wholesale_row_wins_reseller_then_group_then_all(registrar, reseller, beta):
    set_wholesale_price(registrar, "kz", "create", 1, usd("40.00"), "ps", T0)
    gold = create_group(registrar, "gold", T0)
    set_wholesale_price(registrar, "kz", "create", 1, usd("36.00"), "ps", T0, group=gold)
    set_wholesale_price(registrar, "kz", "create", 1, usd("33.00"), "ps", T0, reseller=reseller)
    assert wholesale_price(beta, "kz", "create", 1, T0) == usd("40.00")
    assign_group(beta, gold, T0)
    assert wholesale_price(beta, "kz", "create", 1, T0) == usd("36.00")
    assign_group(reseller, gold, T0)
    assert wholesale_price(reseller, "kz", "create", 1, T0) == usd("33.00")
    assign_group(beta, None, T0)
    assert wholesale_price(beta, "kz", "create", 1, T0) == usd("40.00")


def test_validity_periods_decide_which_row_is_in_force(registrar, reseller):
    set_wholesale_price(registrar, "kz", "renew", 1, usd("40.00"), "ps", T0, valid_to=T0 + 10 * DAY)
    set_wholesale_price(registrar, "kz", "renew", 1, usd("45.00"), "ps", T0 + 10 * DAY)
    assert wholesale_price(reseller, "kz", "renew", 1, T0 + 9 * DAY) == usd("40.00")
    assert wholesale_price(reseller, "kz", "renew", 1, T0 + 10 * DAY) == usd("45.00")
    with pytest.raises(OperationFailed) as refusal:
        wholesale_price(reseller, "kz", "renew", 1, T0 - DAY)
    assert refusal.value.codes == {BooksCode.NO_LIST_PRICE}
    with pytest.raises(OperationFailed):
        wholesale_price(reseller, "kz", "renew", 2, T0)  # another period has its own row


def test_a_resellers_retail_list_is_its_own(registrar, reseller, beta):
    set_retail_price(reseller, "қаз", "create", 1, Money.of("20000.00", "KZT"), "alpha", T0)
    assert retail_price(reseller_book(reseller, T0), "xn--80ao21a", "create", 1, T0) == Money.of("20000.00", "KZT")
    with pytest.raises(OperationFailed):
        retail_price(reseller_book(beta, T0), "xn--80ao21a", "create", 1, T0)


def test_a_group_or_reseller_of_another_registrar_is_refused(registrar, other_registrar, reseller):
    foreign = create_group(other_registrar, "gold", T0)
    with pytest.raises(OperationFailed) as refusal:
        set_wholesale_price(registrar, "kz", "create", 1, usd("1.00"), "ps", T0, group=foreign)
    assert refusal.value.codes == {BooksCode.GROUP_OTHER_REGISTRAR}
    with pytest.raises(OperationFailed) as refusal:
        assign_group(reseller, foreign, T0)
    assert refusal.value.codes == {BooksCode.GROUP_OTHER_REGISTRAR}
    with pytest.raises(OperationFailed) as refusal:
        set_wholesale_price(other_registrar, "kz", "create", 1, usd("1.00"), "x", T0, reseller=reseller)
    assert refusal.value.codes == {Code.NOT_FOUND}
    own = create_group(registrar, "gold", T0)
    with pytest.raises(OperationFailed) as refusal:
        set_wholesale_price(registrar, "kz", "create", 1, usd("1.00"), "ps", T0, reseller=reseller, group=own)
    assert refusal.value.codes == {BooksCode.PRICE_TARGET}
    assert not ListPrice.objects.exists()


def test_bad_rows_name_every_field_at_once_and_store_nothing(registrar, reseller):
    with pytest.raises(OperationFailed) as refusal:
        set_retail_price(reseller, "com", "park", 0, Money.of("-1.00", "KZT"), "alpha", T0, valid_to=T0)
    fields = {p.field for p in refusal.value.problems}
    assert fields == {"zone", "command", "years", "amount", "valid_to"}
    assert BillingCode.AMOUNT_NEGATIVE in refusal.value.codes and BooksCode.DATE_ORDER in refusal.value.codes
    assert not ListPrice.objects.exists()
    with pytest.raises(OperationFailed) as refusal:
        create_group(registrar, "  ", T0)
    assert refusal.value.problems[0].field == "name"
