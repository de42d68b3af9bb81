"""The registry fee's charge sent with a registration's writes and its COMMIT (issue 11's speed, ADR 0006):
on PostgreSQL the charge statement goes into the registration's last write pipeline, behind the domain,
and when the registration is a transaction of its own the COMMIT goes with them (`guards.after_soon`). A
refusal is raised by the statement (`billing_refuse_charge`, SQLSTATE KZ104): the transaction aborts, the
queued COMMIT commits nothing, and the caller gets the same 2104 / "quote used" as from `after`.
PostgreSQL only (SQLite charges in `after` through `ledger.post`, tests/billing/test_fee_guard.py)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from psycopg._pipeline_base import BasePipeline

from kzreg.billing import fees, guard, guard_reads, posting
from kzreg.billing.audit import check_ledger
from kzreg.billing.books import open_prepaid, own_account
from kzreg.billing.models import Account, AccountKind, Entry, QuoteUse, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registry import rows
from kzreg.registry.commands import AgreedFee
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_domain
from tests.billing.conftest import fund
from tests.billing.test_fee_agreed import agreed
from tests.billing.test_quotes_single_use import quoted
from tests.conftest import domain_command, org_contact, person

DIRECT_INVOICES = "kzreg.billing.direct.DirectRegistrantInvoices"  # the other guard, left in for the uncharged
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
# serialized_rollback: the zones from the data migration come back after the flush, for the tests after these.
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="the charge sent with the writes is PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def deposit(registrar) -> Account:
    """USD 100.00, no credit, its revenue account opened (a charge that opens it goes through `ledger.post`)."""
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    fund(account, "100.00")
    own_account(account.book, AccountKind.REVENUE, "USD", clock.now())
    account.refresh_from_db()
    return account


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The object-id expressions of the charges sent with the writes: riding in the domain's INSERT
    (`rider_parts`) or as a statement of their own behind it (`send_charge`)."""
    made: list[str] = []
    for name in ("send_charge", "rider_parts"):
        original = getattr(guard, name)

        def counted(*args, original=original):  # type: ignore[no-untyped-def]
            made.append(args[-1])
            return original(*args)

        monkeypatch.setattr(guard, name, counted)
    return made


@pytest.fixture
def syncs(monkeypatch) -> list[int]:
    """Round trips: pipeline Syncs and statements sent outside a pipeline (as bench_charged_create counts)."""
    count = [0]
    sync, execute = BasePipeline._enqueue_sync, psycopg.Cursor.execute

    def counted_sync(pipeline):  # type: ignore[no-untyped-def]
        count[0] += 1
        return sync(pipeline)

    def counted_execute(cursor, *args, **kwargs):  # type: ignore[no-untyped-def]
        if cursor._conn._pipeline is None:
            count[0] += 1
        return execute(cursor, *args, **kwargs)

    monkeypatch.setattr(BasePipeline, "_enqueue_sync", counted_sync)
    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    return count


def command(name: str, n: int = 1):  # type: ignore[no-untyped-def]
    return domain_command(name, registrant=org_contact(400 + n), admin=person(400 + n))


def spend_after_check(monkeypatch, account: Account, minor: int) -> None:
    """Takes the deposit's balance to `minor` right after the guard's check (in the operation's transaction),
    as a concurrent charge would: the check found the money, the charge does not."""
    check = guard.RegistryFees.check

    def check_then_spend(self, ctx, target):  # type: ignore[no-untyped-def]
        problems = list(check(self, ctx, target))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_account SET balance_minor = %s WHERE id = %s", [minor, account.pk])
        return problems

    monkeypatch.setattr(guard.RegistryFees, "check", check_then_spend)


def test_a_registration_of_its_own_sends_its_charge_with_the_writes_and_the_commit(
    deposit, registrar, registrar_actor, sent, syncs
):
    create_domain(command("warm.kz", 1), registrar_actor)  # caches (zones, the registrar) filled
    quote = fees.quote("kz", "create", 1, registrar.id)
    syncs[0] = 0
    domain = create_domain(quoted("paid.kz", quote.id), registrar_actor).object
    assert syncs[0] == 2  # the reads (with BEGIN and the guard's read); the writes, the charge and COMMIT
    assert len(sent) == 2 and "FROM parent" in sent[-1]  # the charge rode in the domain's own INSERT
    assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    tx = Transaction.objects.get(object_key="paid.kz")
    assert (tx.kind, tx.object_type, tx.object_id, tx.quote_id, tx.fee_command, tx.years) == (
        "fee",
        "domain",
        domain.pk,
        quote.id,
        "create",
        1,
    )
    assert QuoteUse.objects.filter(quote_id=quote.id).exists()
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("40.00", "USD")
    assert check_ledger().ok


