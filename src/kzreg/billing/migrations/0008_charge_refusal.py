"""`billing_refuse_charge(reason)`: raises SQLSTATE KZ104 with the reason, so that the registry fee's
one-statement charge (`billing/posting.py`) can refuse from inside the statement when it shares a round trip
with the operation's COMMIT (the error aborts the transaction and the queued COMMIT commits nothing).

A PL/pgSQL function, because PostgreSQL folds a constant expression that fails (a bad cast, 1/0) while it
plans the statement, whatever branch of a CASE it sits in; a volatile function call is only evaluated when
the row needs it. PostgreSQL only: SQLite charges through `ledger.post` in Python.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_refuse_charge(reason text) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'KZ104', MESSAGE = 'billing: charge refused: ' || reason;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS billing_refuse_charge(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_direct_registrants")]
    operations = [migrations.RunPython(create, drop)]
