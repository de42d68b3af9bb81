"""A create that states the fee it agrees to pay (`fee_agreed`, RFC 8748's <fee:fee>): the registry prices it
in its own transaction and charges its fee; an agreement for less, or in another currency, is refused with
2004 and nothing is written (issue 11: the quote agreed in the create itself, ADR 0010)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from kzreg.billing.books import open_prepaid
from kzreg.billing.fees import REPORT, FeeReport
from kzreg.billing.models import Account, Price, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.registry import commands as c
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_domain, delete_domain, renew_domain, restore_domain
from kzreg.registry.operations.registrar_transfer import decide_transfer, request_transfer
from tests.billing.conftest import balance_of, fund
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


# --- Session 10: every charged command declares `fee_agreed`; the guard reports what it charged ---------------


def report_of(result) -> FeeReport:
    report = result.reports[REPORT]
    assert isinstance(report, FeeReport)
    return report


def test_the_report_is_the_charge_and_the_balance_it_left(prepaid, registrar, registrar_actor, frozen_clock):
    result = create_domain(agreed("reported.kz", "60.00", period=2), registrar_actor)
    assert report_of(result) == FeeReport(
        payer_id=registrar.id,
        fee=Money.of("60.00", "USD"),
        charged=True,
        balance=Money.of("40.00", "USD"),
        credit_limit=Money.of("0.00", "USD"),
    )
    plain = create_domain(domain_command("plain.kz"), registrar_actor)  # no agreement: reported all the same
    assert report_of(plain).fee == Money.of("30.00", "USD") and report_of(plain).balance == Money.of("10.00", "USD")


def test_the_report_after_a_charge_posted_by_the_guards_after(prepaid, registrar, registrar_actor, frozen_clock):
    """A low-balance threshold sends the charge through `after` (the message depends on the balance after):
    the report is that post's balance."""
    Account.objects.filter(pk=prepaid.pk).update(low_balance_minor=9000)
    result = create_domain(agreed("low.kz", "30.00"), registrar_actor)
    assert report_of(result).balance == Money.of("70.00", "USD") and report_of(result).charged


def test_an_account_without_a_floor_is_held_to_its_agreement(prepaid, registrar_actor, frozen_clock):
    Account.objects.filter(pk=prepaid.pk).update(credit_limit_minor=None)
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("floorless.kz", "29.00"), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW}
    result = create_domain(agreed("floorless.kz", "30.00"), registrar_actor)
    assert report_of(result).balance == Money.of("70.00", "USD") and report_of(result).credit_limit is None


def test_an_agreement_without_a_currency_is_in_the_payers(prepaid, registrar_actor, frozen_clock):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("nocur.kz", "29.995", currency=None), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW}
    assert "29.995" in refusal.value.render("en")[0]  # the client's own amount, not rounded up to the fee
    create_domain(agreed("nocur.kz", "30", currency=None), registrar_actor)
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_renew_and_restore_carry_their_agreement(prepaid, registrar_actor, frozen_clock):
    create_domain(agreed("kept.kz", "30.00"), registrar_actor)
    with pytest.raises(OperationFailed) as refusal:
        renew_domain(c.RenewDomain("kept.kz", 2, fee_agreed=c.AgreedFee(Decimal("59.99"), "USD")), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW} and balance_of(prepaid) == Money.of("70.00", "USD")
    result = renew_domain(c.RenewDomain("kept.kz", 1, fee_agreed=c.AgreedFee(Decimal("30"), "USD")), registrar_actor)
    assert report_of(result).balance == Money.of("40.00", "USD")
    frozen_clock.advance(dt.timedelta(days=30))  # past the grace period: the delete refunds nothing
    delete_domain(c.DeleteDomain("kept.kz"), registrar_actor)
    with pytest.raises(OperationFailed) as refusal:
        restore_domain(c.RestoreDomain("kept.kz", fee_agreed=c.AgreedFee(Decimal("1"), None)), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW}
    result = restore_domain(c.RestoreDomain("kept.kz", fee_agreed=c.AgreedFee(Decimal("30"))), registrar_actor)
    assert report_of(result).fee == Money.of("30.00", "USD") and balance_of(prepaid) == Money.of("10.00", "USD")


