"""The ledger's indexes after migration 0013 (issue 11, Speed): the book indexes that no read used are gone,
every read by book still has an index (the planner's own answer), and the price in force is read from
`billing_price_in_force` without a sort, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from kzreg.billing.models import Account, Price
from kzreg.billing.prices import PRICE_SQL, price_params

pytestmark = pytest.mark.django_db

GONE = {"billing_account_book_id_f58c3fe5", "billing_transaction_book_id_de59edcb", "billing_price_lookup"}


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in found.items() if info["index"] or info["unique"]}


def explain(sql: str, params: list[object]) -> str:
    """The plan the database chooses, sequential scans made dear so that a small table still shows the
    index it would use (PostgreSQL; SQLite's planner takes an index whenever one applies)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def test_the_unused_book_indexes_are_gone():
    found = index_names("billing_account") | index_names("billing_transaction") | index_names("billing_price")
    assert not GONE & found
    assert {"billing_account_holder", "billing_price_in_force"} <= found


def test_an_accounts_look_up_by_book_reads_the_holder_index():
    query = Account.objects.filter(book_id=1).values_list("pk", flat=True)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    # SQLite names the unique constraint its table declares inline by the table (`sqlite_autoindex_…`).
    assert "billing_account_holder" in plan if connection.vendor == "postgresql" else "INDEX sqlite_autoindex" in plan


def test_the_price_in_force_is_read_from_its_index_without_a_sort():
    now = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    for days, amount in ((30, 2500), (10, 2800), (10, 3000)):  # two rows from the same moment: the newer id wins
        Price.objects.create(zone="kz", command="create", years=1, amount_minor=amount, currency="USD",
                             valid_from=now - dt.timedelta(days=days), entered_by="test")  # fmt: skip
    params = price_params("kz", "create", 1, now)
    plan = explain(PRICE_SQL, params)
    assert "billing_price_in_force" in plan
    assert "sort" not in plan.lower()
    with connection.cursor() as cursor:
        cursor.execute(PRICE_SQL, params)
        assert cursor.fetchone()[0] == 3000
