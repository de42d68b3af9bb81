"""The registrar's own bank statements in its staff cabinet (issue 11): upload a statement into the
registrar's book, review its waiting lines (book to a reseller's deposit, reject), in kk/ru/en; a
reseller's user and a registrant get 404, another registrar's staff 404 for this registrar's lines and
accounts, staff without the pay permission 403; lines of the registry's book never show."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kzreg.accounts.roles import RegistrarRole
from kzreg.billing.bankimport.importer import import_statement
from kzreg.billing.bankimport.payers import set_payer
from kzreg.billing.books import registrar_book, reseller_deposit
from kzreg.billing.limits import set_credit_limit
from kzreg.billing.models import BankLine, OwnerKind
from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.registry.models import Registrar
from tests.tenants import make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
ALTYN_BIN = "040340001234"
TITLES = {"kk": "Банк үзінділері", "ru": "Банковские выписки", "en": "Bank statements"}
REVIEW = {"kk": "Тексерілетін банк жолдары", "ru": "Банковские строки на проверке", "en": "Bank lines to review"}


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def statement(*rows: str) -> bytes:
    return ("number,date,amount,currency,payer_bin,purpose\n" + "".join(f"{r}\n" for r in rows)).encode()


FILE = statement(f"481,2026-03-01,150.00,USD,{ALTYN_BIN},Advance", "9001,2026-03-01,75.50,USD,,Payment")


def upload(client, data: bytes = FILE, name: str = "march.csv", **extra: str):
    return client.post("/cabinet/staff/bank/", {"file": SimpleUploadedFile(name, data), "currency": "USD", **extra})


def balance(reseller) -> Money:
    return reseller_deposit(reseller).balance


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pages_speak_the_users_language(client, two_tenants, lang):
    client.force_login(two_tenants.registrar_staff)
    page = client.get("/cabinet/staff/bank/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'<html lang="{lang}">' in page and TITLES[lang] in page
    page = client.get("/cabinet/staff/bank/review/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert REVIEW[lang] in page


def test_upload_books_by_the_payer_map_and_staff_book_the_rest_to_a_reseller(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    book = registrar_book(a.reseller.registrar, clock.now())
    set_payer(ALTYN_BIN, reseller_deposit(a.reseller), "Altyn", "t", clock.now(), book)
    before_a, before_b = balance(a.reseller), balance(b.reseller)
    client.force_login(two_tenants.registrar_staff)
    answer = upload(client)
    page = answer.content.decode()
    assert answer.status_code == 200 and "prepaid ALTYN" in page and "waiting for review" in page
    assert balance(a.reseller) == before_a + Money.of("150.00", "USD")
    # The same file again: refused whole, nothing booked twice.
    again = upload(client)
    assert again.status_code == 400 and "already imported" in again.content.decode()
    assert BankLine.objects.filter(book=book).count() == 2
    # The review queue shows the waiting line; staff book it to SIBHOST's deposit.
    line = BankLine.objects.get(book=book, status="review")
    queue = client.get("/cabinet/staff/bank/review/").content.decode()
    assert f"#{line.pk}" in queue and "9001" in queue
    done = client.post(
        "/cabinet/staff/bank/review/decide/",
        {"line": line.pk, "action": "assign", "account": reseller_deposit(b.reseller).pk},
    )
    assert done.status_code == 302
    line.refresh_from_db()
    assert line.status == "booked" and balance(b.reseller) == before_b + Money.of("75.50", "USD")
    decided = client.post("/cabinet/staff/bank/review/decide/", {"line": line.pk, "action": "reject"})
    assert decided.status_code == 400 and "not waiting for review" in decided.content.decode()


def test_a_broken_file_names_its_lines_and_books_nothing(client, two_tenants):
    client.force_login(two_tenants.registrar_staff)
    answer = upload(client, statement("1,2026-03-01,10.005,USD,,x", "2,2026-13-01,5,USD,,y"))
    page = answer.content.decode()
    assert answer.status_code == 400 and "line 2" in page and "line 3" in page
    assert not BankLine.objects.exists()
    assert upload(client, b"hello\n", "x.txt").status_code == 400


def test_resellers_registrants_and_staff_without_pay_get_nothing(client, two_tenants):
    a = two_tenants.a
    import_statement(FILE, "m.csv", None, "USD", "t", clock.now(), registrar_book(a.reseller.registrar, clock.now()))
    line = BankLine.objects.get(number="9001")
    for user in (a.admin, a.viewer, two_tenants.registrant):
        client.force_login(user)
        assert client.get("/cabinet/staff/bank/").status_code == 404
        assert client.get("/cabinet/staff/bank/review/").status_code == 404
        assert upload(client).status_code == 404
        decide = {"line": line.pk, "action": "reject"}
        assert client.post("/cabinet/staff/bank/review/decide/", decide).status_code == 404
    compliance = make_user("ps-compliance", "registrar", registrar=a.reseller.registrar,
                           roles=[RegistrarRole.COMPLIANCE.value])  # fmt: skip
    client.force_login(compliance)
    assert client.get("/cabinet/staff/bank/review/").status_code == 403
    line.refresh_from_db()
    assert line.status == "review"


def test_another_registrars_staff_and_the_registrys_lines(client, two_tenants):
    a = two_tenants.a
    ps_book = registrar_book(a.reseller.registrar, clock.now())
    import_statement(FILE, "ps.csv", None, "USD", "t", clock.now(), ps_book)
    import_statement(statement("5,2026-03-01,9.99,USD,,registry money"), "reg.csv", None, "USD", "t", clock.now())
    ps_line = BankLine.objects.get(book=ps_book, number="9001")
    registry_line = BankLine.objects.get(book__owner_kind=OwnerKind.REGISTRY)
    other = Registrar.objects.create(handle="OTHER-KZ", name="Other", email="o@other.kz", created_at=clock.now())
    other_staff = make_user("other-billing", "registrar", registrar=other, roles=[RegistrarRole.BILLING.value])
    client.force_login(other_staff)
    queue = client.get("/cabinet/staff/bank/review/").content.decode()
    assert "9001" not in queue and "registry money" not in queue
    for line in (ps_line, registry_line):
        answer = client.post("/cabinet/staff/bank/review/decide/", {"line": line.pk, "action": "reject"})
        assert answer.status_code == 404
    # Its own line cannot be booked to PS-KZ's reseller's deposit either.
    import_statement(statement("6,2026-03-01,1.00,USD,,x"), "o.csv", None, "USD", "t", clock.now(),
                     registrar_book(other, clock.now()))  # fmt: skip
    own = BankLine.objects.get(number="6")
    answer = client.post(
        "/cabinet/staff/bank/review/decide/",
        {"line": own.pk, "action": "assign", "account": reseller_deposit(a.reseller).pk},
    )
    assert answer.status_code == 404
    # PS-KZ's own staff do not see the registry's line either.
    client.force_login(two_tenants.registrar_staff)
    queue = client.get("/cabinet/staff/bank/review/").content.decode()
    assert "9001" in queue and "registry money" not in queue
    answer = client.post("/cabinet/staff/bank/review/decide/", {"line": registry_line.pk, "action": "reject"})
    assert answer.status_code == 404
    for line in (ps_line, registry_line, own):
        line.refresh_from_db()
        assert line.status == "review"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_resellers_limits_and_their_trail_for_the_registrars_staff(client, two_tenants, lang):
    a = two_tenants.a
    set_credit_limit(reseller_deposit(a.reseller), Money.of("250", "USD"), "ps-admin (cli)", clock.now(), "good payer")
    client.force_login(two_tenants.registrar_staff)
    url = f"/cabinet/staff/limits/?reseller={a.reseller.pk}"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    titles = {"kk": "Депозит шектері", "ru": "Лимиты депозита", "en": "Deposit limits"}
    assert titles[lang] in page and "good payer" in page and "ps-admin (cli)" in page
    assert ("$250.00" if lang == "en" else "250,00\u00a0$") in page
    assert (
        url.split("/cabinet")[1].split("?")[0]
        in client.get(f"/cabinet/staff/reseller/?reseller={a.reseller.pk}").content.decode()
    )


def test_the_limits_page_refuses_resellers_and_other_registrars(client, two_tenants):
    a = two_tenants.a
    url = f"/cabinet/staff/limits/?reseller={a.reseller.pk}"
    client.force_login(a.admin)
    assert client.get(url).status_code == 403
    other = Registrar.objects.create(handle="OTHER-KZ", name="Other", email="o@other.kz", created_at=clock.now())
    client.force_login(make_user("other-billing", "registrar", registrar=other, roles=[RegistrarRole.BILLING.value]))
    assert client.get(url).status_code == 404
    compliance = make_user("ps-compliance", "registrar", registrar=a.reseller.registrar,
                           roles=[RegistrarRole.COMPLIANCE.value])  # fmt: skip
    client.force_login(compliance)
    assert client.get(url).status_code == 403
