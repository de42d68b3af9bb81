"""The review queue and the CLI around imports (issue 11): `kzreg billing import` prints one result per
line, `review list|assign|reject` decides the lines nobody could match, `payer set|list|remove` keeps
the BIN map. A line is decided once; a wrong currency or a decided line changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzreg.billing.books import open_prepaid
from kzreg.billing.models import Account, BankLine, Payer, Transaction
from kzreg.billing.money import Money
from kzreg.cli import main
from kzreg.core import clock
from tests.billing.conftest import balance_of

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def kzt_deposit(registrar) -> Account:
    return open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())


def test_import_prints_each_line_then_staff_assign_the_unmatched_one(capsys, kzt_deposit, other_registrar):
    code, out, _ = run(capsys, "billing", "payer", "set", "040340001234", "PS-KZ", "--name", "PS LLP")
    assert (code, out.strip()) == (0, f"040340001234 → @{kzt_deposit.pk} prepaid PS-KZ")
    code, out, _ = run(capsys, "billing", "import", str(DATA / "statement-1c-cp1251.txt"))
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 4
    booked = BankLine.objects.get(status="booked")
    assert lines[0] == (
        f"line 20: booked #{booked.pk} 481 2026-03-01 150 000.00 KZT → prepaid PS-KZ (transaction #{booked.transaction_id})"
    )
    assert lines[1].startswith("line 35: review #") and lines[1].endswith(
        "no invoice number in the purpose and the payer's BIN (850101300123) is not known"
    )
    assert lines[2].startswith("line 46: skipped #")
    assert lines[3].endswith("(1c): 1 booked, 1 review, 0 rejected, 0 duplicate, 1 skipped")
    waiting = BankLine.objects.get(status="review")

    code, out, _ = run(capsys, "--lang", "kk", "billing", "review", "list")
    (row,) = out.strip().splitlines()
    assert row.startswith(f"#{waiting.pk}\treview\t2026-03-01\t77\t50 500.00 KZT\t850101300123 ИП Жанаров Ерлан\t")
    assert row.endswith("мақсатында төлем шотының нөмірі жоқ, төлеушінің БСН-і (850101300123) белгісіз")

    other = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    code, _, err = run(capsys, "billing", "review", "assign", str(waiting.pk), "HOSTER-KZ")
    assert (
        code == 1 and err.strip() == "error: account: the payment is in KZT, account prepaid HOSTER-KZ is kept in USD"
    )
    assert balance_of(other) == Money.zero("USD")

    code, out, _ = run(capsys, "billing", "review", "assign", str(waiting.pk), f"@{kzt_deposit.pk}")
    assert code == 0 and "booked" in out
    assert balance_of(kzt_deposit) == Money.of("200500.00", "KZT")
    code, _, err = run(capsys, "billing", "review", "assign", str(waiting.pk), "PS-KZ")
    assert code == 1 and err.strip() == f"error: line: line {waiting.pk} is not waiting for review (it is booked)"
    assert balance_of(kzt_deposit) == Money.of("200500.00", "KZT")
    assert run(capsys, "billing", "review", "list")[1] == ""
    code, out, _ = run(capsys, "billing", "review", "list", "--all")
    assert len(out.strip().splitlines()) == 3


def test_reject_closes_a_line_without_booking(capsys, kzt_deposit):
    run(capsys, "billing", "import", str(DATA / "statement.csv"))
    line = BankLine.objects.get(number="9001")
    code, out, _ = run(capsys, "billing", "review", "reject", str(line.pk), "--note", "returned  by the bank")
    assert (code, out.strip()) == (0, f"line #{line.pk} rejected")
    line.refresh_from_db()
    assert (line.status, line.reason, line.transaction_id) == ("rejected", "returned by the bank", None)
    code, _, err = run(capsys, "billing", "review", "reject", str(line.pk))
    assert code == 1 and "not waiting for review (it is rejected)" in err
    code, _, err = run(capsys, "billing", "review", "assign", "999999", "PS-KZ")
    assert code == 1 and err.strip() == "error: line: bank statement line not found: 999999"
    assert not Transaction.objects.exists()


def test_import_refusals_print_every_line_and_exit_1(capsys, kzt_deposit):
    code, out, err = run(capsys, "billing", "import", str(DATA / "statement-1c-broken.txt"))
    assert code == 1 and out == ""
    assert err.splitlines()[0] == "error: line 5: Дата is not valid: 31.02.2026" and len(err.splitlines()) == 7
    code, _, err = run(capsys, "billing", "import", str(DATA / "nothing-here.txt"))
    assert code == 1 and err.strip().endswith("nothing-here.txt (No such file or directory)")
    code, _, err = run(capsys, "billing", "import", str(DATA / "statement.csv"), "--currency", "EUR")
    assert code == 1 and err.strip() == "error: currency: unknown currency: EUR (allowed: KZT, USD)"
    run(capsys, "billing", "import", str(DATA / "statement.csv"))
    code, _, err = run(capsys, "--lang", "ru", "billing", "import", str(DATA / "statement.csv"))
    assert code == 1 and "этот файл уже загружен" in err


def test_payer_list_and_remove(capsys, kzt_deposit):
    run(capsys, "billing", "payer", "set", "040340001234", "PS-KZ")
    code, out, _ = run(capsys, "billing", "payer", "list")
    assert out == f"040340001234\t@{kzt_deposit.pk} prepaid PS-KZ\t\n"
    code, _, err = run(capsys, "billing", "payer", "set", "0403400012", "PS-KZ")
    assert code == 1 and err.strip() == "error: bin: a BIN/IIN is 12 digits: 0403400012"
    assert run(capsys, "billing", "payer", "remove", "040340001234")[0] == 0
    assert not Payer.objects.exists()
    code, _, err = run(capsys, "billing", "payer", "remove", "040340001234")
    assert code == 1 and err.strip() == "error: bin: payer not found: 040340001234"
