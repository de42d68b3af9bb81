"""A quote is single-use (issue 11: "a quote used twice or after it expired: a clear error … nothing booked")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kzreg.billing import fees
from kzreg.billing.models import QuoteUse, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registry.commands import CreateDomain
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_domain
from tests.billing.conftest import balance_of
from tests.conftest import domain_command


def quoted(name: str, quote_id: str) -> CreateDomain:
    return dataclasses.replace(domain_command(name), fee_quote_id=quote_id)


def test_a_quote_used_twice_is_refused_and_charges_nothing_the_second_time(
    prepaid, registrar, registrar_actor, frozen_clock
):
    quote = fees.quote("kz", "create", 1, registrar.id)
    create_domain(quoted("first.kz", quote.id), registrar_actor)
    assert balance_of(prepaid) == Money.of("70.00", "USD")
    with pytest.raises(OperationFailed) as refusal:
        create_domain(quoted("second.kz", quote.id), registrar_actor)
    assert refusal.value.codes == {BooksCode.QUOTE_USED}
    assert refusal.value.problems[0].field == "fee"
    assert balance_of(prepaid) == Money.of("70.00", "USD")
    assert list(Domain.objects.values_list("name", flat=True)) == ["first.kz"]
    assert Transaction.objects.filter(kind="fee").count() == 1


def test_a_refused_operation_does_not_use_up_its_quote(prepaid, registrar, registrar_actor, frozen_clock):
    """The early check reads the quote; only the charge consumes it, in the operation's transaction."""
    quote = fees.quote("kz", "create", 1, registrar.id)
    with pytest.raises(OperationFailed):
        create_domain(quoted("bad name.kz", quote.id), registrar_actor)
    assert not QuoteUse.objects.exists()
    create_domain(quoted("good.kz", quote.id), registrar_actor)
    assert QuoteUse.objects.get().quote_id == quote.id


def test_a_used_quote_that_also_expired_says_expired(prepaid, registrar, registrar_actor, frozen_clock):
    quote = fees.quote("kz", "create", 1, registrar.id)
    create_domain(quoted("first.kz", quote.id), registrar_actor)
    frozen_clock.advance(dt.timedelta(minutes=fees.quote_minutes() + 1))
    with pytest.raises(OperationFailed) as refusal:
        create_domain(quoted("second.kz", quote.id), registrar_actor)
    assert refusal.value.codes == {BillingCode.QUOTE_EXPIRED}


def test_redeem_consumes_once(registrar, frozen_clock):
    quote = fees.quote("kz", "renew", 2, registrar.id)
    now = frozen_clock.now()
    assert fees.redeem(quote.id, "kz", "renew", 2, registrar.id, now) == Money.of("60.00", "USD")
    assert fees.redeem(quote.id, "kz", "renew", 2, registrar.id, now, consume=True) == Money.of("60.00", "USD")
    with pytest.raises(OperationFailed) as refusal:
        fees.redeem(quote.id, "kz", "renew", 2, registrar.id, now)
    assert refusal.value.codes == {BooksCode.QUOTE_USED}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_used_quote_message_is_in_every_language(lang):
    problem = Problem("fee", BooksCode.QUOTE_USED, {"value": "abc"})
    assert "abc" in problem.message(lang) and problem.epp_code == 2004
