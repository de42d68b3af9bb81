"""The registrar wing's benchmark data: N registry domains sponsored by the demo registrar (PS-KZ), R
resellers — the first ("RB-BIG") serving `big` of the domains, the others sharing the rest — with one
customer per registrant and one service per domain, as the demo loader (`registrar.demo`) would write
them, only in two server-side statements instead of 1M ORM saves.

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_regbench_1m KZREG_DATA_DIR=/tmp/regbench-data \\
        .venv/bin/python bench/registrar_data.py --domains 1000000 --resellers 100 --big 100000

The registry's rows come from the bulk loader (`kzreg.demo.bulk`, ADR 0002: the rows `create_domain`
writes); a database that already holds N domains is not loaded again. The resellers are made after the
registry load, so the registry's domains carry no reseller name — as the registrar wing's own creates
write them (its `CreateRequest` names none). Then: the registrar's price lists and every reseller's
funded deposit (`registrar.demo.open_demo_books`), the big reseller's deposit topped up for the create
benchmark, PS-KZ's prepaid account at the registry (the registry's fee, E3) funded, and a spot check of a
sample of services against the registry's own reads (`LocalConnection.info`, `registrar.reconcile`'s
comparison). PostgreSQL only (bench code: it writes SQL directly).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HANDLE = "PS-KZ"
BIG = "RB-BIG"
TOP_UP = "1000000.00"  # USD, the most one payment may be (billing.payments.PAYMENT_MAX)

# One customer per registrant contact, its reseller decided by the registrant: every ninth registrant (by
# id) goes to the big reseller until it has `big` domains, the others to one of the small ones by id. So
# each reseller's domains are spread over the whole table, as years of registrations would spread them.
CUSTOMERS_SQL = """
WITH holders AS (
    SELECT registrant_id, sum(count(*)) OVER (PARTITION BY registrant_id %% 9 = 0 ORDER BY registrant_id) AS upto
    FROM registry_domain WHERE registrar_id = %(registrar)s AND deleted_at IS NULL GROUP BY registrant_id
)
INSERT INTO registrar_customer (registrar_handle, reseller_id, kind, name, organisation, address, city, region,
    postal_code, country_code, email, phone, language, consent_at, contact_handle, created_at)
SELECT %(handle)s,
       CASE WHEN h.registrant_id %% 9 = 0 AND h.upto <= %(big)s THEN %(big_id)s
            ELSE (%(small_ids)s::bigint[])[1 + h.registrant_id %% cardinality(%(small_ids)s::bigint[])] END,
       c.kind, c.name, c.organisation, c.address, c.city, c.region, c.postal_code, c.country_code,
       coalesce(c.emails->>0, ''), coalesce(c.phones->>0, ''),
       CASE WHEN c.language IN ('kk', 'ru', 'en') THEN c.language ELSE 'kk' END,
       coalesce(c.consent_at, c.created_at), c.handle, c.created_at
FROM holders h JOIN registry_contact c ON c.id = h.registrant_id
ORDER BY h.registrant_id
"""

# One service per live domain: its Unicode name the registry's U-label (empty for an ASCII name, as
# `registrar.models.unicode_of` gives it; the spot check compares), its statuses in the EPP words the
# registry's `info` answers (and `registrar.sync` stores: `registry.reads.objects.domain_info`), auto-renew
# on every third (as the demo).
SERVICES_SQL = """
INSERT INTO registrar_service (name, name_unicode, registrar_handle, reseller_id, customer_id, retail_price,
    auto_renew, expires_at, statuses, sponsored, last_synced_at, renewal_warned_for, created_at)
SELECT d.name, CASE WHEN d.unicode_name <> d.name THEN d.unicode_name ELSE '' END, %(handle)s, cu.reseller_id, cu.id, %(price)s, d.id %% 3 = 0, d.expires_at,
       coalesce(nullif(to_jsonb(array_remove(ARRAY[
           CASE WHEN d.hold OR d.suspended THEN 'serverHold' END, CASE WHEN d.pending_delete THEN 'pendingDelete' END,
           CASE WHEN d.client_hold THEN 'clientHold' END], NULL)) || d.client_statuses, '[]'::jsonb), '["ok"]'::jsonb),
       true, %(now)s, NULL, d.created_at
FROM registry_domain d
JOIN registry_contact c ON c.id = d.registrant_id
JOIN registrar_customer cu ON cu.contact_handle = c.handle AND cu.registrar_handle = %(handle)s
WHERE d.registrar_id = %(registrar)s AND d.deleted_at IS NULL
ORDER BY d.id
"""


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load_registry(domains: int) -> None:
    """The registry's domains, by the bulk loader, up to `domains` (nothing when already there)."""
    from kzreg.demo.bulk import bulkload
    from kzreg.registry.models import Domain

    have = Domain.objects.count()
    if have < domains:
        started = time.perf_counter()
        bulkload(domains - have)
        print(f"registry: {domains - have:,} domains bulk-loaded in {time.perf_counter() - started:.0f} s")
    else:
        print(f"registry: {have:,} domains already there")


def make_resellers(count: int) -> list[int]:
    """`count` resellers of PS-KZ (the big one first); their ids in that order."""
    from kzreg.core import clock
    from kzreg.registry.models import Registrar
    from kzreg.resellers.models import Reseller

    registrar = Registrar.objects.get(handle=HANDLE)
    now = clock.now()
    ids = []
    for n in range(count):
        handle = BIG if n == 0 else f"RB-{n:03d}"
        reseller, _ = Reseller.objects.get_or_create(
            handle=handle,
            defaults=dict(
                registrar=registrar, name=f"Bench Hosting {n:03d}", legal_name=f"Bench Hosting {n:03d} LLP",
                email=f"support@bench{n:03d}.kz", contract_number=f"PS-R-2026/{n:03d}", created_at=now,
            ),
        )  # fmt: skip
        ids.append(reseller.pk)
    return ids


