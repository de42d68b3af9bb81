"""`kzreg billing …` for registry staff: accounts, payments, limits, rates, prices, and the ledger check
that names any account whose balance is not the sum of its entries (issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection

from kzreg.billing.models import Account, ExchangeRate, Price, Transaction
from kzreg.billing.money import Money
from kzreg.cli import main
from tests.billing.conftest import balance_of

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_open_pay_limit_and_balance(capsys, registrar):
    code, out, _ = run(capsys, "billing", "open", "ps-kz", "usd")
    assert code == 0 and "prepaid PS-KZ" in out and "limit 0.00 USD" in out
    code, out, _ = run(capsys, "billing", "payment", "PS-KZ", "1500.50", "USD", "--reference", "PP 1234  of 1 March")
    assert code == 0 and "1 500.50 USD" in out
    account = Account.objects.get(holder_key=str(registrar.id))
    assert Transaction.objects.get(kind="payment").reference == "PP 1234 of 1 March"
    code, out, _ = run(capsys, "billing", "credit-limit", f"@{account.pk}", "500", "USD")
    assert code == 0 and "available 2 000.50 USD" in out
    code, out, _ = run(capsys, "billing", "balance", "PS-KZ")
    assert out.strip() == f"@{account.pk}\tprepaid PS-KZ\t1 500.50 USD\tlimit 500.00 USD\tavailable 2 000.50 USD"
    code, out, _ = run(capsys, "billing", "balance")
    assert out.count("\n") == 1 and "PS-KZ" in out
    code, out, _ = run(capsys, "billing", "low-balance", "PS-KZ", "300", "USD")
    assert (code, out.strip()) == (0, "prepaid PS-KZ: low-balance message under 300.00 USD")
    assert Account.objects.get(pk=account.pk).low_balance_minor == 30000
    code, _, err = run(capsys, "billing", "low-balance", "PS-KZ", "300")
    assert code == 1 and err.strip() == "error: currency: is required"
    run(capsys, "billing", "low-balance", "PS-KZ")
    assert Account.objects.get(pk=account.pk).low_balance_minor is None


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ("payment", "PS-KZ", "10.001", "USD"),
            "error: amount: not a valid amount: 10.001 (down to the currency's minor unit, e.g. 100.50)",
        ),
        (("payment", "PS-KZ", "10", "EUR"), "error: currency: unknown currency: EUR (allowed: KZT, USD)"),
        (("payment", "PS-KZ", "-5", "USD"), "error: amount: the amount must be more than zero: -5.00"),
        (
            ("payment", "PS-KZ", "10", "KZT"),
            "error: currency: account prepaid PS-KZ is kept in USD, the entry is in KZT",
        ),
        (("payment", "NOSUCH", "10", "USD"), "error: handle: registrar not found: NOSUCH"),
        (("payment", "@999999", "10", "USD"), "error: account: account not found: @999999"),
        (("credit-limit", "PS-KZ", "-1", "USD"), "error: amount: the amount must not be negative: -1.00"),
        (("open", "PS-KZ", "KZT"), "error: account: PS-KZ already has an account (USD)"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(capsys, registrar, argv, expected):
    run(capsys, "billing", "open", "PS-KZ", "USD")
    before = (Transaction.objects.count(), list(Account.objects.values_list("balance_minor", "credit_limit_minor")))
    code, _, err = run(capsys, "billing", *argv)
    assert code == 1 and err.strip() == expected
    assert (
        Transaction.objects.count(),
        list(Account.objects.values_list("balance_minor", "credit_limit_minor")),
    ) == before


def test_errors_in_kazakh(capsys, registrar):
    code, _, err = run(capsys, "--lang", "kk", "billing", "payment", "PS-KZ", "10", "USD")
    assert code == 1 and err.strip() == "error: account: PS-KZ үшін алдын ала төлем шоты ашылмаған"


def test_payments_go_to_deposits_only(capsys, registrar):
    """The registry's own accounts (@N of its bank or revenue) take no payment: that would be a self-transfer."""
    run(capsys, "billing", "open", "PS-KZ", "USD")
    run(capsys, "billing", "payment", "PS-KZ", "10", "USD")
    bank = Account.objects.get(kind="bank")
    code, _, err = run(capsys, "billing", "payment", f"@{bank.pk}", "10", "USD")
    assert code == 1 and "no prepaid account" in err


