"""The statement as a PDF (issue 13 §Money, SPEC B2): billing's monthly statement printed by billing's
renderer, read back as text (pypdf, as billing's tests do): the user's own account only, in the user's
language; the month links on the statement page; a bad month named (400); no pay permission 403."""

from __future__ import annotations

import pytest

from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.cabinet.money_period import today
from kzreg.core import clock
from kzreg.registrar.access import account_of
from tests.billing.test_invoices_pdf import pdf_text
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/cabinet/money/statement/pdf/"


def test_the_statement_pdf_is_the_users_own_months_movements(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    record_payment(account_of(a.admin), Money.of("250.00", "USD"), "tester", clock.now(), reference="PP-A-77")
    month = today().strftime("%Y-%m")
    client.force_login(a.admin)
    answer = client.get(URL, {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert f"-{month}.pdf" in answer["Content-Disposition"] and "attachment" in answer["Content-Disposition"]
    text = pdf_text(answer.content).replace("\u00a0", " ")
    assert "altyn-tenant.kz" in text and "PP-A-77" in text  # its own charge and payment
    assert "sibhost-tenant.kz" not in text  # nothing of the other reseller's account
    assert "Closing balance 1 210.00 USD" in text, text  # 1000 + 250 − 40

    client.force_login(b.admin)
    other = pdf_text(client.get(URL, {"month": month}, HTTP_ACCEPT_LANGUAGE="ru").content)
    assert "sibhost-tenant.kz" in other and "altyn-tenant.kz" not in other and "PP-A-77" not in other
    assert "Выписка" in other  # billing's Russian labels: the user's language


def test_the_statement_page_links_each_month_of_its_period(client, two_tenants):
    client.force_login(two_tenants.a.admin)
    html = client.get("/cabinet/money/", {"from": "2026-01-15", "to": "2026-03-02"}, HTTP_ACCEPT_LANGUAGE="en")
    page = html.content.decode()
    for month in ("2026-01", "2026-02", "2026-03"):
        assert f'href="{URL}?month={month}"' in page, month
    assert "Statement 2026-02 (PDF)" in page and f"{URL}?month=2026-04" not in page


def test_a_bad_month_is_named_and_no_pdf_is_made(client, two_tenants):
    client.force_login(two_tenants.a.admin)
    answer = client.get(URL, {"month": "2026-13"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and answer["Content-Type"].startswith("text/html")
    assert "2026-13" in answer.content.decode()


def test_without_pay_or_as_a_registrant_it_is_refused(client, two_tenants):
    for user in (two_tenants.a.viewer, two_tenants.registrant):
        client.force_login(user)
        answer = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 403 and "“pay” permission" in answer.content.decode()
    client.logout()
    assert client.get(URL).status_code == 302
