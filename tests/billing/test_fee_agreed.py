"""A create that states the fee it agrees to pay (`fee_agreed`, RFC 8748's <fee:fee>): the registry prices it
in its own transaction and charges its fee; an agreement for less, or in another currency, is refused with
2004 and nothing is written (issue 11: the quote agreed in the create itself, ADR 0010)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kzreg.billing.models import Price, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed
from kzreg.registry import commands as c
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_domain
from tests.billing.conftest import balance_of
from tests.conftest import T0, domain_command

pytestmark = pytest.mark.django_db


def agreed(name: str, amount: str, currency: str | None = "USD", period: int = 1) -> c.CreateDomain:
    """What EPP's create with <fee:fee> passes: the amount and currency the client agreed to."""
    return dataclasses.replace(domain_command(name, period=period), fee_agreed=c.AgreedFee(Decimal(amount), currency))


def test_an_agreed_create_is_charged_the_registrys_fee(prepaid, registrar_actor, frozen_clock):
    create_domain(agreed("agreed.kz", "60.00", period=2), registrar_actor)
    assert balance_of(prepaid) == Money.of("40.00", "USD")
    tx = Transaction.objects.get(kind="fee")
    assert (tx.object_key, tx.fee_command, tx.years, tx.quote_id) == ("agreed.kz", "create", 2, "")


def test_agreeing_to_more_pays_the_fee_not_the_agreement(prepaid, registrar_actor, frozen_clock):
    create_domain(agreed("generous.kz", "45.00"), registrar_actor)
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_agreeing_to_less_than_the_fee_is_refused_with_2004_and_nothing_is_written(
    prepaid, registrar_actor, frozen_clock
):
    Price.objects.create(
        zone="kz", command="create", years=1, amount_minor=3500, currency="USD", valid_from=T0, entered_by="t"
    )  # the price rose after the client's fee:check
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("cheap.kz", "30.00"), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW} and refusal.value.epp_code == 2004
    texts = {lang: refusal.value.render(lang)[0] for lang in ("kk", "ru", "en")}
    assert all("30.00" in text and "35.00" in text for text in texts.values()), texts
    assert "less than the fee" in texts["en"] and "меньше" in texts["ru"] and "жеткіліксіз" in texts["kk"]
    assert not Domain.objects.exists() and not Transaction.objects.filter(kind="fee").exists()
    assert balance_of(prepaid) == Money.of("100.00", "USD")


def test_agreeing_in_another_currency_is_refused(prepaid, registrar_actor, frozen_clock):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("tenge.kz", "50000.00", "KZT"), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_CURRENCY} and refusal.value.epp_code == 2004
    assert "KZT" in refusal.value.render("ru")[0] and "USD" in refusal.value.render("kk")[0]
    assert not Domain.objects.exists()


def test_an_agreement_does_not_pay_past_the_balance(prepaid, registrar_actor, frozen_clock):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("toodear.kz", "120.00", period=4), registrar_actor)
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS} and refusal.value.epp_code == 2104
    assert not Domain.objects.exists() and balance_of(prepaid) == Money.of("100.00", "USD")


def test_the_disagreement_comes_with_the_operations_other_problems(prepaid, registrar_actor, frozen_clock):
    command = dataclasses.replace(agreed("x.kz", "1.00"), period=0)
    with pytest.raises(OperationFailed) as refusal:
        create_domain(command, registrar_actor)
    assert BillingCode.FEE_AGREED_LOW not in refusal.value.codes  # a bad period is not priced
    command = dataclasses.replace(agreed("ok.kz", "1.00"), nameservers=(c.NameServer("ns1.nowhere"),))
    with pytest.raises(OperationFailed) as refusal:
        create_domain(command, registrar_actor)
    assert BillingCode.FEE_AGREED_LOW in refusal.value.codes and len(refusal.value.codes) > 1
