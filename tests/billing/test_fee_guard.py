"""The registry fee is charged in the operation's own transaction, on every channel (E3, B1, issue 10/11):
create, renew and years added by a Modify; a registrar short of funds gets 2104 and nothing changes; a
delete within the grace period refunds with new entries; a registrar without an account is not charged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kzreg.billing import fees
from kzreg.billing.guard import grace_days
from kzreg.billing.models import Entry, ExchangeRate, Price, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry.models import Contact, Domain, HistoryEntry
from kzreg.registry.operations import create_domain, delete_domain, modify_domain, renew_domain
from tests.billing.conftest import balance_of
from tests.conftest import T0, domain_command

pytestmark = pytest.mark.django_db


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def fee_rows(name: str) -> list[tuple[str, str, int | None]]:
    return list(Transaction.objects.filter(object_key=name).order_by("id").values_list("kind", "fee_command", "years"))


@pytest.mark.parametrize("channel", [Channel.EPP, Channel.API, Channel.CLI, Channel.MAIL])
def test_a_registrars_create_is_charged_per_year_on_every_channel(prepaid, registrar, frozen_clock, channel):
    actor = Actor("ps-operator", Role.REGISTRAR, channel, request_id="req-1", registrar_id=registrar.id)
    domain = create_domain(domain_command("paid.kz", period=2), actor).object
    assert balance_of(prepaid) == usd("40.00")  # 100 − 2 × 30
    tx = Transaction.objects.get(kind="fee")
    assert (tx.operation, tx.request_id, tx.object_id, tx.object_key, tx.fee_command, tx.years) == (
        "domain_create", "req-1", domain.pk, "paid.kz", "create", 2,
    )  # fmt: skip
    assert sorted(e.amount_minor for e in tx.entries.all()) == [-6000, 6000]


def test_staff_registering_for_a_registrar_charge_that_registrar(prepaid, staff):
    create_domain(domain_command("bystaff.kz"), staff)
    assert balance_of(prepaid) == usd("70.00")


def test_renew_and_years_added_by_a_modify_are_charged(prepaid, make_domain, staff):
    make_domain("renewme.kz")
    renew_domain(c.RenewDomain("renewme.kz", 1), staff)
    modify_domain(c.ModifyDomain("renewme.kz", add_years=1), staff)
    modify_domain(c.ModifyDomain("renewme.kz", purpose="a shop"), staff)  # no years: no fee
    assert balance_of(prepaid) == usd("10.00")
    assert fee_rows("renewme.kz") == [("fee", "create", 1), ("fee", "renew", 1), ("fee", "renew", 1)]


def test_short_of_funds_the_create_is_refused_with_2104_and_nothing_is_written(prepaid, registrar_actor):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("toodear.kz", period=4), registrar_actor)  # USD 120 > 100
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert refusal.value.epp_code == 2104
    assert "120.00 USD" in refusal.value.render("ru")[0] and "недостаточно" in refusal.value.render("ru")[0]
    assert (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count()) == (0, 0, 0)
    assert not Transaction.objects.filter(kind="fee").exists() and balance_of(prepaid) == usd("100.00")


def test_the_fee_refusal_comes_with_the_operations_other_problems(prepaid, registrar_actor):
    command = domain_command(
        "toodear.kz", period=4, registrant=dataclasses.replace(domain_command().registrant, phones="x")
    )
    with pytest.raises(OperationFailed) as refusal:
        create_domain(command, registrar_actor)
    assert BillingCode.INSUFFICIENT_FUNDS in refusal.value.codes and len(refusal.value.codes) > 1


def test_when_the_check_passes_but_the_money_is_gone_the_charge_rolls_the_operation_back(
    prepaid, registrar_actor, monkeypatch
):
    """The guarded UPDATE decides, not the early check (a concurrent charge may have spent the money)."""
    from kzreg.billing.guard import RegistryFees

    monkeypatch.setattr(RegistryFees, "check", lambda self, ctx, target: [])
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("raced.kz", period=4), registrar_actor)
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert not Domain.objects.exists() and not Transaction.objects.filter(kind="fee").exists()


def test_a_short_renew_changes_nothing(prepaid, make_domain, registrar_actor):
    domain = make_domain("short.kz", period=3)  # USD 90 → 10 left
    with pytest.raises(OperationFailed) as refusal:
        renew_domain(c.RenewDomain("short.kz", 1), registrar_actor)
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert Domain.objects.get(pk=domain.pk).expires_at == domain.expires_at
    assert balance_of(prepaid) == usd("10.00") and len(fee_rows("short.kz")) == 1


def test_a_registrar_without_a_prepaid_account_is_not_charged(registrar_actor, other_registrar):
    create_domain(domain_command("free.kz"), registrar_actor)
    assert Domain.objects.filter(name="free.kz").exists()
    assert not Transaction.objects.exists() and not Entry.objects.exists()


def test_the_wrong_registrar_is_refused_and_pays_nothing(prepaid, make_domain, other_registrar):
    from kzreg.billing.books import open_prepaid

    theirs = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    make_domain("mine.kz")
    intruder = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)
    with pytest.raises(OperationFailed) as refusal:
        renew_domain(c.RenewDomain("mine.kz", 1), intruder)
    assert BillingCode.INSUFFICIENT_FUNDS not in refusal.value.codes
    assert balance_of(theirs) == usd("0.00") and balance_of(prepaid) == usd("70.00")


def test_delete_within_grace_refunds_create_and_renew_with_new_entries(prepaid, make_domain, staff, frozen_clock):
    make_domain("oops.kz")
    renew_domain(c.RenewDomain("oops.kz", 2), staff)
    assert balance_of(prepaid) == usd("10.00")
    frozen_clock.advance(dt.timedelta(days=grace_days()) - dt.timedelta(seconds=1))
    delete_domain(c.DeleteDomain("oops.kz"), staff)
    assert balance_of(prepaid) == usd("100.00")
    assert fee_rows("oops.kz") == [
        ("fee", "create", 1),
        ("fee", "renew", 2),
        ("refund", "create", 1),
        ("refund", "renew", 2),
    ]
    charges = Transaction.objects.filter(kind="fee")
    assert all(tx.reversed_by.entries.count() == 2 for tx in charges)  # the charges themselves are untouched
    assert sorted(Entry.objects.filter(transaction__in=charges).values_list("amount_minor", flat=True)) == [
        -6000, -3000, 3000, 6000,
    ]  # fmt: skip


def test_delete_after_grace_refunds_nothing_and_a_renew_in_grace_only_itself(prepaid, make_domain, staff, frozen_clock):
    make_domain("late.kz")
    frozen_clock.advance(dt.timedelta(days=grace_days(), seconds=1))
    renew_domain(c.RenewDomain("late.kz", 1), staff)
    delete_domain(c.DeleteDomain("late.kz"), staff)
    assert balance_of(prepaid) == usd("70.00")
    assert fee_rows("late.kz")[-1] == ("refund", "renew", 1)


def test_a_reused_name_never_refunds_the_earlier_domains_charge(prepaid, make_domain, staff):
    make_domain("again.kz")
    delete_domain(c.DeleteDomain("again.kz"), staff)  # refunded
    make_domain("again.kz")
    delete_domain(c.DeleteDomain("again.kz"), staff)  # refunds only the second create
    assert balance_of(prepaid) == usd("100.00")
    assert Transaction.objects.filter(kind="refund").count() == 2


def test_a_price_list_row_in_force_replaces_the_default(prepaid, make_domain, staff, frozen_clock):
    Price.objects.create(
        zone="kz", command="create", years=1, amount_minor=2500, currency="USD",
        valid_from=T0 - dt.timedelta(days=1), valid_to=T0 + dt.timedelta(days=1), entered_by="tester",
    )  # fmt: skip
    make_domain("cheap.kz")
    assert balance_of(prepaid) == usd("75.00")
    frozen_clock.advance(dt.timedelta(days=1))  # the row's validity ends: back to the default
    make_domain("dear.kz")
    assert balance_of(prepaid) == usd("45.00")


def test_a_price_in_another_currency_is_converted_at_the_days_rate_rounded_half_up(registrar, staff, frozen_clock):
    from kzreg.billing.books import open_prepaid
    from tests.billing.conftest import fund

    kzt = open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    fund(kzt, "100000.00")
    ExchangeRate.objects.create(
        day=T0.date() - dt.timedelta(days=3), source="USD", target="KZT", rate="500.00", entered_by="t"
    )
    ExchangeRate.objects.create(day=T0.date(), source="USD", target="KZT", rate="512.34567", entered_by="t")
    create_domain(domain_command("tenge.kz"), staff)
    assert balance_of(kzt) == Money.of("100000.00", "KZT") - Money.of("15370.37", "KZT")  # 30 × 512.34567 = 15370.3701


def test_without_a_rate_the_create_is_refused_naming_the_pair(registrar, staff):
    from kzreg.billing.books import open_prepaid

    open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("norate.kz"), staff)
    assert refusal.value.codes == {BillingCode.NO_RATE}
    assert "USD → KZT" in refusal.value.render("kk")[0]
    assert not Domain.objects.exists()


def test_the_price_charged_is_the_price_quoted(prepaid, registrar, registrar_actor, frozen_clock):
    quote = fees.quote("kz", "create", 1, registrar.id)
    Price.objects.create(
        zone="kz", command="create", years=1, amount_minor=9900, currency="USD", valid_from=T0, entered_by="t"
    )  # the price rises after the quote
    base = domain_command("quoted.kz")
    create_domain(
        dataclasses.replace(base, fee_quote_id=quote.id),
        registrar_actor,
    )
    assert balance_of(prepaid) == usd("70.00")
    assert Transaction.objects.get(kind="fee").quote_id == quote.id


def test_an_expired_or_foreign_quote_is_refused(prepaid, registrar, other_registrar, registrar_actor, frozen_clock):
    base = domain_command("quoted.kz")
    foreign = fees.quote("kz", "create", 1, other_registrar.id)
    with pytest.raises(OperationFailed) as refusal:
        create_domain(dataclasses.replace(base, fee_quote_id=foreign.id), registrar_actor)
    assert refusal.value.codes == {BillingCode.QUOTE_MISMATCH}
    quote = fees.quote("kz", "create", 1, registrar.id)
    frozen_clock.advance(dt.timedelta(minutes=fees.quote_minutes()))
    with pytest.raises(OperationFailed) as refusal:
        create_domain(dataclasses.replace(base, fee_quote_id=quote.id), registrar_actor)
    assert refusal.value.codes == {BillingCode.QUOTE_EXPIRED}
    assert not Domain.objects.exists() and balance_of(prepaid) == usd("100.00")


def test_the_mail_channels_registry_own_registrar_has_no_account_and_is_not_charged(prepaid, staff):
    """Direct registrants (the mail channel) are invoiced later (KZ-B); its registrar pays no prepaid fee."""
    from kzreg.registry.operations import create_registrar

    create_registrar(c.CreateRegistrar("KAZNIC", c.RegistrarData(name="KazNIC", email="hostmaster@nic.kz")), staff)
    create_domain(domain_command("bymail.kz", registrar="KAZNIC"), staff)
    assert balance_of(prepaid) == usd("100.00") and not Transaction.objects.filter(kind="fee").exists()


def test_a_bad_period_is_the_operations_problem_not_a_fee(prepaid, registrar_actor):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("bad.kz", period=0), registrar_actor)
    assert refusal.value.codes == {Code.PERIOD_RANGE}


def test_a_quote_in_another_currency_than_the_account_is_refused(registrar, registrar_actor, frozen_clock):
    from kzreg.billing.books import open_prepaid
    from tests.billing.conftest import fund

    quote = fees.quote("kz", "create", 1, registrar.id)  # no account yet: in the price's USD
    fund(open_prepaid(registrar.id, registrar.handle, "KZT", clock.now()), "100000.00")
    base = domain_command("quoted.kz")
    with pytest.raises(OperationFailed) as refusal:
        create_domain(dataclasses.replace(base, fee_quote_id=quote.id), registrar_actor)
    assert refusal.value.codes == {BillingCode.QUOTE_MISMATCH}
    assert not Domain.objects.exists()


def test_a_delete_that_became_a_hold_refunds_nothing(prepaid, make_domain):
    """T12: the serving ISP's Delete puts the domain on hold; it stays registered, so its fee stays paid."""
    from kzreg.registry.authority import MailProof
    from tests.conftest import person

    make_domain("kept.kz", tech=person(8, emails="noc@ps.kz"))
    isp = Actor("noc@ps.kz", Role.REGISTRANT, Channel.MAIL, proof=MailProof("noc@ps.kz", sender_proven=True))
    delete_domain(c.DeleteDomain("kept.kz", reason="KZ-261203.1"), isp)
    assert Domain.objects.get(name="kept.kz").hold
    assert balance_of(prepaid) == usd("70.00") and not Transaction.objects.filter(kind="refund").exists()


def test_years_added_by_mail_from_the_domains_contact_are_charged_to_its_registrar(prepaid, make_domain):
    """Every channel (E3): the e-mailed form's change costs the sponsoring registrar what EPP's would."""
    from kzreg.registry.authority import MailProof

    make_domain("mailed.kz")  # admin contact ivan1@example.kz
    contact = Actor("ivan1@example.kz", Role.REGISTRANT, Channel.MAIL, "KZ-261203.2",
                    proof=MailProof("ivan1@example.kz", sender_proven=True))  # fmt: skip
    modify_domain(c.ModifyDomain("mailed.kz", add_years=1), contact)
    assert balance_of(prepaid) == usd("40.00")
    tx = Transaction.objects.get(fee_command="renew")
    assert (tx.request_id, tx.principal) == ("KZ-261203.2", "ivan1@example.kz")
