"""Monthly statement PDFs for N resellers (issue 11's target: 1,000 in under 2 minutes).

Each reseller gets an account in one registrar's book with a month of movements (a payment and
`--fees` charges), posted as ledger rows in bulk; then every statement is built (`billing.statements`)
and printed to PDF (`billing.pdf`, WeasyPrint), spread over `--workers` processes (default: the CPUs).
Prints the wall time, PDFs per second, and the cost of one PDF (wall time × workers ÷ N).

    .venv/bin/python bench/bench_statements.py                     # SQLite in a scratch data folder
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_statements .venv/bin/python bench/bench_statements.py

The ledger is append-only: use a database of its own (created when missing, migrated). `--out DIR`
keeps the PDFs. Asserts only that each PDF is a PDF and that the books balance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

MONTH = "2026-03"


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    url = os.environ.get("KZREG_DATABASE_URL", "")
    if url.startswith("postgres"):
        ensure_database(url)
    else:
        os.environ["KZREG_DATABASE_URL"] = ""
        os.environ.setdefault("KZREG_DATA_DIR", tempfile.mkdtemp(prefix="bench-statements-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()


def make_resellers(count: int, fees: int) -> list[int]:
    """A registrar's book with `count` reseller accounts, each with a payment and `fees` charges in MONTH
    (written in bulk: the benchmark is the statements, not the posting)."""
    from django.db import connection, transaction

    from kzreg.billing.limits import record_opening
    from kzreg.billing.models import Account, AccountKind, Book, Entry, OwnerKind, Transaction

    now = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
    run = uuid.uuid4().hex[:8]
    with transaction.atomic():
        book = Book.objects.create(
            owner_kind=OwnerKind.REGISTRAR, owner_key=f"bench-{run}", name=f"Registrar {run}", created_at=now
        )
        revenue = Account.objects.create(
            book=book, kind=AccountKind.REVENUE, name="wholesale revenue", currency="KZT", created_at=now
        )
        bank = Account.objects.create(book=book, kind=AccountKind.BANK, name="bank", currency="KZT", created_at=now)
        accounts = Account.objects.bulk_create(
            [
                Account(book=book, kind=AccountKind.PREPAID, holder_key=f"reseller-{run}-{n}", name=f"Реселлер №{n} (қайта сатушы)",
                        currency="KZT", credit_limit_minor=0, created_at=now)
                for n in range(count)
            ]
        )  # fmt: skip
        for account in accounts:  # each with its limit trail's first row, as books.open_prepaid opens one
            record_opening(account, "bench", now)
        txs, moves = [], []
        for account in accounts:
            txs.append(
                Transaction(
                    book=book,
                    kind="payment",
                    reference=f"PP {account.pk}",
                    principal="bench",
                    created_at=now + dt.timedelta(hours=6),
                )
            )
            moves.append([(bank, -10_000_000), (account, 10_000_000)])
            for k in range(fees):
                txs.append(Transaction(
                    book=book, kind="order", operation="domain_create", object_type="domain", object_key=f"d{account.pk}-{k}.kz",
                    fee_command="create", years=1, principal="bench", created_at=now + dt.timedelta(days=1 + k % 27, minutes=k),
                ))  # fmt: skip
                moves.append([(account, -1_500_000), (revenue, 1_500_000)])
        txs = Transaction.objects.bulk_create(txs, batch_size=2000)
        Entry.objects.bulk_create(
            [Entry(transaction=tx, account=a, amount_minor=m, currency="KZT") for tx, pairs in zip(txs, moves, strict=True) for a, m in pairs],
            batch_size=5000,
        )  # fmt: skip
        with connection.cursor() as cursor:  # balances = their entries, as `post` would leave them
            cursor.execute(
                "UPDATE billing_account SET balance_minor = (SELECT COALESCE(SUM(amount_minor), 0) FROM billing_entry "
                "WHERE billing_entry.account_id = billing_account.id) WHERE book_id = %s",
                [book.pk],
            )
    return [a.pk for a in accounts]


def render(job: tuple[list[int], str, str | None]) -> tuple[int, int, float]:
    """One worker's share: (PDFs, bytes, CPU seconds of this process: the figure that other load on a
    shared machine does not inflate)."""
    from django.db import connections

    from kzreg.billing.models import Account
    from kzreg.billing.pdf import statement_pdf
    from kzreg.billing.statements import Month, build_statement

    ids, language, out = job
    month = Month.parse(MONTH)
    started, size = time.process_time(), 0
    for account in Account.objects.filter(pk__in=ids).select_related("book").order_by("pk"):
        data = statement_pdf(build_statement(account, month, language))
        assert data.startswith(b"%PDF-")
        size += len(data)
        if out:
            Path(out, f"statement-{account.pk}-{MONTH}.pdf").write_bytes(data)
    connections.close_all()
    return len(ids), size, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resellers", type=int, default=1000)
    parser.add_argument("--fees", type=int, default=20, help="charges per reseller in the month")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--language", default="kk", choices=("kk", "ru", "en"))
    parser.add_argument("--out", help="keep the PDFs in this folder")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    from kzreg.billing.audit import check_ledger

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = make_resellers(args.resellers, args.fees)
    print(
        f"{connection.vendor}: {args.resellers} reseller accounts, {args.fees + 1} movements each, set up in {time.perf_counter() - started:.1f} s"
    )
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    connections.close_all()  # the workers open their own
    chunks = [(ids[n :: args.workers], args.language, args.out) for n in range(args.workers)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        results = pool.map(render, chunks)
    wall = time.perf_counter() - started
    pdfs, size, cpu = sum(r[0] for r in results), sum(r[1] for r in results), sum(r[2] for r in results)
    print(
        f"{pdfs} statement PDFs ({args.language}) in {wall:.1f} s with {args.workers} workers: {pdfs / wall:.1f} PDFs/s, "
        f"{wall * args.workers / pdfs * 1000:.0f} ms wall per PDF per worker, {size / pdfs / 1024:.1f} KiB each"
    )
    per_pdf = cpu / pdfs
    print(
        f"CPU: {per_pdf * 1000:.0f} ms per PDF (query + HTML + PDF): 1,000 PDFs are {per_pdf * 1000:.0f} CPU-seconds, "
        f"{per_pdf * 1000 / args.workers:.0f} s on {args.workers} idle cores; load average now {os.getloadavg()[0]:.1f}"
    )
    print(
        f"target: 1,000 in under 120 s: {'met' if pdfs >= 1000 and wall < 120 else 'not met'} ({pdfs} in {wall:.1f} s)"
    )
    assert check_ledger().ok, "the books do not balance"


if __name__ == "__main__":
    main()