def make_records(reseller_ids: list[int], big: int) -> None:
    """Customers and services, two INSERT … SELECT statements (then ANALYZE, as autovacuum would later)."""
    from django.db import connection, transaction

    from kzreg.core import clock
    from kzreg.registrar.demo import WHOLESALE_PER_YEAR
    from kzreg.registrar.models import Service
    from kzreg.registry.models import Registrar

    if Service.objects.filter(registrar_handle=HANDLE).exists():
        print("registrar: services already there")
        return
    registrar = Registrar.objects.get(handle=HANDLE)
    params = {
        "registrar": registrar.pk, "handle": HANDLE, "big": big, "big_id": reseller_ids[0],
        "small_ids": reseller_ids[1:], "now": clock.now(), "price": str(WHOLESALE_PER_YEAR),
    }  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CUSTOMERS_SQL, params)
        customers = cursor.rowcount
        cursor.execute(SERVICES_SQL, params)
        services = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registrar_customer")
        cursor.execute("ANALYZE registrar_service")
    print(f"registrar: {customers:,} customers, {services:,} services in {time.perf_counter() - started:.0f} s")


def open_books(reseller_ids: list[int]) -> None:
    """Price lists, funded deposits (the big reseller's topped up), PS-KZ's funded prepaid account."""
    from kzreg.billing.books import open_prepaid, prepaid_account
    from kzreg.core import clock
    from kzreg.registrar.demo import open_demo_books
    from kzreg.registry.models import Registrar
    from kzreg.resellers.models import Reseller

    now = clock.now()
    resellers = list(Reseller.objects.filter(pk__in=reseller_ids))
    open_demo_books(HANDLE, resellers, now)
    registrar = Registrar.objects.get(handle=HANDLE)
    prepaid_account(registrar.pk) or open_prepaid(registrar.pk, HANDLE, "USD", now)
    fund(next(r for r in resellers if r.pk == reseller_ids[0]))


def fund(big: Any) -> None:
    """The big reseller's deposit and PS-KZ's prepaid account each topped up by USD 1,000,000 (40,000
    creates) when under USD 100,000 — at loading and before each create run (`bench_registrar.workload`),
    so a database used for many runs does not turn into a run of refused orders."""
    from kzreg.billing.books import prepaid_account, reseller_deposit
    from kzreg.billing.money import Money
    from kzreg.billing.payments import record_payment
    from kzreg.core import clock
    from kzreg.registry.models import Registrar

    now = clock.now()
    deposit = reseller_deposit(big)
    assert deposit is not None
    if deposit.balance_minor < 10_000_000:
        record_payment(deposit, Money.of(TOP_UP, "USD"), "bench", now, reference="bench top-up")
    account = prepaid_account(Registrar.objects.get(handle=HANDLE).pk)
    assert account is not None
    if abs(account.balance_minor) < 10_000_000:
        record_payment(account, Money.of(TOP_UP, "USD"), "bench", now, reference="bench registry deposit")


def spot_check(sample: int, seed: int = 7) -> int:
    """A sample of services compared with the registry's own answer (`info` through the local connection,
    `registrar.reconcile`'s comparison); the number of differences (printed)."""
    from kzreg.registrar.connection.local import LocalConnection
    from kzreg.registrar.models import Customer, Service, unicode_of
    from kzreg.registrar.reconcile import _registry_view, moment

    conn = LocalConnection(HANDLE, "regbench")
    last = Service.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = random.Random(seed).sample(range(1, last + 1), min(sample, last))
    differences = 0
    for service in Service.objects.filter(pk__in=ids).select_related("customer"):
        state = conn.info(service.name)
        theirs = _registry_view(state, HANDLE)
        ours = {"sponsored": "True", "expires_at": moment(service.expires_at),
                "statuses": ",".join(sorted(service.statuses))}  # fmt: skip
        customer = service.customer
        assert isinstance(customer, Customer) and state is not None
        wrong = [f for f in ours if ours[f] != theirs[f]]
        if service.name_unicode != unicode_of(service.name):
            wrong.append("name_unicode")
        if state.registrant != customer.contact_handle:
            wrong.append("registrant")
        if wrong:
            differences += 1
            print(f"  {service.name}: {wrong} ours {ours} registry {theirs}")
    print(f"spot check: {len(ids)} services against the registry's info: {differences} differ")
    return differences


def summary() -> None:
    from django.db.models import Count

    from kzreg.registrar.models import Customer, Service

    by_reseller = list(Service.objects.values("reseller__handle").annotate(n=Count("id")).order_by("-n"))
    print(f"registrar: {Service.objects.count():,} services, {Customer.objects.count():,} customers; "
          f"{by_reseller[0]['reseller__handle']} {by_reseller[0]['n']:,}, the other {len(by_reseller) - 1} "
          f"{min(r['n'] for r in by_reseller[1:]):,}–{max(r['n'] for r in by_reseller[1:]):,} each")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1_000_000)
    parser.add_argument("--resellers", type=int, default=100)
    parser.add_argument("--big", type=int, default=100_000, help="the big reseller's services")
    parser.add_argument("--sample", type=int, default=500, help="services spot-checked against the registry")
    args = parser.parse_args()
    url = os.environ.get("KZREG_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("set KZREG_DATABASE_URL=postgresql://…: the data is written with PostgreSQL's SQL", file=sys.stderr)
        return 2
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    load_registry(args.domains)
    ids = make_resellers(args.resellers)
    make_records(ids, args.big)
    open_books(ids)
    summary()
    return 1 if spot_check(args.sample) else 0


if __name__ == "__main__":
    raise SystemExit(main())
