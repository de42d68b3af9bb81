"""`ExchangeRateChange`: a replaced exchange rate's old and new value, who and why — append-only in the
database like the ledger (the PostgreSQL trigger reuses 0002's `billing_append_only()`; SQLite gets its
own BEFORE UPDATE/DELETE triggers), so the rate a past price was converted at can always be found."""

from django.db import migrations, models

TABLE = "billing_exchangeratechange"
POSTGRES_UP = [
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION billing_append_only()"
]
POSTGRES_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}"]
SQLITE_UP = [
    f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'rate history is append-only: {verb} on {TABLE} refused'); END"
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}" for verb in ("update", "delete")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0008_charge_refusal")]

    operations = [
        migrations.CreateModel(
            name="ExchangeRateChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("source", models.CharField(max_length=3)),
                ("target", models.CharField(max_length=3)),
                ("old_rate", models.DecimalField(decimal_places=8, max_digits=20)),
                ("new_rate", models.DecimalField(decimal_places=8, max_digits=20)),
                ("changed_by", models.CharField(max_length=200)),
                ("changed_at", models.DateTimeField()),
                ("reason", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "indexes": [models.Index(fields=["source", "target", "day"], name="billing_ratechange_pair")],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
