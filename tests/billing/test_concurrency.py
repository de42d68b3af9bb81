"""Parallel charges never take a prepaid account past its credit limit (issue 11): the guarded UPDATE lets
the database decide, on PostgreSQL with real concurrent transactions."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections, transaction

from kzreg.billing import ledger
from kzreg.billing.audit import check_ledger
from kzreg.billing.books import open_prepaid, own_account
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.registry.commands import AgreedFee
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_domain
from tests.billing.conftest import fund
from tests.conftest import domain_command, org_contact, person

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
# Skipped before any fixture runs: on SQLite the test database is emptied with DELETE, which the ledger refuses.
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8


def race(attempt: Callable[[int], object]) -> list[object]:
    """`attempt(n)` in THREADS threads released together, each on its own connection."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcome: object = attempt(n)
        except OperationFailed as exc:
            outcome = exc.codes
        except Exception as exc:  # a bug: the caller's assertion shows it
            outcome = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def charge(account_id: int, amount: str) -> str:
    with transaction.atomic():
        account = Account.objects.select_related("book").get(pk=account_id)
        revenue = own_account(account.book, AccountKind.REVENUE, "USD", clock.now())
        fee = Money.of(amount, "USD")
        ledger.post(account.book, Cause(kind="fee", principal="race"), [(account, -fee), (revenue, fee)], clock.now())
    return "charged"


def test_parallel_charges_stop_at_the_credit_limit(registrar):
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now(), credit_limit=Money.of("20", "USD"))
    fund(account, "100.00")
    own_account(account.book, AccountKind.REVENUE, "USD", clock.now())  # opened before the race
    outcomes = race(lambda n: charge(account.pk, "30.00"))
    assert sorted(map(str, outcomes)) == sorted(["charged"] * 4 + [str({BillingCode.INSUFFICIENT_FUNDS})] * 4)
    account.refresh_from_db()
    assert account.balance == Money.of("-20.00", "USD")  # 100 + 20 of credit = 4 × 30 − 0; never below −20
    assert check_ledger().ok


@pytest.mark.parametrize("revenue_opened, agree", [(False, False), (True, False), (True, True)])
def test_parallel_registrations_register_only_what_is_paid_for(registrar, revenue_opened, agree):
    """With the revenue account opened before the race every charge is the one statement sent with the
    registration's writes and COMMIT (a refusal raised by it); without, the first one opens it in `after`.
    `agree`: each create states the fee it agrees to (`fee_agreed`, priced in the create itself)."""
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    fund(account, "90.00")
    if revenue_opened:
        own_account(account.book, AccountKind.REVENUE, "USD", clock.now())
    actor = Actor("ps-operator", Role.REGISTRAR, Channel.EPP, registrar_id=registrar.id)

    def attempt(n: int) -> object:
        command = domain_command(f"race{n}.kz", registrant=org_contact(300 + n), admin=person(300 + n))
        if agree:
            command = dataclasses.replace(command, fee_agreed=AgreedFee(Decimal("30.00"), "USD"))
        return create_domain(command, actor).object.name

    outcomes = race(attempt)
    registered = sorted(o for o in outcomes if isinstance(o, str))
    assert len(registered) == 3, outcomes
    assert all(o == {BillingCode.INSUFFICIENT_FUNDS} for o in outcomes if not isinstance(o, str)), outcomes
    assert sorted(Domain.objects.values_list("name", flat=True)) == registered  # no domain without its charge
    assert sorted(Transaction.objects.filter(kind="fee").values_list("object_key", flat=True)) == registered
    account.refresh_from_db()
    assert account.balance_minor == 0 and check_ledger().ok


def test_parallel_charged_registrations_of_one_name_charge_only_the_winner(registrar):
    """The charge rides in the domain's own INSERT statement (`guards.ride`): the domain's row is inserted
    before the charge's expressions run, so the losers of the race for the name wait on its unique index
    before they lock the deposit, and fail with "already registered" (never a deadlock, never 2104), charged
    nothing."""
    from kzreg.core.messages import Code

    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    fund(account, "300.00")
    own_account(account.book, AccountKind.REVENUE, "USD", clock.now())
    actor = Actor("ps-operator", Role.REGISTRAR, Channel.EPP, registrar_id=registrar.id)

    def attempt(n: int) -> object:
        command = domain_command("one-name.kz", registrant=org_contact(500 + n), admin=person(500 + n))
        command = dataclasses.replace(command, fee_agreed=AgreedFee(Decimal("30.00"), "USD"))
        return create_domain(command, actor).object.name

    outcomes = race(attempt)
    assert outcomes.count("one-name.kz") == 1, outcomes
    assert all(o == {Code.ALREADY_REGISTERED} for o in outcomes if o != "one-name.kz"), outcomes
    assert list(Transaction.objects.filter(kind="fee").values_list("object_key", flat=True)) == ["one-name.kz"]
    account.refresh_from_db()
    assert account.balance == Money.of("270.00", "USD") and check_ledger().ok
