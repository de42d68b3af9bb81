"""Credit limits and low-balance thresholds change with an audit trail (issue 11: money must be
auditable): who, when, old, new, why, append-only in the database, shown by `kzreg billing limits` and on
the account's back-office page; opening an account writes its trail's first row in the same transaction
(accounts opened before: migration 0012); `kzreg billing check` names a limit changed behind the trail's
back, and an account with a limit but no trail."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kzreg.billing.books import open_prepaid, open_reseller_deposit, prepaid_account, reseller_deposit
from kzreg.billing.limits import set_credit_limit, trail_differences
from kzreg.billing.models import Account, AccountKind, LimitChange
from kzreg.billing.money import Money
from kzreg.cli import main
from kzreg.core import clock
from kzreg.core.errors import OperationFailed

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_change_is_recorded_with_who_when_old_new_and_why(capsys, prepaid, frozen_clock):
    code, _, err = run(capsys, "billing", "credit-limit", "PS-KZ", "500", "USD", "--reason", "contract addendum 3")
    assert code == 0, err
    code, _, _ = run(capsys, "billing", "credit-limit", "PS-KZ", "500.00", "USD")  # the same value: no row
    code, _, _ = run(capsys, "billing", "low-balance", f"@{prepaid.pk}", "300", "USD", "--reason", "asked by PS")
    code, _, _ = run(capsys, "billing", "low-balance", "PS-KZ")  # off
    opening, *changes = list(LimitChange.objects.order_by("id"))
    assert (opening.field, opening.old, opening.new, opening.reason) == ("credit_limit", None, Money.of("0", "USD"),
                                                                       "opened")  # fmt: skip
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("credit_limit", Money.of("0", "USD"), Money.of("500", "USD")),
        ("low_balance", None, Money.of("300", "USD")),
        ("low_balance", Money.of("300", "USD"), None),
    ]
    assert changes[0].reason == "contract addendum 3" and changes[0].changed_by.endswith("(cli)")
    assert changes[0].changed_at == clock.now()
    code, out, _ = run(capsys, "billing", "limits", "PS-KZ")
    lines = out.strip().splitlines()
    assert code == 0 and "limit 500.00 USD" in lines[0] and lines[0].endswith("low-balance -")
    assert "\tcredit_limit\t- → 0.00 USD\t" in lines[1] and lines[1].endswith("opened")
    assert lines[2].startswith("2026-03-01 09:00\tcredit_limit\t0.00 USD → 500.00 USD\t")
    assert lines[2].endswith("contract addendum 3")
    assert "\tlow_balance\t300.00 USD → -\t" in lines[4]


def test_a_refused_change_records_nothing(capsys, prepaid):
    code, _, err = run(capsys, "billing", "credit-limit", "PS-KZ", "500", "KZT")
    assert code == 1 and "error: currency:" in err
    code, _, err = run(capsys, "billing", "credit-limit", "PS-KZ", "-5", "USD")
    assert code == 1 and "amount" in err
    assert list(LimitChange.objects.values_list("reason", flat=True)) == ["opened"]  # the opening's row only


def test_a_resellers_deposit_in_its_registrars_book_has_its_trail_too(capsys, reseller):
    deposit = open_reseller_deposit(reseller, "KZT", clock.now())
    code, _, err = run(capsys, "billing", "credit-limit", "ALPHA", "100000", "KZT", "--reason", "trusted")
    assert code == 0, err
    opening, change = LimitChange.objects.filter(account=deposit).order_by("id")
    assert (opening.old, opening.new, opening.changed_at) == (None, Money.of("0", "KZT"), deposit.created_at)
    assert change.old == Money.of("0", "KZT") and change.new == Money.of("100000", "KZT")


def test_the_database_refuses_to_change_or_delete_the_trail(prepaid):
    set_credit_limit(prepaid, Money.of("10", "USD"), "t", clock.now(), "x")
    for sql in ("UPDATE billing_limitchange SET new_minor = 0", "DELETE FROM billing_limitchange"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert LimitChange.objects.order_by("id").last().new_minor == 1000


def test_check_names_a_limit_changed_behind_the_trails_back(capsys, prepaid):
    set_credit_limit(prepaid, Money.of("10", "USD"), "t", clock.now(), "x")
    assert run(capsys, "billing", "check")[0] == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE billing_account SET credit_limit_minor = 999999 WHERE id = %s", [prepaid.pk])
    assert len(trail_differences()) == 1
    code, out, _ = run(capsys, "billing", "check")
    assert code == 1
    assert f"LIMIT DIFFERS @{prepaid.pk} prepaid PS-KZ: credit_limit 9 999.99 USD, its history says 10.00 USD" in out
    assert "FAILED:" in out


def test_the_accounts_back_office_page_shows_its_history(prepaid, frozen_clock):
    set_credit_limit(prepaid, Money.of("750", "USD"), "kaznic-op (cli)", clock.now(), "new contract")
    client = Client()
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    page = client.get(f"/admin/billing/account/{prepaid.pk}/change/").content.decode()
    assert "new contract" in page and "750.00 USD" in page and "kaznic-op (cli)" in page


def test_opening_an_account_writes_its_trails_first_row(capsys, registrar, reseller):
    code, _, err = run(capsys, "billing", "open", "PS-KZ", "USD", "--credit-limit", "250")
    assert code == 0, err
    account = prepaid_account(registrar.id)
    code, _, err = run(capsys, "billing", "open", "ALPHA", "KZT")
    assert code == 0, err
    deposit = reseller_deposit(reseller)
    rows = list(LimitChange.objects.order_by("id"))
    assert [(r.account_id, r.field, r.old, r.new, r.reason) for r in rows] == [
        (account.pk, "credit_limit", None, Money.of("250", "USD"), "opened"),
        (deposit.pk, "credit_limit", None, Money.of("0", "KZT"), "opened"),
    ]
    assert rows[0].changed_at == account.created_at and rows[0].changed_by.endswith("(cli)")
    code, out, _ = run(capsys, "billing", "check")
    assert code == 0 and "LIMIT" not in out


def test_a_refused_opening_writes_no_row_and_a_failed_row_opens_no_account(registrar, reseller, monkeypatch):
    with pytest.raises(OperationFailed):
        open_prepaid(registrar.id, registrar.handle, "USD", clock.now(), credit_limit=Money.of("5", "KZT"))
    assert not LimitChange.objects.exists()

    def broken(*args, **kwargs):
        raise DatabaseError("the trail could not be written")

    monkeypatch.setattr(LimitChange.objects, "bulk_create", broken)
    with pytest.raises(DatabaseError):
        open_reseller_deposit(reseller, "KZT", clock.now())
    assert reseller_deposit(reseller) is None  # one transaction: no account without its trail


def test_check_names_an_account_with_a_limit_and_no_trail(capsys, prepaid):
    assert trail_differences() == []
    bare = Account.objects.create(book=prepaid.book, kind=AccountKind.PREPAID, holder_key="999", name="prepaid bare",
                                  currency="USD", credit_limit_minor=0, created_at=clock.now())  # fmt: skip
    # An account without a floor and without a trail: nothing to say about it.
    Account.objects.create(book=prepaid.book, kind=AccountKind.REVENUE, name="revenue", currency="USD",
                           created_at=clock.now())  # fmt: skip
    found = trail_differences()
    assert [(d.account.pk, d.field, d.value, d.trail) for d in found] == [
        (bare.pk, "credit_limit", Money.of("0", "USD"), None)
    ]
    code, out, _ = run(capsys, "billing", "check")
    assert code == 1 and f"LIMIT DIFFERS @{bare.pk} prepaid bare: credit_limit 0.00 USD, its history says none" in out


def test_the_migration_writes_a_first_row_only_where_it_is_true(prepaid, reseller):
    """Accounts opened before opening wrote rows: one without any row of a field gets one (its value now);
    one with changes gets none (its first change's old is the value before it); a NULL needs none."""
    set_credit_limit(prepaid, Money.of("10", "USD"), "t", clock.now(), "x")
    deposit = open_reseller_deposit(reseller, "KZT", clock.now(), credit_limit=Money.of("7", "KZT"))
    with connection.cursor() as cursor:  # as the accounts were before: a threshold set outside any trail
        cursor.execute("UPDATE billing_account SET low_balance_minor = 300 WHERE id = %s", [deposit.pk])
    old = Account.objects.create(book=prepaid.book, kind=AccountKind.PREPAID, holder_key="998", name="prepaid old",
                                 currency="USD", credit_limit_minor=5000, created_at=clock.now())  # fmt: skip
    before = set(LimitChange.objects.values_list("id", flat=True))
    migration = importlib.import_module("kzreg.billing.migrations.0012_limit_trail_first_rows")
    migration.first_rows(django_apps, None)
    written = LimitChange.objects.exclude(id__in=before).order_by("id")
    assert [(r.account_id, r.field, r.old_minor, r.new_minor) for r in written] == [
        (old.pk, "credit_limit", None, 5000),
        (deposit.pk, "low_balance", None, 300),
    ]
    assert all(r.changed_by == "migration billing 0012" for r in written)
    assert trail_differences() == []
    migration.first_rows(django_apps, None)  # again: nothing more
    assert LimitChange.objects.exclude(id__in=before).count() == 2
