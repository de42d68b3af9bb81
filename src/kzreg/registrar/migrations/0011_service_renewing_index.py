"""One index entry fewer per service that does not renew itself (issue 12, Speed; docs/benchmarks/orderpg.md):
`registrar_service_renewal` (auto_renew, sponsored, expires_at) had an entry for every service; only the
worker's renewals (`renewals.due_services`: auto-renewing, sponsored, expiring by a date) read it. Now
`registrar_service_renewing` (expires_at) holds just those services. A create without auto-renewal (the
API's and the cabinet's default) adds no entry, and the index is the size of what the worker renews. The
renewals' `auto_renew AND sponsored` is the index's condition as written, so SQLite uses it as PostgreSQL
does (tests/registrar/test_order_indexes.py).

Not one transaction: on PostgreSQL the new index is built CONCURRENTLY before the old one is dropped
CONCURRENTLY (the services stay writable; ~2 s at 1M services). Repeatable (IF [NOT] EXISTS).
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations, models

CREATE = (
    "CREATE INDEX{c} IF NOT EXISTS registrar_service_renewing ON registrar_service (expires_at) "
    "WHERE auto_renew AND sponsored",
)
DROP = ("DROP INDEX{c} IF EXISTS registrar_service_renewal",)
RESTORE = (
    "CREATE INDEX{c} IF NOT EXISTS registrar_service_renewal ON registrar_service (auto_renew, sponsored, expires_at)",
)
UNDO = ("DROP INDEX{c} IF EXISTS registrar_service_renewing",)


def _run(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
        for sql in statements:
            schema_editor.execute(sql.format(c=concurrently))

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY (PostgreSQL) cannot run in a transaction

    dependencies = [("registrar", "0010_order_path_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="service", name="registrar_service_renewal"),
                migrations.AddIndex(
                    model_name="service",
                    index=models.Index(
                        condition=models.Q(("auto_renew", True), ("sponsored", True)),
                        fields=["expires_at"],
                        name="registrar_service_renewing",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_run(CREATE + DROP), _run(RESTORE + UNDO), elidable=False),
            ],
        ),
    ]
