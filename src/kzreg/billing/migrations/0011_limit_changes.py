"""`LimitChange`: every change of an account's credit limit or low-balance threshold (who, when, old,
new, why), append-only in the database like the ledger — on PostgreSQL with 0002's `billing_append_only()`,
on SQLite with BEFORE UPDATE/DELETE triggers named `kzreg_limitchange_*` (not `billing_*`: the tests count
those to know whether 0002's ledger triggers are in place)."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "billing_limitchange"
POSTGRES_UP = [
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION billing_append_only()"
]
POSTGRES_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}"]
SQLITE_UP = [
    f"CREATE TRIGGER kzreg_limitchange_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'limit changes are append-only: {verb} on {TABLE} refused'); END"
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS kzreg_limitchange_no_{verb}" for verb in ("update", "delete")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0010_bank_books"),
    ]

    operations = [
        migrations.CreateModel(
            name="LimitChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "field",
                    models.CharField(
                        choices=[("credit_limit", "credit limit"), ("low_balance", "low-balance threshold")],
                        max_length=12,
                    ),
                ),
                ("old_minor", models.BigIntegerField(blank=True, null=True)),
                ("new_minor", models.BigIntegerField(blank=True, null=True)),
                ("currency", models.CharField(max_length=3)),
                ("changed_by", models.CharField(max_length=200)),
                ("changed_at", models.DateTimeField()),
                ("reason", models.CharField(blank=True, max_length=300)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="limit_changes", to="billing.account"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["account", "id"], name="billing_limitchange_account")],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
