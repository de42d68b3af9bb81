"""Expiry reminders (PS-3.6–3.8): registrants mailed 30, 7 and 1 days before expiry, in their language,
under their reseller's name with the sponsoring registrar named; a digest to the reseller; once per
service, period and threshold (rows, so restart-safe); none for deleted, renewed or auto-renewing
services. And the auto-renewal's funds-short mail names the same."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.models import Book
from kzreg.billing.money import Money
from kzreg.billing.price_lists import set_own_retail_price, set_retail_price
from kzreg.core import clock
from kzreg.notify.models import OutboxMessage
from kzreg.registrar.customers import create_customer
from kzreg.registrar.models import ExpiryReminder, Order, Service
from kzreg.registrar.reminders import send_reminders
from kzreg.registrar.renewals import warn_funds_short
from tests.conftest import T0
from tests.registrar.conftest import customer_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the whole folder (conftest)
EXPIRY = T0 + dt.timedelta(days=40)


@pytest.fixture
def customer(alpha):
    return create_customer(customer_data(1, language="ru", name="Иванов Иван"), "PS-KZ", alpha)


def service(name, customer, reseller, expires=EXPIRY, **fields) -> Service:
    values = {"statuses": ["ok"], **fields}
    return Service.objects.create(name=name, registrar_handle="PS-KZ", reseller=reseller, customer=customer,
                                  expires_at=expires, created_at=T0, **values)  # fmt: skip


def mails(prefix: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(reference__startswith=prefix).order_by("id"))


def at_days_before(days: float) -> dt.datetime:
    clock.freeze(EXPIRY - dt.timedelta(days=days))
    return clock.now()


def test_each_threshold_once_in_the_registrants_language(frozen_clock, customer, alpha):
    service("shop.kz", customer, alpha)
    assert send_reminders(at_days_before(31)) == {"reminded": 0, "digests": 0}
    for days, threshold in ((29.5, 30), (6.5, 7), (0.5, 1)):
        assert send_reminders(at_days_before(days)) == {"reminded": 1, "digests": 1}
        assert send_reminders(at_days_before(days)) == {"reminded": 0, "digests": 0}  # a restart sends nothing more
        last = mails("expiry-reminder:")[-1]
        assert last.reference.endswith(f":{threshold}") and last.language == "ru"
    reminders = mails("expiry-reminder:")
    assert len(reminders) == 3 and len(mails("expiry-digest:")) == 3
    first = reminders[0]
    assert first.to == ["noc1@telecom.kz"] and first.sender == "support@alpha.kz"
    assert "Срок регистрации домена shop.kz истекает" in first.subject
    assert "Alpha Hosting, реселлер регистратора PS-KZ" in first.body  # a reseller, never the registrar
    assert "Регистратор, обслуживающий домен: PS-KZ" in first.body
    assert ExpiryReminder.objects.count() == 3


def test_crossing_several_thresholds_sends_only_the_nearest(frozen_clock, customer, alpha):
    service("late.kz", customer, alpha)
    assert send_reminders(at_days_before(3))["reminded"] == 1
    assert ExpiryReminder.objects.get().days_before == 7
    assert send_reminders(at_days_before(2))["reminded"] == 0  # the 30-day one is not sent after the 7-day one


def test_digest_lists_the_resellers_domains(frozen_clock, customer, alpha, beta):
    service("one.kz", customer, alpha)
    service("two.kz", customer, alpha)
    theirs = create_customer(customer_data(2, language="kk"), "PS-KZ", beta)
    service("three.kz", theirs, beta)
    assert send_reminders(at_days_before(20)) == {"reminded": 3, "digests": 2}
    digests = {m.to[0]: m for m in mails("expiry-digest:")}
    assert "one.kz" in digests["support@alpha.kz"].body and "two.kz" in digests["support@alpha.kz"].body
    assert "three.kz" not in digests["support@alpha.kz"].body  # each reseller hears of its own only
    assert "three.kz" in digests["info@beta.kz"].body
    kk = next(m for m in mails("expiry-reminder:three.kz"))
    assert kk.language == "kk" and "Beta Host" in kk.body and "PS-KZ" in kk.body


def test_the_registrars_own_customers_hear_from_the_registrar(frozen_clock, registrar, settings):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "MAIL_FROM": "domains@ps.kz"}
    own = create_customer(customer_data(3, language="en"), "PS-KZ", None)
    service("own.kz", own, None)
    assert send_reminders(at_days_before(5)) == {"reminded": 1, "digests": 0}
    (mail,) = mails("expiry-reminder:")
    assert mail.sender == "domains@ps.kz" and "reseller" not in mail.body
    assert "The domain's sponsoring registrar: PS-KZ" in mail.body


def test_none_for_deleted_pending_delete_or_renewed(frozen_clock, customer, alpha):
    service("gone.kz", customer, alpha, sponsored=False)
    service("dying.kz", customer, alpha, statuses=["pendingDelete"])
    renewed = service("renewed.kz", customer, alpha)
    assert send_reminders(at_days_before(25))["reminded"] == 1  # renewed.kz, for its 30-day threshold
    Service.objects.filter(pk=renewed.pk).update(expires_at=EXPIRY + dt.timedelta(days=365))
    assert send_reminders(at_days_before(5))["reminded"] == 0  # its old period's thresholds no longer apply


def test_auto_renewing_services_only_when_their_renewal_waits(frozen_clock, customer, alpha):
    auto = service("auto.kz", customer, alpha, auto_renew=True)
    assert send_reminders(at_days_before(20))["reminded"] == 0  # the worker renews it
    Order.objects.create(kind="renew", state="quoted", domain="auto.kz", registrar_handle="PS-KZ",
                         payer=f"reseller:{alpha.pk}", idempotency_key="auto-renew", principal="worker",
                         service=auto, period_key=f"auto.kz:{EXPIRY.date().isoformat()}", created_at=T0,
                         updated_at=T0)  # fmt: skip
    assert send_reminders(at_days_before(19))["reminded"] == 1  # funds short: the registrant hears of it


def test_funds_short_mail_names_the_reseller_and_the_registrar(frozen_clock, customer, alpha):
    warn_funds_short(service("short.kz", customer, alpha), "insufficient funds")
    (mail,) = mails("funds-short:")
    assert mail.to == ["support@alpha.kz"]
    assert "Alpha Hosting" in mail.body and "PS-KZ" in mail.body and "short.kz" in mail.body
    assert "Пополните счёт" in mail.body and "Top it up" in mail.body and "толтырыңыз" in mail.body


def test_the_reminder_names_the_sellers_price_for_a_years_renewal(frozen_clock, customer, alpha, beta, registrar):
    """The registrant's price is its seller's retail one (its reseller's; the registrar's for its own
    customers), in the registrant's language; a seller with no such price gets no line and no book opened."""
    yesterday = T0 - dt.timedelta(days=1)
    set_retail_price(alpha, "kz", "renew", 1, Money.of("9500.00", "KZT"), "alpha-admin", yesterday)
    set_retail_price(alpha, "kz", "renew", 2, Money.of("18000.00", "KZT"), "alpha-admin", yesterday)  # not this one
    set_own_retail_price(registrar, "kz", "renew", 1, Money.of("35.00", "USD"), "tester", yesterday)
    service("priced.kz", customer, alpha)
    own = create_customer(customer_data(3, language="en"), "PS-KZ", None)
    service("own.kz", own, None)
    service("unpriced.kz", create_customer(customer_data(2, language="kk"), "PS-KZ", beta), beta)
    books_before = Book.objects.count()
    assert send_reminders(at_days_before(5))["reminded"] == 3
    by_domain = {m.reference.split(":")[1]: m.body for m in mails("expiry-reminder:")}
    assert "Продление на один год стоит 9\u00a0500.00\u00a0₸." in by_domain["priced.kz"]
    assert "18\u00a0000" not in by_domain["priced.kz"]
    assert "Renewing it for one year costs 35.00\u00a0USD." in by_domain["own.kz"]
    assert "ұзарту бағасы" not in by_domain["unpriced.kz"] and "Beta Host" in by_domain["unpriced.kz"]
    assert Book.objects.count() == books_before  # beta keeps no book: reading its price opened none


def test_a_price_out_of_force_is_not_named(frozen_clock, customer, alpha):
    ended = T0 - dt.timedelta(hours=1)
    set_retail_price(
        alpha, "kz", "renew", 1, Money.of("9500.00", "KZT"), "alpha-admin", T0 - dt.timedelta(days=9), ended
    )
    service("old-price.kz", customer, alpha)
    send_reminders(at_days_before(5))
    (mail,) = mails("expiry-reminder:")
    assert "Продление на один год" not in mail.body
