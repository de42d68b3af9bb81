"""Fee charges per second on PostgreSQL: the guarded UPDATE (`billing.ledger.post`) against a row lock
(SELECT … FOR UPDATE in id order, then a plain UPDATE), from one thread and from 8 threads charging the
same prepaid account (the contended case: one registrar's burst of registrations). ADR 0004 cites it.

Each charge is its own transaction: a transaction row, two entries, two balance changes. The database
is created when missing and migrated; ledger rows are append-only, so use a database of its own:

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_ledger .venv/bin/python bench/bench_ledger.py

Prints figures, asserts only that the books still balance afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charges", type=int, default=2000, help="charges per run")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    url = os.environ.get("KZREG_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set KZREG_DATABASE_URL=postgresql://… (a database of its own)")
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from kzreg.billing import ledger
    from kzreg.billing.audit import check_ledger
    from kzreg.billing.books import own_account, registry_book
    from kzreg.billing.ledger import Cause
    from kzreg.billing.limits import record_opening
    from kzreg.billing.models import Account, AccountKind, Entry, Transaction
    from kzreg.billing.money import Money
    from kzreg.billing.payments import record_payment
    from kzreg.core import clock

    call_command("migrate", verbosity=0)
    now = clock.now()
    book = registry_book(now)
    revenue = own_account(book, AccountKind.REVENUE, "USD", now)
    fee = Money.of("30.00", "USD")

    def fresh_account() -> Account:
        with transaction.atomic():  # opened as books.open_prepaid opens one: with its limit trail's first row
            account = Account.objects.create(
                book=book, kind=AccountKind.PREPAID, holder_key=f"bench-{uuid.uuid4().hex[:12]}", name="bench",
                currency="USD", credit_limit_minor=0, created_at=now,
            )  # fmt: skip
            record_opening(account, "bench", now)
        record_payment(account, fee.times(args.charges), "bench", now)
        account.refresh_from_db()
        return account

    def guarded(account: Account) -> None:
        with transaction.atomic():
            ledger.post(book, Cause(kind="fee", principal="bench"), [(account, -fee), (revenue, fee)], clock.now())

    def row_lock(account: Account) -> None:
        with transaction.atomic():
            tx = Transaction.objects.create(book=book, kind="fee", principal="bench", created_at=clock.now())
            Entry.objects.bulk_create(
                [
                    Entry(transaction=tx, account=account, amount_minor=-fee.minor, currency="USD"),
                    Entry(transaction=tx, account=revenue, amount_minor=fee.minor, currency="USD"),
                ]
            )
            with connection.cursor() as cursor:
                ids = sorted([account.pk, revenue.pk])
                cursor.execute(
                    "SELECT id, balance_minor, credit_limit_minor FROM billing_account WHERE id = ANY(%s) "
                    "ORDER BY id FOR UPDATE",
                    [ids],
                )
                rows = {row[0]: row for row in cursor.fetchall()}
                deltas = {account.pk: -fee.minor, revenue.pk: fee.minor}
                for account_id in ids:
                    _, balance, limit = rows[account_id]
                    delta = deltas[account_id]
                    if delta < 0 and limit is not None and balance + delta < -limit:
                        raise RuntimeError("insufficient funds")
                    cursor.execute(
                        "UPDATE billing_account SET balance_minor = %s, version = version + 1 WHERE id = %s",
                        [balance + delta, account_id],
                    )

    def run(strategy, threads: int) -> float:  # type: ignore[no-untyped-def]
        account = fresh_account()
        per_thread = args.charges // threads
        barrier = threading.Barrier(threads + 1)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                barrier.wait()
                for _ in range(per_thread):
                    strategy(account)
            except BaseException as exc:  # shown below
                errors.append(exc)
            finally:
                connections.close_all()

        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        barrier.wait()
        started = time.perf_counter()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise errors[0]
        account.refresh_from_db()
        assert account.balance_minor == fee.minor * (args.charges - per_thread * threads)
        return per_thread * threads / elapsed

    print(f"PostgreSQL {connection.pg_version}, {os.cpu_count()} CPUs, {args.charges} charges per run")
    for label, strategy in (("guarded UPDATE", guarded), ("SELECT FOR UPDATE", row_lock)):
        for threads in (1, args.threads):
            print(f"{label:18} {threads} thread(s): {run(strategy, threads):8.0f} charges/s")
    findings = check_ledger()
    print(f"ledger check: {'ok' if findings.ok else 'FAILED'} ({findings.accounts_checked} accounts)")


if __name__ == "__main__":
    main()
