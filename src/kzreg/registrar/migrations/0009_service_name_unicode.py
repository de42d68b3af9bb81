"""`Service.name_unicode`: the name's U-label form, so the name search finds part of a Cyrillic name
(issue 12; docs/cabinet.md "Name search"). Empty for an ASCII name (its own Unicode form): the trigram
index below holds only the IDNs.

Not one transaction, so the services stay writable while it runs (1M services, 280,000 of them IDNs:
about a minute on the busy bench machine, docs/benchmarks/gaps.md): the column is added with an empty
database default (no table rewrite on PostgreSQL, and a process still running the previous code inserts
rows as before); then the IDNs' rows — names with an `xn--` label, by id — are decoded in Python
(`models.unicode_of`) and written back one batch per transaction; then the trigram index is built
without blocking writes (PostgreSQL, CONCURRENTLY; SQLite's `LIKE` scans, as for the A-label). Run again
after an interruption, it fills what is left: every step is repeatable.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations, transaction

import kzreg.registrar.models
from kzreg.registrar.models import unicode_of

BATCH = 5_000  # rows per transaction: each holds its rows' locks about a second at most
INDEX = "registrar_service_name_unicode_trgm"
POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON registrar_service USING gin (name_unicode gin_trgm_ops) "
    "WHERE name_unicode <> ''",
)
POSTGRESQL_DOWN = (f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",)


def backfill(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name FROM registrar_service WHERE id > %s AND name LIKE %s ORDER BY id LIMIT %s",
                [last, "%xn--%", BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            filled = [(pk, unicode_of(name)) for pk, name in rows]
            if connection.vendor == "postgresql":
                cursor.execute(
                    "UPDATE registrar_service s SET name_unicode = v.u "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, u) WHERE s.id = v.id",
                    [[pk for pk, _ in filled], [u for _, u in filled]],
                )
            else:
                cursor.executemany(
                    "UPDATE registrar_service SET name_unicode = %s WHERE id = %s", [(u, pk) for pk, u in filled]
                )


def _on_postgresql(statements: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False  # see above: the table stays writable

    dependencies = [
        ("registrar", "0008_drop_service_name_like"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="name_unicode",
            field=kzreg.registrar.models.UnicodeNameField(
                blank=True,
                db_default="",
                default="",
                help_text="The name's U-label form; empty for an ASCII name",
                max_length=255,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(_on_postgresql(POSTGRESQL_UP), _on_postgresql(POSTGRESQL_DOWN), elidable=False),
    ]
