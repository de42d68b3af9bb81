"""The ledger is append-only in the database itself: UPDATE and DELETE of a transaction or an entry fail,
whoever sends them (the ORM, raw SQL, a console). Corrections are new entries.

PostgreSQL: one row trigger per table calling a function that raises. SQLite: a BEFORE UPDATE and a
BEFORE DELETE trigger per table that RAISE(ABORT). (SQLite rebuilds a table to alter it, which drops
its triggers: a later migration that alters these tables must create them again; the tests notice.)
TRUNCATE stays possible on PostgreSQL for the database owner: it is how a test database is emptied.
"""

from django.db import migrations

TABLES = ("billing_transaction", "billing_entry")

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION billing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION billing_append_only()"
        for table in TABLES
    ),
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS billing_append_only()",
]
SQLITE_UP = [
    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: {verb} on {table} refused'); END"
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in TABLES for verb in ("update", "delete")]


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no append-only triggers for {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql, params=None)  # no placeholders: `%` is plpgsql's

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