def test_check_passes_then_names_a_balance_tampered_with_by_raw_sql(capsys, registrar, prepaid, make_domain):
    make_domain("checked.kz")
    code, out, _ = run(capsys, "billing", "check")
    assert (code, out.strip()) == (0, "ok: 3 accounts, 2 transactions")
    with connection.cursor() as cursor:  # balances are not append-only rows: the check is what catches this
        cursor.execute("UPDATE billing_account SET balance_minor = balance_minor + 1 WHERE id = %s", [prepaid.pk])
    code, out, _ = run(capsys, "billing", "check")
    assert code == 1
    assert f"DIFFERS @{prepaid.pk} prepaid PS-KZ: balance 70.01 USD, entries add up to 70.00 USD" in out
    assert out.strip().endswith("FAILED: 3 accounts, 2 transactions")


def test_rates_and_prices(capsys, registrar, frozen_clock):
    code, out, _ = run(capsys, "billing", "rate", "usd", "kzt", "512.34", "--day", "2026-03-01")
    assert code == 0 and str(ExchangeRate.objects.get().rate) == "512.34000000"
    code, _, err = run(capsys, "billing", "rate", "USD", "USD", "0")
    assert code == 1 and "target:" in err and "rate: is not valid: 0" in err
    code, out, _ = run(capsys, "billing", "price", "қаз", "renew", "2", "50", "USD", "--from", "2026-03-01")
    assert code == 0 and Price.objects.get().zone == "xn--80ao21a"
    code, out, _ = run(capsys, "billing", "quote", "xn--80ao21a", "renew", "2", "--registrar", "PS-KZ")
    assert code == 0 and "renew xn--80ao21a 2y 50.00 USD" in out
    code, _, err = run(capsys, "billing", "price", "org", "sell", "0", "50", "USD")
    lines = err.strip().splitlines()
    assert lines == [
        "error: zone: zone org is not served by this registry",
        "error: command: not a fee-bearing command: sell (allowed: create, renew, transfer, restore)",
        "error: years: period must be 1 to 10 years: 0",
    ]
    assert Price.objects.count() == 1


def test_a_payment_makes_a_registrar_short_of_funds_able_to_register(capsys, registrar, make_domain):
    run(capsys, "billing", "open", "PS-KZ", "USD")
    with pytest.raises(Exception, match="insufficient funds"):
        make_domain("later.kz")
    run(capsys, "billing", "payment", "PS-KZ", "30", "USD")
    make_domain("later.kz")
    assert balance_of(Account.objects.get(kind="prepaid")) == Money.of("0", "USD")


def test_statement_lists_a_deposits_entries_with_their_causes(capsys, registrar, prepaid, make_domain, frozen_clock):
    make_domain("stated.kz", period=2)
    code, out, _ = run(capsys, "billing", "statement", "PS-KZ")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 3 and "available 40.00 USD" in lines[0]
    assert lines[1].endswith("fee\t-60.00 USD\tdomain_create stated.kz create")
    assert lines[2].endswith("payment\t100.00 USD\ttest deposit")
    code, _, err = run(capsys, "billing", "statement", "PS-KZ", "--limit", "0")
    assert code == 1 and err.strip() == "error: limit: is not valid: 0"


def test_check_names_a_transaction_made_unbalanced_by_a_raw_insert(capsys, prepaid):
    """Entries cannot be changed, but a raw INSERT could still add one: the check catches it too."""
    tx = Transaction.objects.get(kind="payment")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_entry (transaction_id, account_id, amount_minor, currency) VALUES (%s, %s, 5, 'USD')",
            [tx.pk, prepaid.pk],
        )
    code, out, _ = run(capsys, "billing", "check")
    assert code == 1
    assert f"UNBALANCED transaction #{tx.pk}: 0.05 USD" in out
    assert f"DIFFERS @{prepaid.pk} prepaid PS-KZ: balance 100.00 USD, entries add up to 100.05 USD" in out
