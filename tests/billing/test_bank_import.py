"""Bank statement imports (issue 11, "Payments"): the 1C Client-Bank exchange format (cp1251 and DOS) and
CSV, matched by the payer's BIN, unmatched lines queued for review, broken files refused whole with every
broken line named, and nothing booked twice (the same file, or the same bank document in another file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzreg.billing.bankimport.importer import import_statement
from kzreg.billing.bankimport.payers import set_payer
from kzreg.billing.books import open_prepaid
from kzreg.billing.models import Account, BankLine, BankStatement, Entry, Payer, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import PaymentCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.conftest import balance_of

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
PS_BIN = "040340001234"


@pytest.fixture
def kzt_deposit(registrar) -> Account:
    account = open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    set_payer(PS_BIN, account, "Internet-company PS LLP", "tester", clock.now())
    return account


def load(name: str, fmt: str | None = None, currency: str = "KZT"):
    data = (DATA / name).read_bytes()
    return import_statement(data, name, fmt, currency, "tester", clock.now())


def test_a_cp1251_1c_file_books_the_known_payer_queues_the_unknown_and_skips_our_own_payment(kzt_deposit):
    imported = load("statement-1c-cp1251.txt")
    by_number = {line.number: line for line in imported.lines}
    assert [(n, line.status) for n, line in sorted(by_number.items())] == [
        ("12", "skipped"),
        ("481", "booked"),
        ("77", "review"),
    ]
    booked = by_number["481"]
    assert booked.line_no == 20 and booked.payer_name == "ТОО «Интернет-компания PS»"
    assert booked.purpose == "Аванс за регистрацию доменов .kz по договору 12/2026"
    assert booked.account_id == kzt_deposit.pk
    assert balance_of(kzt_deposit) == Money.of("150000.00", "KZT")
    tx = Transaction.objects.get(kind="payment")
    assert tx.reference == "bank 481 2026-03-01 (statement-1c-cp1251.txt line 20)"
    review = by_number["77"]
    assert review.amount == Money.of("50500.00", "KZT") and review.payer_bin == "850101300123"
    assert review.transaction_id is None and review.reason == PaymentCode.UNMATCHED


def test_the_dos_encoding_is_read_as_cp866(kzt_deposit):
    imported = load("statement-1c-dos.txt")
    booked = next(line for line in imported.lines if line.status == "booked")
    assert booked.number == "482" and booked.payer_name == 'ТОО "Интернет-компания PS"'


def test_the_same_file_twice_is_refused_and_books_nothing_more(kzt_deposit):
    load("statement-1c-cp1251.txt")
    with pytest.raises(OperationFailed) as refused:
        load("statement-1c-cp1251.txt")
    assert refused.value.codes == {PaymentCode.FILE_IMPORTED}
    assert "already imported on 2026" in refused.value.render("en")[0]
    assert BankStatement.objects.count() == 1 and Transaction.objects.filter(kind="payment").count() == 1
    assert balance_of(kzt_deposit) == Money.of("150000.00", "KZT")


def test_the_same_bank_document_in_another_file_is_a_duplicate_not_a_second_payment(kzt_deposit):
    load("statement-1c-cp1251.txt")
    imported = load("statement.csv")
    first, second = imported.lines
    assert (first.number, first.status, first.document_key) == ("481", "duplicate", None)
    assert first.reason.startswith(f"{PaymentCode.DUPLICATE}:")
    assert (second.status, second.amount) == ("review", Money.of("1200.50", "KZT"))
    assert balance_of(kzt_deposit) == Money.of("150000.00", "KZT")
    assert Transaction.objects.filter(kind="payment").count() == 1


def test_a_document_twice_in_one_file_books_once(kzt_deposit, tmp_path):
    row = "481,2026-03-01,100.00,KZT,040340001234,KZ1,PS,x\n"
    data = ("number,date,amount,currency,payer_bin,payer_account,payer_name,purpose\n" + row + row).encode()
    imported = import_statement(data, "twice.csv", None, "KZT", "tester", clock.now())
    assert [line.status for line in imported.lines] == ["booked", "duplicate"]
    assert balance_of(kzt_deposit) == Money.of("100.00", "KZT")


def test_a_broken_file_names_every_broken_line_in_each_language_and_books_nothing(kzt_deposit):
    with pytest.raises(OperationFailed) as refused:
        load("statement-1c-broken.txt")
    assert refused.value.render("en") == [
        "line 5: Дата is not valid: 31.02.2026",
        "line 11: Сумма is not valid: -5.00",
        "line 17: not a KEY=VALUE line: это не строка ключ-значение",
        "line 18: the document has no Номер",
        "line 18: Сумма is not valid: 10.005",
        "line 18: ПлательщикБИН is not valid: 04034000123X",
        "line 23: the document is not closed by КонецДокумента",
    ]
    assert refused.value.render("ru")[0] == "line 5: неверное значение Дата: 31.02.2026"
    assert refused.value.render("kk")[3] == "line 18: құжатта Номер өрісі жоқ"
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()
    assert not Transaction.objects.exists() and not Entry.objects.exists()


def test_a_file_cut_short_misses_its_end(kzt_deposit):
    data = (DATA / "statement-1c-cp1251.txt").read_bytes().split("КонецФайла".encode("cp1251"))[0]
    with pytest.raises(OperationFailed) as refused:
        import_statement(data, "cut.txt", None, "KZT", "tester", clock.now())
    assert refused.value.render("en") == ["line 56: the document has no КонецФайла"]


def test_an_unknown_format_is_one_clear_error(kzt_deposit):
    with pytest.raises(OperationFailed) as refused:
        import_statement(b"%PDF-1.4 not a statement\n", "x.pdf", None, "KZT", "tester", clock.now())
    (message,) = refused.value.render("en")
    assert message.startswith(
        "line 1: unknown bank file format: %PDF-1.4 not a statement (expected 1CClientBankExchange"
    )
    with pytest.raises(OperationFailed) as refused:
        import_statement(b"number,date\n1,2026-03-01\n", "x.csv", "csv", "KZT", "tester", clock.now())
    assert refused.value.codes == {PaymentCode.FORMAT_UNKNOWN}
    with pytest.raises(OperationFailed) as refused:
        import_statement(b"number,date,amount\n", "x.csv", "1c", "KZT", "tester", clock.now())
    assert refused.value.codes == {PaymentCode.FORMAT_UNKNOWN}
    assert not BankStatement.objects.exists()


def test_an_encoding_the_file_does_not_have_is_refused(kzt_deposit):
    text = "1CClientBankExchange\nКодировка=Windows\nКонецФайла\n"
    with pytest.raises(OperationFailed) as refused:
        import_statement(text.encode("utf-8"), "x.txt", None, "KZT", "tester", clock.now())
    assert refused.value.codes == {PaymentCode.ENCODING}
    with pytest.raises(OperationFailed) as refused:
        import_statement(text.replace("Windows", "KOI8").encode("cp1251"), "x.txt", None, "KZT", "t", clock.now())
    assert refused.value.render("en") == ["Кодировка: Кодировка is not valid: KOI8"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "line 2: amount is not valid: 0"),
        ("abc", "line 2: amount is not valid: abc"),
        ("12.345", "line 2: amount is not valid: 12.345"),
        ("900000000.00", "line 2: the amount is implausibly large: 900 000 000.00 KZT (at most 500 000 000.00 KZT)"),
    ],
)
def test_bad_amounts_in_csv_name_the_line(kzt_deposit, amount, message):
    data = f"number,date,amount,payer_bin\n1,2026-03-01,{amount},{PS_BIN}\n".encode()
    with pytest.raises(OperationFailed) as refused:
        import_statement(data, "x.csv", None, "KZT", "tester", clock.now())
    assert refused.value.render("en") == [message]
    assert not Transaction.objects.exists()


def test_a_payment_in_another_currency_than_the_payers_account_waits_for_review(kzt_deposit):
    data = f"number,date,amount,currency,payer_bin\n1,2026-03-01,10.00,USD,{PS_BIN}\n".encode()
    (line,) = import_statement(data, "usd.csv", None, "KZT", "tester", clock.now()).lines
    assert (line.status, line.reason, line.account_id) == ("review", PaymentCode.ACCOUNT_CURRENCY, kzt_deposit.pk)
    assert not Transaction.objects.exists()


def test_payers_are_twelve_digit_bins_in_the_registrys_book(kzt_deposit):
    with pytest.raises(OperationFailed) as refused:
        set_payer("12345", kzt_deposit, "", "tester", clock.now())
    assert refused.value.render("en") == ["bin: a BIN/IIN is 12 digits: 12345"]
    assert Payer.objects.count() == 1
