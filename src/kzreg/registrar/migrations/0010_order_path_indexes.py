"""Three index entries fewer per created domain (issue 12, Speed; docs/benchmarks/orderpg.md):

- `registrar_order_state` (state, updated_at) becomes `registrar_order_in_flight`, the same columns for the
  orders the worker looks up by state only (`charged`, `submitted`, `unknown`: `settle.settle_orders`,
  `jobs.settle`; their `state = …` and `state IN (…)` imply the index's condition). An order's move to an
  end (`done`, `failed`, `reconciled`) adds no entry, and the index holds the orders in flight, not every
  version of every order. Nothing else asks orders by state without the payer (`registrar_order_by_payer`).
- The order's service index (Django's for the foreign key) holds only orders with a service: a create's
  order has none from its claim until it is done, so its claim adds no entry. `service_id = …` (a service's
  orders, PROTECT's check) implies `IS NOT NULL`: the partial index serves it.
- The service's own reseller index goes: `registrar_service_by_id` (reseller, id) — and three more that begin
  with the reseller — serve every look-up by reseller (the foreign key's PROTECT check included).

Not one transaction: on PostgreSQL each index is built or dropped CONCURRENTLY (the orders stay writable);
the new ones first, so the worker's look-ups always have one. Every step is repeatable (IF [NOT] EXISTS).
"""

from collections.abc import Callable
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

IN_FLIGHT = "('charged', 'submitted', 'unknown')"
CREATE = (
    f"CREATE INDEX{{c}} IF NOT EXISTS registrar_order_in_flight ON registrar_order (state, updated_at) "
    f"WHERE state IN {IN_FLIGHT}",
    "CREATE INDEX{c} IF NOT EXISTS registrar_order_by_service ON registrar_order (service_id) "
    "WHERE service_id IS NOT NULL",
)
DROP = (
    "DROP INDEX{c} IF EXISTS registrar_order_state",
    "DROP INDEX{c} IF EXISTS registrar_order_service_id_de5f95aa",  # Django's names (table and column hashed)
    "DROP INDEX{c} IF EXISTS registrar_service_reseller_id_9f222700",
)
RESTORE = (
    "CREATE INDEX{c} IF NOT EXISTS registrar_order_state ON registrar_order (state, updated_at)",
    "CREATE INDEX{c} IF NOT EXISTS registrar_order_service_id_de5f95aa ON registrar_order (service_id)",
    "CREATE INDEX{c} IF NOT EXISTS registrar_service_reseller_id_9f222700 ON registrar_service (reseller_id)",
)
UNDO = (
    "DROP INDEX{c} IF EXISTS registrar_order_in_flight",
    "DROP INDEX{c} IF EXISTS registrar_order_by_service",
)


def _run(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
        for sql in statements:
            schema_editor.execute(sql.format(c=concurrently))

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY (PostgreSQL) cannot run in a transaction

    dependencies = [
        ("registrar", "0009_service_name_unicode"),
        ("resellers", "0004_reseller_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="order", name="registrar_order_state"),
                migrations.AlterField(
                    model_name="order",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="orders",
                        to="registrar.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="reseller",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="services",
                        to="resellers.reseller",
                    ),
                ),
                migrations.AddIndex(
                    model_name="order",
                    index=models.Index(
                        condition=models.Q(("state__in", ("charged", "submitted", "unknown"))),
                        fields=["state", "updated_at"],
                        name="registrar_order_in_flight",
                    ),
                ),
                migrations.AddIndex(
                    model_name="order",
                    index=models.Index(
                        condition=models.Q(("service__isnull", False)),
                        fields=["service"],
                        name="registrar_order_by_service",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_run(CREATE + DROP), _run(RESTORE + UNDO), elidable=False),
            ],
        ),
    ]