def test_a_transfer_request_is_checked_and_reported_uncharged_then_the_approval_charges(
    prepaid, registrar, other_registrar, registrar_actor, frozen_clock
):
    create_domain(agreed("moving.kz", "30.00"), registrar_actor)
    Domain.objects.filter(name="moving.kz").update(auth_code="2fooBAR-kz")
    gaining = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    fund(gaining, "50.00")
    actor = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)
    low = c.RequestTransfer("moving.kz", "2fooBAR-kz", 1, fee_agreed=c.AgreedFee(Decimal("29"), "USD"))
    with pytest.raises(OperationFailed) as refusal:
        request_transfer(low, actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW}
    result = request_transfer(dataclasses.replace(low, fee_agreed=c.AgreedFee(Decimal("30"), "USD")), actor)
    assert report_of(result) == FeeReport(
        other_registrar.id, Money.of("30.00", "USD"), False, Money.of("50.00", "USD"), Money.of("0.00", "USD")
    )
    approved = decide_transfer(c.DecideTransfer("moving.kz", "approve"), registrar_actor)
    assert report_of(approved).payer_id == other_registrar.id  # about the gaining registrar's account
    assert balance_of(gaining) == Money.of("20.00", "USD")


def test_without_an_account_the_agreement_is_checked_against_the_price_and_nothing_is_charged(
    registrar, registrar_actor, frozen_clock
):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("free.kz", "29.99"), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_LOW} and not Domain.objects.exists()
    with pytest.raises(OperationFailed) as refusal:
        create_domain(agreed("free.kz", "100", currency="KZT"), registrar_actor)
    assert refusal.value.codes == {BillingCode.FEE_AGREED_CURRENCY}
    result = create_domain(agreed("free.kz", "30.00"), registrar_actor)
    assert report_of(result) == FeeReport(registrar.id, Money.of("30.00", "USD"), charged=False)
    assert not Transaction.objects.exists()
    assert REPORT not in create_domain(domain_command("plain.kz"), registrar_actor).reports  # nothing asked


def test_the_transfer_fee_agreed_at_the_request_is_the_fee_its_approval_charges(
    prepaid, registrar, other_registrar, registrar_actor, frozen_clock
):
    """Charged days after the request, a transfer that agreed to a fee is charged the fee it was checked
    against, not a price raised meanwhile (RFC 8748 §3.4); one that agreed to nothing pays the price then."""
    for name in ("held.kz", "unheld.kz"):
        create_domain(agreed(name, "30.00"), registrar_actor)
    Domain.objects.update(auth_code="2fooBAR-kz")
    gaining = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    fund(gaining, "100.00")
    actor = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)
    held = c.RequestTransfer("held.kz", "2fooBAR-kz", 1, fee_agreed=c.AgreedFee(Decimal("30.00"), "USD"))
    transfer = request_transfer(held, actor).object
    request_transfer(c.RequestTransfer("unheld.kz", "2fooBAR-kz", 1), actor)
    frozen_clock.advance(dt.timedelta(days=1))
    Price.objects.create(
        zone="kz", command="transfer", years=1, amount_minor=4500, currency="USD", valid_from=clock.now(),
        entered_by="t",
    )  # fmt: skip
    frozen_clock.advance(dt.timedelta(hours=1))
    result = decide_transfer(c.DecideTransfer("held.kz", "approve"), registrar_actor)
    assert report_of(result).fee == Money.of("30.00", "USD") and balance_of(gaining) == Money.of("70.00", "USD")
    charged = Transaction.objects.get(kind="fee", object_key="held.kz", fee_command="transfer")
    assert charged.quote_id == f"transfer-{transfer.pk}"
    decide_transfer(c.DecideTransfer("unheld.kz", "approve"), registrar_actor)
    assert balance_of(gaining) == Money.of("25.00", "USD")  # the price in force when it was approved
