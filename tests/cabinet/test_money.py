"""The Money pages (issue 13 §Money, SPEC B2/B3): balance, credit and what may be spent, the statement
for a period with its opening and closing balance, invoices with their PDF, payments received; each in
kk/ru/en; another tenant's invoice 404; a user without the pay permission 403."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock
from kzreg.registrar.access import account_of
from tests.cabinet.money_objects import invoice_to
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
PAGES = ("/cabinet/money/", "/cabinet/money/payments/", "/cabinet/money/invoices/", "/cabinet/money/prices/")
TITLES = {"kk": "Қаражат", "ru": "Финансы", "en": "Money"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_money_page_answers_in_each_language(client, two_tenants, lang):
    a = two_tenants.a
    invoice = invoice_to(a, language="ru")
    client.force_login(a.admin)
    for url in (*PAGES, f"/cabinet/money/invoices/{invoice.number}/"):
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert answer.status_code == 200, url
        html = answer.content.decode()
        assert f'<html lang="{lang}"' in html and TITLES[lang] in html, url
    money = client.get("/cabinet/money/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert {"kk": "Кредит лимиті", "ru": "Кредитный лимит", "en": "Credit limit"}[lang] in money


def test_balance_statement_opening_and_closing(client, two_tenants):
    a = two_tenants.a
    account = account_of(a.admin)  # 1000.00 paid in, 40.00 charged for the tenant's domain
    client.force_login(a.admin)
    html = client.get("/cabinet/money/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "$960.00" in html and "Available to spend" in html
    assert "$1,000.00" in html and "$40.00" in html  # the month's payment and charge, each with its balance
    assert "Opening balance" in html and "Closing balance" in html
    today = timezone.localdate(clock.now())  # the cabinet's calendar is Almaty's (UTC+5)
    # A period after today's movements: the opening and the closing are both today's balance, no rows.
    later = client.get("/cabinet/money/", {"from": (today + dt.timedelta(days=1)).isoformat(),
                                           "to": (today + dt.timedelta(days=2)).isoformat()},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    assert later.count("$960.00") >= 3 and "No movements in this period" in later
    assert account.balance == Money.of("960.00", "USD")


def test_a_bad_period_is_named_beside_its_field(client, two_tenants):
    client.force_login(two_tenants.a.admin)
    bad = client.get("/cabinet/money/", {"from": "2026-13-01", "to": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    html = bad.content.decode()
    assert bad.status_code == 400 and html.count('class="field__error"') == 2 and 'value="yesterday"' in html
    backwards = client.get("/cabinet/money/", {"from": "2026-05-02", "to": "2026-05-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert backwards.status_code == 400 and "cannot be before its start" in backwards.content.decode()
    long = client.get("/cabinet/money/", {"from": "2024-01-01", "to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert long.status_code == 400 and "at most 366 days" in long.content.decode()


def test_payments_received_are_listed_with_their_total(client, two_tenants):
    a = two_tenants.a
    record_payment(account_of(a.admin), Money.of("250.00", "USD"), "tester", clock.now(), reference="PP-77")
    client.force_login(a.admin)
    html = client.get("/cabinet/money/payments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "PP-77" in html and "$250.00" in html and "$1,250.00" in html  # two payments, the total
    assert "altyn-tenant.kz" not in html  # a charge is not a payment


def test_invoices_are_the_tenants_own_and_another_tenants_is_not_found(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    own, other = invoice_to(a), invoice_to(b)
    client.force_login(a.admin)
    listing = client.get("/cabinet/money/invoices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert own.number in listing and other.number not in listing and "Altyn Hosting LLP" in listing
    page = client.get(f"/cabinet/money/invoices/{own.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "$30.00" in page and "Download PDF" in page and "Quote the invoice number" in page
    assert client.get(f"/cabinet/money/invoices/{other.number}/").status_code == 404
    assert client.get(f"/cabinet/money/invoices/{other.number}/pdf/").status_code == 404
    assert client.get("/cabinet/money/invoices/2099-999999/").status_code == 404


def test_an_invoice_pdf_is_a_pdf_in_the_users_language(client, two_tenants):
    a = two_tenants.a
    invoice = invoice_to(a)
    client.force_login(a.admin)
    answer = client.get(f"/cabinet/money/invoices/{invoice.number}/pdf/", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-") and f'filename="{invoice.number}.pdf"' in answer["Content-Disposition"]


def test_no_invoices_says_what_comes(client, two_tenants):
    client.force_login(two_tenants.b.admin)
    html = client.get("/cabinet/money/invoices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No invoices yet" in html


@pytest.mark.parametrize("url", [*PAGES, "/cabinet/money/invoices/2026-000001/"])
def test_a_user_without_pay_is_refused(client, two_tenants, url):
    invoice_to(two_tenants.a)
    client.force_login(two_tenants.a.viewer)
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 403 and "“pay” permission" in answer.content.decode()


def test_invoice_pages_go_forward_by_keyset_and_a_registrant_sees_its_own(client, two_tenants, monkeypatch):
    from kzreg.billing.books import reseller_book
    from kzreg.billing.invoices import issue_invoice
    from kzreg.billing.invoices_parties import Party
    from kzreg.billing.ledger import Cause
    from kzreg.cabinet import money_invoices
    from tests.billing.invoice_helpers import fee_line
    from tests.cabinet.money_objects import SELLER

    a = two_tenants.a
    monkeypatch.setattr(money_invoices, "PER_PAGE", 2)
    to_a = invoice_to(a)
    book = reseller_book(a.reseller, clock.now())  # the reseller's own invoices to its registrant
    buyer = Party(name="Customer ALTYN", address="Almaty", country="KZ", key=f"customer:{a.customer.pk}")
    cause = Cause(kind="invoice", principal="tester", operation="domain_renew")
    by_a = [issue_invoice(book, buyer, [fee_line()], "USD", "en", clock.now(), cause, seller=SELLER) for _ in range(2)]
    client.force_login(a.admin)
    first = client.get("/cabinet/money/invoices/", {"sort": "issued"}).content.decode()
    after = re.search(r'rel="next" href="\?([^"]+)"', first)
    assert after is not None
    second = client.get("/cabinet/money/invoices/?" + after.group(1).replace("&amp;", "&")).content.decode()
    numbers = re.findall(r'/cabinet/money/invoices/([\w-]+)/"', first + second)
    assert len(numbers) == 3 and 'rel="next"' not in second  # three rows on two pages, none twice
    assert sorted(numbers) == sorted([to_a.number, *(i.number for i in by_a)])
    client.force_login(two_tenants.registrant)
    mine = client.get("/cabinet/money/invoices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customer ALTYN" in mine and "Altyn Hosting LLP" not in mine
