"""Indexes for a reseller's domain list and search at 1M services (issue 12, Speed; docs/benchmarks.md,
"Session 6: the registrar wing at 1M domains"): B-tree indexes for each order a list is shown in, and on
PostgreSQL a trigram index for "name contains" and a GIN index for "has status" (SQLite scans: its
databases are small, and `LIKE` there has no such index)."""

from collections.abc import Callable
from typing import Any

from django.db import migrations, models

POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registrar_service_name_trgm ON registrar_service USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registrar_service_statuses ON registrar_service USING gin (statuses jsonb_path_ops)",
)
POSTGRESQL_DOWN = (
    "DROP INDEX IF EXISTS registrar_service_statuses",
    "DROP INDEX IF EXISTS registrar_service_name_trgm",
)


def _on_postgresql(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registrar", "0004_events_webhooks_reminders_hosts"),
        ("resellers", "0003_remove_reseller_price_group"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["reseller", "id"], name="registrar_service_by_id"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["reseller", "name"], name="registrar_service_by_name"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["reseller", "expires_at", "id"], name="registrar_service_by_expiry"),
        ),
        migrations.RunPython(_on_postgresql(POSTGRESQL_UP), _on_postgresql(POSTGRESQL_DOWN), elidable=False),
    ]