def test_a_registration_with_an_agreed_fee_is_two_round_trips_as_an_uncharged_one(
    deposit, registrar_actor, sent, syncs
):
    """The quote agreed in the create (`fee_agreed`, ADR 0010): priced with the reads, charged with the
    writes and the COMMIT; no stored quote, so no round trip before the create."""
    create_domain(command("warm.kz", 1), registrar_actor)
    syncs[0] = 0
    domain = create_domain(agreed("agreed.kz", "30.00"), registrar_actor).object
    assert syncs[0] == 2 and len(sent) == 2
    tx = Transaction.objects.get(object_key="agreed.kz")
    assert (tx.object_id, tx.quote_id, tx.fee_command, tx.years) == (domain.pk, "", "create", 1)
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("40.00", "USD") and check_ledger().ok


def test_the_read_and_the_charge_ride_in_the_registrations_own_statements(deposit, registrar_actor, monkeypatch):
    """A charged registration sends as many statements as an uncharged one: the guard's read joins the name's
    look-up (`guards.ride_reads`) and the charge is part of the domain's own INSERT (`guards.ride`), answered
    with its key; the rows are the charge's."""
    statements: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        statements.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    def agreed_command(name: str, n: int):  # type: ignore[no-untyped-def]
        return dataclasses.replace(command(name, n), fee_agreed=AgreedFee(Decimal("30.00"), "USD"))

    create_domain(command("warm.kz", 1), registrar_actor)
    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    with override_settings(KZREG={**settings.KZREG, "OPERATION_GUARDS": [DIRECT_INVOICES]}):
        create_domain(agreed_command("plain.kz", 2), registrar_actor)  # new contacts, as the next one
    uncharged, statements[:] = list(statements), []
    domain = create_domain(agreed_command("rides.kz", 3), registrar_actor).object
    assert len(statements) == len(uncharged)
    (insert,) = [s for s in statements if "INSERT INTO" in s and "registry_domain" in s]
    assert "billing_entry" in insert and "billing_refuse_charge" in insert
    tx = Transaction.objects.get(object_key="rides.kz")
    assert tx.object_id == domain.pk and tx.entries.count() == 2
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("40.00", "USD") and check_ledger().ok  # warm.kz and rides.kz


def test_a_ledger_written_elsewhere_is_not_joined_to_the_registrys_statements(
    deposit, registrar_actor, sent, syncs, monkeypatch
):
    """Where the ledger's writes go to another connection than the registry's (`guard_reads.alias`), the read
    and the charge do not ride: the read is sent from `prefetch`, the charge behind the domain's INSERT
    (`after_soon`, its object id by `currval`) — here the same connection really, so both still travel in
    the registration's two round trips, and the rows are the same."""
    monkeypatch.setattr(guard_reads, "alias", lambda: "elsewhere")
    create_domain(command("warm.kz", 1), registrar_actor)
    syncs[0] = 0
    domain = create_domain(agreed("apart.kz", "30.00"), registrar_actor).object
    assert syncs[0] == 2
    assert len(sent) == 2 and all("currval" in key for key in sent)
    tx = Transaction.objects.get(object_key="apart.kz")
    assert (tx.object_id, tx.fee_command, tx.years) == (domain.pk, "create", 1) and tx.entries.count() == 2
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("40.00", "USD") and check_ledger().ok


def test_an_agreed_fee_refused_by_the_statement_is_2104_and_changes_nothing(
    deposit, registrar_actor, sent, monkeypatch
):
    spend_after_check(monkeypatch, deposit, 1000)  # the check found USD 100, the charge finds 10
    domains = Domain.objects.count()
    with pytest.raises(OperationFailed) as refused:
        create_domain(agreed("short.kz", "30.00"), registrar_actor)
    assert len(sent) == 1 and refused.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("100.00", "USD") and Domain.objects.count() == domains
    assert check_ledger().ok


