"""Two index entries fewer per settled order (issue 12, Speed; docs/benchmarks/orderpg.md): the service
events' indexes on their foreign keys (Django makes one for each) go. Nothing reads events by service or by
reseller — webhooks deliver them by their delivery rows, a domain's events are read by `registrar_event_domain`
(domain, at), which stays — and every `order_settled` event (one per order) and every poll message's event
paid an entry in both. The constraints stay. What the indexes served: deleting a service or a reseller (the
foreign keys' PROTECT and ON DELETE checks), which kzreg never does (a service is marked not sponsored, a
reseller inactive) and which PROTECT refuses anyway once there are events: such a delete now reads the events
table once before it is refused.

Not one transaction: on PostgreSQL each index is dropped CONCURRENTLY. Repeatable (IF [NOT] EXISTS).
"""

from collections.abc import Callable
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# Django's names for them (table and column hashed): the same on PostgreSQL and SQLite.
INDEXES = {
    "registrar_serviceevent_reseller_id_c666903d": "reseller_id",
    "registrar_serviceevent_service_id_03354e86": "service_id",
}
DROP = tuple(f"DROP INDEX{{c}} IF EXISTS {name}" for name in INDEXES)
RESTORE = tuple(
    f"CREATE INDEX{{c}} IF NOT EXISTS {name} ON registrar_serviceevent ({column})" for name, column in INDEXES.items()
)


def _run(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
        for sql in statements:
            schema_editor.execute(sql.format(c=concurrently))

    return run


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY (PostgreSQL) cannot run in a transaction

    dependencies = [
        ("registrar", "0011_service_renewing_index"),
        ("resellers", "0004_reseller_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="serviceevent",
                    name="reseller",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="service_events",
                        to="resellers.reseller",
                    ),
                ),
                migrations.AlterField(
                    model_name="serviceevent",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="registrar.service",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_run(DROP), _run(RESTORE), elidable=False)],
        ),
    ]
