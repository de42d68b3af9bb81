"""Monthly statements (issue 11): opening balance, the month's movements, closing balance, in the
registry's calendar month (Asia/Almaty), as text, HTML and PDF; `kzreg billing statement ACCOUNT --month`."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from kzreg.billing import ledger
from kzreg.billing.books import own_account, registry_book
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind
from kzreg.billing.money import Money
from kzreg.billing.pdf import statement_html
from kzreg.billing.statements import Month, build_statement
from kzreg.cli import main
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.conftest import fund

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def charge(account: Account, amount: str, name: str, kind: str = "fee") -> None:
    revenue = own_account(account.book, AccountKind.REVENUE, account.currency, clock.now())
    cause = Cause(
        kind=kind, principal="test", operation="domain_create", object_key=name, fee_command="create", years=1
    )
    money = Money.of(amount, account.currency)
    ledger.post(account.book, cause, [(account, -money), (revenue, money)], clock.now())


@pytest.fixture
def history(frozen_clock, prepaid) -> Account:
    """PS-KZ: 100.00 deposited (fixture, 1 March 09:00 UTC); then in March a fee and a payment; a fee at
    31 March 20:00 UTC, which is 1 April in Almaty; a fee in April."""
    frozen_clock.freeze(at("2026-03-10"))
    charge(prepaid, "30.00", "alpha.kz")
    frozen_clock.freeze(at("2026-03-15"))
    fund(prepaid, "50.00", "PP 77")
    frozen_clock.freeze(at("2026-03-31", 20))
    charge(prepaid, "30.00", "late.kz")
    frozen_clock.freeze(at("2026-04-03"))
    charge(prepaid, "30.00", "april.kz")
    prepaid.refresh_from_db()
    return prepaid


def test_opening_movements_closing_and_the_months_chain(history):
    march = build_statement(history, Month(2026, 3), "en")
    assert [m.amount.plain for m in march.movements] == ["100.00", "-30.00", "50.00"]
    assert [m.balance.plain for m in march.movements] == ["100.00", "70.00", "120.00"]
    assert (march.opening.plain, march.closing.plain) == ("0.00", "120.00")
    assert (march.debits.plain, march.credits.plain) == ("30.00", "150.00")
    assert march.movements[1].text == "Registry fee: alpha.kz create 1 y"
    april = build_statement(history, Month(2026, 4), "kk")
    assert april.opening == march.closing  # each month opens where the last one closed
    assert [m.text for m in april.movements] == [
        "Тізілім ақысы: late.kz create 1 жыл",
        "Тізілім ақысы: april.kz create 1 жыл",
    ]
    assert april.closing == history.balance  # the ledger's own balance
    may = build_statement(history, Month(2026, 5), "ru")
    assert (may.movements, may.opening, may.closing) == ([], history.balance, history.balance)
    assert "Движений за период нет" in statement_html(may)


def test_another_account_is_not_on_the_statement(history, other_registrar):
    from kzreg.billing.books import open_prepaid

    other = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    fund(other, "999.00", "HOSTER")
    march = build_statement(history, Month(2026, 3), "en")
    assert "999.00" not in statement_html(march) and "HOSTER" not in statement_html(march)


@pytest.mark.parametrize("raw", ["2026-13", "2026-3", "03-2026", "", "2026-00", "abcd-ef"])
def test_a_bad_month_is_refused(raw):
    with pytest.raises(OperationFailed) as failed:
        Month.parse(raw)
    assert [(p.field, p.code) for p in failed.value.problems] == [("month", InvoiceCode.MONTH_INVALID)]


def test_an_unknown_language_is_refused(history):
    with pytest.raises(OperationFailed) as failed:
        build_statement(history, Month(2026, 3), "de")
    assert [(p.field, p.code) for p in failed.value.problems] == [("language", InvoiceCode.LANGUAGE)]


def test_month_bounds_are_almaty_midnights():
    start, end = Month(2026, 12).bounds()
    assert (start.astimezone(dt.UTC), end.astimezone(dt.UTC)) == (at("2026-11-30", 19), at("2026-12-31", 19))


def test_the_cli_prints_writes_pdf_and_names_a_bad_month(history, capsys, tmp_path):
    assert main(["billing", "statement", "PS-KZ", "--month", "2026-03"]) == 0
    out = capsys.readouterr().out
    assert "Opening balance: 0.00 USD" in out and "Closing balance: 120.00 USD" in out
    assert "Debit: 30.00 USD  Credit: 150.00 USD" in out and "PP 77" in out
    target = tmp_path / "march.pdf"
    assert (
        main(["--lang", "ru", "billing", "statement", "PS-KZ", "--month", "2026-03", "--pdf", "-o", str(target)]) == 0
    )
    text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text().replace("\u00a0", " ")
    assert "Выписка по счёту" in text and "Исходящий остаток" in text and "120.00 USD" in text
    assert "01.03.2026 – 31.03.2026" in text
    capsys.readouterr()
    assert main(["--lang", "kk", "billing", "statement", "PS-KZ", "--month", "2026-3"]) == 1
    assert capsys.readouterr().err.strip() == "error: month: ай ЖЖЖЖ-АА түрінде болуы керек: 2026-3"


def test_registry_book_statement_of_a_deposit_in_kzt_prints_the_tenge_sign(frozen_clock, registrar):
    from kzreg.billing.books import open_prepaid

    account = open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    fund(account, "1500000.00")
    html = statement_html(build_statement(account, Month(2026, 3), "kk")).replace("\u00a0", " ")
    assert "1 500 000.00 ₸" in html and "Шот бойынша үзінді" in html
    assert registry_book(clock.now()).pk == account.book_id


def test_a_resellers_statement_from_its_registrars_book(frozen_clock, reseller, capsys):
    from kzreg.billing.books import open_reseller_deposit

    account = open_reseller_deposit(reseller, "KZT", clock.now())
    fund(account, "250000.00", "PP ALPHA-1")
    charge(account, "4500.00", "alpha-client.kz", kind="order")
    assert main(["billing", "statement", "ALPHA", "--month", "2026-03", "--language", "ru"]) == 0
    out = capsys.readouterr().out
    assert "Выписка по счёту 2026-03" in out and "prepaid ALPHA" in out
    assert "Исходящий остаток: 245 500.00 ₸" in out and "Заказ: alpha-client.kz create 1 г." in out
    html = statement_html(build_statement(account, Month(2026, 3), "kk"))
    assert "PS-KZ (registrar)" in html  # the seller is the registrar, whose book it is
