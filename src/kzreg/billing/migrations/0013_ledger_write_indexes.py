"""Fewer index entries and index opens per charge (issue 11, Speed: a charged registration against an
uncharged one; docs/benchmarks.md, "Session 13"):

- `billing_account`'s index on its book goes: the unique `billing_account_holder` (book, kind, holder_key,
  currency) begins with the book and serves every look-up by book (the foreign key's PROTECT check too).
  Each charge's two guarded UPDATEs opened it (PostgreSQL opens every index of a table it updates).
- `billing_transaction`'s index on its book goes: nothing reads transactions by the book alone (the
  back-office lists the registry's book, which holds most of them, so PostgreSQL would not use it), and
  every transaction paid an entry in it. A book is never deleted (PROTECT would read the table once).
- the price in force (`prices.PRICE_SQL`: newest `valid_from`, then newest id) is read backwards from
  `billing_price_in_force` (zone, command, years, valid_from, id) without the sort the old
  `billing_price_lookup` (without id) needed.

Not one transaction: on PostgreSQL each index is built or dropped CONCURRENTLY (the ledger stays
writable), the new one first. Every step is repeatable (IF [NOT] EXISTS).
"""

from collections.abc import Callable
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

CREATE = (
    "CREATE INDEX{c} IF NOT EXISTS billing_price_in_force ON billing_price (zone, command, years, valid_from, id)",
)
DROP = (
    "DROP INDEX{c} IF EXISTS billing_price_lookup",
    "DROP INDEX{c} IF EXISTS billing_account_book_id_f58c3fe5",  # Django's names (table and column hashed)
    "DROP INDEX{c} IF EXISTS billing_transaction_book_id_de59edcb",
)
RESTORE = (
    "CREATE INDEX{c} IF NOT EXISTS billing_price_lookup ON billing_price (zone, command, years, valid_from)",
    "CREATE INDEX{c} IF NOT EXISTS billing_account_book_id_f58c3fe5 ON billing_account (book_id)",
    "CREATE INDEX{c} IF NOT EXISTS billing_transaction_book_id_de59edcb ON billing_transaction (book_id)",
)
UNDO = ("DROP INDEX{c} IF EXISTS billing_price_in_force",)


def _run(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
        for sql in statements:
            schema_editor.execute(sql.format(c=concurrently))

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY (PostgreSQL) cannot run in a transaction

    dependencies = [("billing", "0012_limit_trail_first_rows")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="account",
                    name="book",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="billing.book",
                    ),
                ),
                migrations.AlterField(
                    model_name="transaction",
                    name="book",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transactions",
                        to="billing.book",
                    ),
                ),
                migrations.RemoveIndex(model_name="price", name="billing_price_lookup"),
                migrations.AddIndex(
                    model_name="price",
                    index=models.Index(
                        fields=["zone", "command", "years", "valid_from", "id"], name="billing_price_in_force"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_run(CREATE + DROP), _run(RESTORE + UNDO), elidable=False),
            ],
        ),
    ]
