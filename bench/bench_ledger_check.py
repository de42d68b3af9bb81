"""`kzreg billing check` over a big ledger (issue 11: 10,000,000 entries in under 60 s, PostgreSQL).

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_ledger_bench python bench/bench_ledger_check.py [ENTRIES]

Loads ENTRIES ledger entries (default 10,000,000: half as many transactions of two entries, spread over
1,000 accounts of one book) unless the database already has them, then times the check three ways:
`check_ledger()` in this process, and the whole `kzreg billing check` command (a new process: Django's
start-up included). Then it moves one balance by one cent in raw SQL and times the check that must name
it, and moves it back. The loader inserts with INSERT … SELECT from generate_series (server-side, no
rows through Python); inserting is what the append-only triggers allow, and they stay in place (the
bench checks a raw DELETE is still refused). Balances are then set from the entries, as `post` would
have left them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

ACCOUNTS = 1000
CHUNK = 1_000_000  # transactions per loading statement (each committed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("entries", nargs="?", type=int, default=10_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kzreg.billing.audit import check_ledger
    from kzreg.billing.models import Account, AccountKind, Book, Entry, OwnerKind, Transaction
    from kzreg.core import clock

    if connection.vendor != "postgresql":
        print("this bench is for PostgreSQL (KZREG_DATABASE_URL=postgresql://…)", file=sys.stderr)
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    have = Entry.objects.count()
    if have < args.entries:
        load(args.entries - have, connection, transaction, clock, Account, AccountKind, Book, OwnerKind, Transaction)
    with connection.cursor() as cursor:  # what autovacuum would do after a big load (visibility map, stats)
        cursor.execute("VACUUM ANALYZE billing_entry")
    total = Entry.objects.count()
    print(
        f"ledger: {total:,} entries, {Transaction.objects.count():,} transactions, {Account.objects.count():,} accounts"
    )

    for attempt in range(2):
        started = time.perf_counter()
        findings = check_ledger()
        elapsed = time.perf_counter() - started
        print(f"check_ledger() run {attempt + 1}: {elapsed:.1f} s, ok={findings.ok}")
        assert findings.ok, "the freshly loaded ledger must check out"

    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kzreg.cli", "billing", "check"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    print(f"`kzreg billing check` (new process): {elapsed:.1f} s, exit {done.returncode}: {done.stdout.strip()}")

    account = Account.objects.filter(book__name="ledger bench").order_by("id").first()
    assert account is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE billing_account SET balance_minor = balance_minor + 1 WHERE id = %s", [account.pk])
    try:
        started = time.perf_counter()
        findings = check_ledger()
        elapsed = time.perf_counter() - started
        named = [d.account.pk for d in findings.differences]
        print(f"check with one balance moved by a cent: {elapsed:.1f} s, names {named}")
        assert named == [account.pk]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_account SET balance_minor = balance_minor - 1 WHERE id = %s", [account.pk])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM billing_entry WHERE id = (SELECT MIN(id) FROM billing_entry)")
        print("WARNING: a DELETE of an entry was allowed")
        return 1
    except Exception as refused:  # the append-only trigger
        print(f"append-only still in force: DELETE refused ({type(refused).__name__})")
    return 0


def load(entries, connection, transaction, clock, Account, AccountKind, Book, OwnerKind, Transaction) -> None:
    """Half as many transactions as entries, each +x on one account and −x on the next one."""
    now = clock.now()
    book, _ = Book.objects.get_or_create(
        owner_kind=OwnerKind.REGISTRAR, owner_key="ledger-bench", defaults={"name": "ledger bench", "created_at": now}
    )
    accounts = list(Account.objects.filter(book=book).order_by("id").values_list("id", flat=True))
    for n in range(len(accounts), ACCOUNTS):
        accounts.append(
            Account.objects.create(
                book=book, kind=AccountKind.PREPAID, holder_key=f"bench-{n}", name=f"bench {n}", currency="USD",
                created_at=now,
            ).pk
        )  # fmt: skip
    columns, values = transaction_columns(Transaction, book.pk)
    started = time.perf_counter()
    remaining = entries // 2
    while remaining > 0:
        chunk = min(CHUNK, remaining)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM billing_transaction")
            before = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO billing_transaction ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g(n)",
                [chunk],
            )
            # Entry ids follow their transaction's; the two accounts are consecutive in the book's list.
            first, count = accounts[0], len(accounts)
            cursor.execute(
                "INSERT INTO billing_entry (transaction_id, account_id, amount_minor, currency) "
                "SELECT t.id, %s + (t.id %% %s), s.sign * ((t.id %% 997) + 1), 'USD' "
                "FROM billing_transaction t CROSS JOIN (VALUES (1), (-1)) AS s(sign) WHERE t.id > %s "
                "ORDER BY t.id, s.sign DESC",
                [first, count, before],
            )
        remaining -= chunk
        print(f"  loaded {entries // 2 - remaining:,} transactions ({time.perf_counter() - started:.0f} s)")
    with transaction.atomic(), connection.cursor() as cursor:
        # The balances `post` would have kept: the sums of the entries.
        cursor.execute(
            "UPDATE billing_account a SET balance_minor = s.total FROM "
            "(SELECT account_id, SUM(amount_minor) AS total FROM billing_entry GROUP BY account_id) s "
            "WHERE s.account_id = a.id"
        )
    print(f"  balances set ({time.perf_counter() - started:.0f} s)")


def transaction_columns(Transaction, book_id: int) -> tuple[list[str], list[str]]:
    """Every column of billing_transaction but the id, with a value: whatever columns it has now."""
    columns, values = [], []
    for field in Transaction._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        if column == "book_id":
            value = str(int(book_id))
        elif column == "kind":
            value = "'payment'"
        elif column == "principal":
            value = "'ledger bench'"
        elif column == "reference":
            value = "'bench ' || g.n"
        elif column == "created_at":
            value = "now() - (g.n || ' seconds')::interval"
        elif field.null:
            value = "NULL"
        elif field.get_internal_type() in ("CharField", "TextField"):
            value = "''"
        else:
            raise SystemExit(f"billing_transaction.{column}: no bench value for a NOT NULL {field.get_internal_type()}")
        columns.append(column)
        values.append(value)
    return columns, values


if __name__ == "__main__":
    sys.exit(main())
