"""A registrar's own bank statements go into its own book (issue 11: a registrar gets its resellers'
payments by bank): matched by that book's invoice numbers or payer map, the rest queued in that book's
review; a line of one book is never booked to another book's account or invoice; the same file into two
books is two imports, twice into one book books nothing twice."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kzreg.billing.bankimport.importer import import_statement
from kzreg.billing.bankimport.payers import set_payer
from kzreg.billing.books import open_reseller_deposit, registrar_book, registry_book, reseller_deposit
from kzreg.billing.invoices import issue_invoice
from kzreg.billing.ledger import Cause
from kzreg.billing.models import BankLine, BankStatement, Entry, OwnerKind, Payer
from kzreg.billing.problems import BillingCode
from kzreg.billing.review import assign, assign_invoice, reject
from kzreg.cli import main
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registry.models import Registrar
from kzreg.resellers.models import Reseller
from tests.billing.conftest import balance_of
from tests.billing.invoice_helpers import BUYER, fee_line, issue
from tests.conftest import T0

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
ALPHA_BIN = "040340001234"  # the payer of line 481 in statement.csv


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def books(registrar, reseller, frozen_clock):
    """PS-KZ with its reseller ALPHA (a KZT deposit), and another registrar OTHER-KZ with BETA."""
    other = Registrar.objects.create(handle="OTHER-KZ", name="Other LLP", email="o@other.kz", created_at=T0)
    beta = Reseller.objects.create(
        registrar=other, handle="BETA", name="Beta", legal_name="Beta LLP", email="b@beta.kz", created_at=T0
    )
    open_reseller_deposit(reseller, "KZT", T0)
    open_reseller_deposit(beta, "KZT", T0)
    return dataclasses.make_dataclass("Books", ["ps", "other", "alpha", "beta"])(
        registrar_book(registrar, T0), registrar_book(other, T0), reseller, beta
    )


def test_a_registrars_statement_books_to_its_resellers_deposit_by_its_own_payer_map(capsys, books):
    statement = str(DATA / "statement.csv")
    code, _, err = run(capsys, "billing", "payer", "set", ALPHA_BIN, "alpha", "--book", "PS-KZ", "--name", "Alpha")
    assert code == 0, err
    code, out, err = run(capsys, "billing", "import", statement, "--book", "ps-kz")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("line 2: booked #") and "→ prepaid ALPHA" in lines[0]
    assert "review" in lines[1] and "into PS-KZ (registrar) (csv): 1 booked, 1 review" in lines[-1]
    deposit = reseller_deposit(books.alpha)
    assert str(balance_of(deposit)) == "150 000.00 KZT"
    assert {e.account.book_id for e in Entry.objects.filter(transaction__kind="payment").select_related("account")} == {
        books.ps.pk
    }
    # The registry's queue and the other registrar's are untouched; the same file again books nothing.
    assert not BankLine.objects.filter(book__owner_kind=OwnerKind.REGISTRY).exists()
    code, _, err = run(capsys, "billing", "import", statement, "--book", "PS-KZ")
    assert code == 1 and "this file was already imported" in err
    # Into the registry's book it is another import: its payer map does not know the BIN.
    code, out, _ = run(capsys, "billing", "import", statement)
    assert code == 0 and "0 booked, 2 review" in out
    assert BankStatement.objects.count() == 2 and str(balance_of(deposit)) == "150 000.00 KZT"
    code, out, _ = run(capsys, "billing", "review", "list", "--book", "PS-KZ")
    assert len(out.strip().splitlines()) == 1 and "9001" in out
    code, out, _ = run(capsys, "billing", "payer", "list", "--book", "PS-KZ")
    assert out.strip().startswith(f"{ALPHA_BIN}\t@{deposit.pk} prepaid ALPHA")
    code, out, _ = run(capsys, "billing", "payer", "list")
    assert out == ""


def test_a_line_is_never_booked_outside_its_book(capsys, books):
    import_statement((DATA / "statement.csv").read_bytes(), "s.csv", None, "KZT", "t", clock.now(), books.ps)
    line = BankLine.objects.get(number="9001")
    beta_deposit = reseller_deposit(books.beta)
    # Another registrar's reseller, by handle or by number, is not found in PS-KZ's book.
    code, _, err = run(capsys, "billing", "review", "assign", str(line.pk), "BETA", "--book", "PS-KZ")
    assert code == 1 and "error: account:" in err and "BETA" in err
    code, _, err = run(capsys, "billing", "review", "assign", str(line.pk), f"@{beta_deposit.pk}", "--book", "PS-KZ")
    assert code == 1 and f"@{beta_deposit.pk}" in err
    # The function refuses an account of another book whoever calls it.
    with pytest.raises(OperationFailed) as refused:
        assign(line.pk, beta_deposit, "t", clock.now(), books.ps)
    assert refused.value.problems[0].code == BillingCode.OTHER_BOOK
    # The line itself is not found from another book's queue, nor from the registry's.
    for other in (books.other, registry_book(clock.now())):
        with pytest.raises(OperationFailed) as refused:
            reject(line.pk, "t", clock.now(), "", other)
        assert refused.value.problems[0].field == "line"
    code, _, err = run(capsys, "billing", "review", "reject", str(line.pk), "--book", "OTHER-KZ")
    assert code == 1 and "line:" in err
    # A payer of PS-KZ's map cannot point at another book's account.
    with pytest.raises(OperationFailed):
        set_payer(ALPHA_BIN, beta_deposit, "", "t", clock.now(), books.ps)
    assert not Payer.objects.exists()
    line.refresh_from_db()
    assert line.status == "review" and line.transaction_id is None
    # Its own book's reseller: booked.
    code, _, err = run(capsys, "billing", "review", "assign", str(line.pk), "ALPHA", "--book", "PS-KZ")
    assert code == 0, err
    assert str(balance_of(reseller_deposit(books.alpha))) == "1 200.50 KZT"


def test_an_invoice_number_matches_only_the_books_own_invoice(books):
    registry_invoice = issue(currency="KZT", lines=[fee_line("1000.00", "KZT")])
    buyer = dataclasses.replace(BUYER, key=str(books.alpha.pk))
    seller = dataclasses.replace(BUYER, name="Internet-company PS LLP", bin="040340001234", key="")
    cause = Cause(kind="invoice", principal="t", reference="wholesale")
    own = issue_invoice(books.ps, buyer, [fee_line("2000.00", "KZT")], "KZT", "ru", clock.now(), cause, seller=seller)
    assert own.number == registry_invoice.number  # numbers are per book: the same text in two books
    purpose = f"Оплата по счёту {own.number}"
    data = f"number,date,amount,currency,payer_bin,purpose\n77,2026-03-01,{own.gross.plain},KZT,,{purpose}\n".encode()
    (line,) = import_statement(data, "b.csv", None, "KZT", "t", clock.now(), books.ps).lines
    assert line.status == "booked" and line.transaction.book_id == books.ps.pk
    own.refresh_from_db()
    registry_invoice.refresh_from_db()
    assert own.status == "paid" and registry_invoice.status == "issued"
    # From another registrar's book the number is not that book's invoice: review, then not found.
    (waiting,) = import_statement(data, "b.csv", None, "KZT", "t", clock.now(), books.other).lines
    assert waiting.status == "review"
    with pytest.raises(OperationFailed):
        assign_invoice(waiting.pk, own.number, "t", clock.now(), books.other)


def test_a_resellers_own_bin_matches_in_its_registrars_book_only(books):
    books.alpha.bin = "111111111111"
    books.alpha.save(update_fields=["bin"])
    books.beta.bin = "222222222222"
    books.beta.save(update_fields=["bin"])
    data = statement_rows(("1", "111111111111"), ("2", "222222222222"))
    lines = import_statement(data, "bins.csv", None, "KZT", "t", clock.now(), books.ps).lines
    assert [(line.status, line.account_id) for line in lines] == [
        ("booked", reseller_deposit(books.alpha).pk),
        ("review", None),  # BETA is another registrar's reseller
    ]
    # Into the registry's book a reseller's BIN means nothing.
    (registry_line, _) = import_statement(data, "bins.csv", None, "KZT", "t", clock.now()).lines
    assert registry_line.status == "review"
    # The payer map wins over the reseller's record; two resellers with one BIN match neither.
    gamma = Reseller.objects.create(registrar=books.alpha.registrar, handle="GAMMA", name="Gamma", legal_name="G",
                                    email="g@g.kz", created_at=T0, bin="333333333333")  # fmt: skip
    open_reseller_deposit(gamma, "KZT", T0)
    set_payer("111111111111", reseller_deposit(gamma), "", "t", clock.now(), books.ps)
    delta = Reseller.objects.create(registrar=books.alpha.registrar, handle="DELTA", name="Delta", legal_name="D",
                                    email="d@d.kz", created_at=T0, bin="333333333333")  # fmt: skip
    open_reseller_deposit(delta, "KZT", T0)
    data = statement_rows(("3", "111111111111"), ("4", "333333333333"))
    lines = import_statement(data, "more.csv", None, "KZT", "t", clock.now(), books.ps).lines
    assert [(line.status, line.account_id) for line in lines] == [
        ("booked", reseller_deposit(gamma).pk),
        ("review", None),
    ]


def statement_rows(*rows: tuple[str, str]) -> bytes:
    body = "".join(f"{n},2026-03-01,100.00,KZT,{payer_bin},deposit\n" for n, payer_bin in rows)
    return ("number,date,amount,currency,payer_bin,purpose\n" + body).encode()
