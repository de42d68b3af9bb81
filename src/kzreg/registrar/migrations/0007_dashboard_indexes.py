"""Indexes for the cabinet's dashboard at 1M services (issue 13, Speed; docs/cabinet.md "Speed"): the
expiry windows count a partial index of sponsored services by (reseller, expires_at), the chart's
registrations per month a range of (reseller, created_at), and a payer's orders by time (today's orders,
renewals per month, the audit report) a range of (payer, created_at) with kind and state in the key, so
each count reads the index only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrar", "0006_bulkjob"),
        ("resellers", "0004_reseller_event"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["payer", "created_at", "kind", "state"], name="registrar_order_by_payer"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                condition=models.Q(("sponsored", True)),
                fields=["reseller", "expires_at"],
                name="registrar_service_expiring",
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["reseller", "created_at"], name="registrar_service_by_created"),
        ),
    ]
