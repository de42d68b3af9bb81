"""A big bank statement into a registrar's own book (issue 11): `--lines` payment documents in the 1C
"Клиент-банк" format, most from resellers whose BIN is in the book's payer map (booked to their deposits),
the rest from unknown payers (queued for review), imported in one transaction by
`bankimport.import_statement(…, book)`, as `kzreg billing import FILE --book HANDLE` does.

Prints the wall time, documents per second, and SQL statements per document (counted on a second, smaller
file: a load-independent figure), then checks the ledger balances.

    .venv/bin/python bench/bench_bank_import.py --lines 10000                  # SQLite in a scratch folder
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_bank_import .venv/bin/python bench/bench_bank_import.py

The ledger is append-only: use a database of its own (created when missing, migrated). Each run makes a
registrar of its own, so runs can repeat on one database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def setup_django() -> None:
    url = os.environ.get("KZREG_DATABASE_URL", "")
    if url.startswith("postgres"):
        from urllib.parse import urlparse

        import psycopg

        parts = urlparse(url)
        name = parts.path.lstrip("/")
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        os.environ["KZREG_DATABASE_URL"] = ""
        os.environ.setdefault("KZREG_DATA_DIR", tempfile.mkdtemp(prefix="bench-bank-import-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_book(resellers: int):
    """A registrar of its own with `resellers` resellers, each with a KZT deposit and a BIN in the payer map."""
    from kzreg.billing.bankimport.payers import set_payer
    from kzreg.billing.books import open_reseller_deposit, registrar_book
    from kzreg.core import clock
    from kzreg.registry.models import Registrar
    from kzreg.resellers.models import Reseller

    now = clock.now()
    tag = uuid.uuid4().hex[:6].upper()
    registrar = Registrar.objects.create(
        handle=f"BANK{tag}", name=f"Bank bench {tag}", email="b@bench.kz", created_at=now
    )
    bins = []
    for n in range(resellers):
        reseller = Reseller.objects.create(
            registrar=registrar, handle=f"R{tag}{n:05d}", name=f"Reseller {n}", legal_name=f"Reseller {n} LLP",
            email=f"r{n}@bench.kz", created_at=now,
        )  # fmt: skip
        deposit = open_reseller_deposit(reseller, "KZT", now)
        bins.append(f"{int(tag, 16) % 10**6:06d}{n:06d}")
        set_payer(bins[-1], deposit, reseller.name, "bench", now, registrar_book(registrar, now))
    return registrar_book(registrar, now), bins


def statement(lines: int, bins: list[str], unknown_every: int, seed: str) -> bytes:
    head = [
        "1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=bench",
        "ДатаНачала=01.03.2026", "ДатаКонца=31.03.2026", "РасчСчет=KZ926010131000099999",
    ]  # fmt: skip
    body = []
    for n in range(lines):
        payer = "851231300000" if n % unknown_every == 0 else bins[n % len(bins)]
        body += [
            "СекцияДокумент=Платежное поручение", f"Номер={seed}{n}", f"Дата={1 + n % 28:02d}.03.2026",
            f"Сумма={1000 + n % 9000}.{n % 100:02d}", f"ПлательщикИИК=KZ{n:018d}", f"ПлательщикБИН={payer}",
            f"Плательщик1=Payer {n}", "ПолучательИИК=KZ926010131000099999",
            f"НазначениеПлатежа=Пополнение депозита, договор {n}", "КонецДокумента",
        ]  # fmt: skip
    return "\r\n".join([*head, *body, "КонецФайла", ""]).encode("cp1251")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--resellers", type=int, default=200)
    parser.add_argument("--unknown-every", type=int, default=10, help="every Nth payer is unknown (review)")
    parser.add_argument(
        "--count-lines", type=int, default=500, help="documents in the file whose statements are counted"
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kzreg.billing.audit import check_ledger
    from kzreg.billing.bankimport.importer import import_statement
    from kzreg.core import clock

    book, bins = make_book(args.resellers)
    data = statement(args.lines, bins, args.unknown_every, "A")
    print(f"{connection.vendor}: {args.lines} documents, {len(data) / 1e6:.1f} MB, {args.resellers} resellers")
    started = time.perf_counter()
    result = import_statement(data, "bench.txt", None, "KZT", "bench", clock.now(), book)
    took = time.perf_counter() - started
    counts: dict[str, int] = {}
    for line in result.lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    print(f"import: {took:.2f} s, {args.lines / took:.0f} documents/s ({counts})")
    small = statement(args.count_lines, bins, args.unknown_every, "B")
    with CaptureQueriesContext(connection) as queries:
        import_statement(small, "count.txt", None, "KZT", "bench", clock.now(), book)
    print(
        f"statements: {len(queries)} for {args.count_lines} documents = {len(queries) / args.count_lines:.2f} per document"
    )
    findings = check_ledger()
    assert findings.ok, "the ledger does not balance"
    print("ledger check: ok")


if __name__ == "__main__":
    main()
