"""Credit limits and low-balance thresholds change with an audit trail (issue 11: money must be
auditable): who, when, old, new, why, append-only in the database, shown by `kzreg billing limits` and on
the account's back-office page; `kzreg billing check` names a limit changed behind the trail's back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kzreg.billing.books import open_reseller_deposit
from kzreg.billing.limits import set_credit_limit, trail_differences
from kzreg.billing.models import LimitChange
from kzreg.billing.money import Money
from kzreg.cli import main
from kzreg.core import clock

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
    changes = list(LimitChange.objects.order_by("id"))
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
    assert lines[1].startswith("2026-03-01 09:00\tcredit_limit\t0.00 USD → 500.00 USD\t")
    assert lines[1].endswith("contract addendum 3")
    assert "\tlow_balance\t300.00 USD → -\t" in lines[3]


def test_a_refused_change_records_nothing(capsys, prepaid):
    code, _, err = run(capsys, "billing", "credit-limit", "PS-KZ", "500", "KZT")
    assert code == 1 and "error: currency:" in err
    code, _, err = run(capsys, "billing", "credit-limit", "PS-KZ", "-5", "USD")
    assert code == 1 and "amount" in err
    assert not LimitChange.objects.exists()


def test_a_resellers_deposit_in_its_registrars_book_has_its_trail_too(capsys, reseller):
    deposit = open_reseller_deposit(reseller, "KZT", clock.now())
    code, _, err = run(capsys, "billing", "credit-limit", "ALPHA", "100000", "KZT", "--reason", "trusted")
    assert code == 0, err
    change = LimitChange.objects.get()
    assert change.account_id == deposit.pk and change.new == Money.of("100000", "KZT")


def test_the_database_refuses_to_change_or_delete_the_trail(prepaid):
    set_credit_limit(prepaid, Money.of("10", "USD"), "t", clock.now(), "x")
    for sql in ("UPDATE billing_limitchange SET new_minor = 0", "DELETE FROM billing_limitchange"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert LimitChange.objects.get().new_minor == 1000


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
