"""The service name's `varchar_pattern_ops` index goes (PostgreSQL; issue 12, Speed): Django makes one for
every unique CharField, for `LIKE 'prefix%'`, but nothing asks a service's name by prefix — a list's "name
contains" reads the trigram index (0005), an exact name and ON CONFLICT (name) the unique index — and
every created domain paid for it (one more index entry and WAL record in the order's `done` statement;
0 scans in `bench_registrar.py lists` on the 1M database: docs/benchmarks/ordercpu.md). A later AlterField
of `Service.name` would make it again; drop it again then."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

INDEX = "registrar_service_name_5b1ef4c6_like"  # Django's name for it (table and column hashed)
UP = f"DROP INDEX IF EXISTS {INDEX}"
DOWN = f"CREATE INDEX IF NOT EXISTS {INDEX} ON registrar_service (name varchar_pattern_ops)"


def _on_postgresql(sql: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registrar", "0007_dashboard_indexes")]

    operations = [migrations.RunPython(_on_postgresql(UP), _on_postgresql(DOWN), elidable=False)]