def test_the_charge_sent_with_the_writes_writes_what_after_writes(
    deposit, registrar, registrar_actor, sent, monkeypatch
):
    create_domain(command("sent.kz", 1), registrar_actor)
    monkeypatch.setattr(guard, "can_send_charge", lambda account: False)  # `after`: the one statement alone
    create_domain(command("after.kz", 2), registrar_actor)
    assert len(sent) == 1
    skip = {"id", "object_id", "object_key", "created_at"}
    fields = [f.attname for f in Transaction._meta.concrete_fields if f.attname not in skip]
    by_name = {tx.object_key: tx for tx in Transaction.objects.filter(kind="fee")}
    assert [getattr(by_name["sent.kz"], f) for f in fields] == [getattr(by_name["after.kz"], f) for f in fields]
    for name, tx in by_name.items():
        assert tx.object_id == Domain.objects.get(name=name).pk
    entries = {
        name: sorted(Entry.objects.filter(transaction=tx).values_list("account_id", "amount_minor", "currency"))
        for name, tx in by_name.items()
    }
    assert entries["sent.kz"] == entries["after.kz"] and len(entries["sent.kz"]) == 2
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("40.00", "USD") and check_ledger().ok


@pytest.mark.parametrize("own_transaction", [True, False])
def test_a_charge_refused_by_the_statement_is_2104_and_changes_nothing(
    deposit, registrar, registrar_actor, sent, monkeypatch, own_transaction
):
    quote = fees.quote("kz", "create", 1, registrar.id)
    transactions, domains = Transaction.objects.count(), Domain.objects.count()
    spend_after_check(monkeypatch, deposit, 1000)  # USD 10.00 left: the fee is 30
    with pytest.raises(OperationFailed) as refused:
        if own_transaction:
            create_domain(quoted("short.kz", quote.id), registrar_actor)
        else:  # inside an adapter's transaction: the operation is a savepoint, the charge still rides along
            with transaction.atomic():
                create_domain(quoted("short.kz", quote.id), registrar_actor)
    assert len(sent) == 1
    assert [p.code for p in refused.value.problems] == [BillingCode.INSUFFICIENT_FUNDS]
    assert refused.value.problems[0].params["needed"] == str(Money.of("30.00", "USD"))
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("100.00", "USD")  # the spend in the same transaction rolled back too
    assert (Transaction.objects.count(), Domain.objects.count()) == (transactions, domains)
    assert not QuoteUse.objects.filter(quote_id=quote.id).exists()
    assert check_ledger().ok


def test_a_quote_used_since_the_check_is_refused_by_the_statement(deposit, registrar):
    quote = fees.quote("kz", "create", 1, registrar.id)
    revenue = Account.objects.get(book_id=deposit.book_id, kind=AccountKind.REVENUE, currency="USD")
    now = clock.now()
    row = {"book_id": deposit.book_id, "kind": "fee", "principal": "tester", "operation": "domain_create",
           "object_type": "domain", "object_key": "late.kz", "fee_command": "create", "years": 1,
           "quote_id": quote.id, "created_at": now}  # fmt: skip
    assert fees.use_once(quote.id, now)
    with pytest.raises(Exception) as raised, transaction.atomic(), rows.pipeline(model=Account):
        assert posting.can_send_charge(deposit)
        posting.send_charge(deposit.book, deposit, revenue, Money.of("30.00", "USD"), row, quote.id, "7")
    assert posting.refusal(raised.value) == posting.QUOTE_USED
    assert posting.refusal(ValueError("not ours")) is None
    assert Transaction.objects.filter(object_key="late.kz").count() == 0


def test_a_low_balance_threshold_keeps_the_charge_in_after(deposit, registrar_actor, sent):
    """The low-balance message is decided on the balance after the charge: such a deposit is charged in
    `after`, which may still queue it before the COMMIT."""
    Account.objects.filter(pk=deposit.pk).update(low_balance_minor=5000)
    create_domain(command("low.kz", 1), registrar_actor)
    assert sent == []
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("70.00", "USD")
