"""Registrars get a status (from `active`), contact data and versions; contacts an authorization code.

Two migrations, so that on PostgreSQL no table is altered after its rows changed in the same transaction.
"""

from django.db import migrations, models


def _statuses(apps, schema_editor):
    Registrar = apps.get_model("registry", "Registrar")
    Registrar.objects.filter(active=False).update(status="suspended")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_drop_duplicate_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="registrar",
            name="status",
            field=models.CharField(
                choices=[("active", "active"), ("suspended", "suspended (its registrar actors are refused)")],
                default="active",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="registrar",
            name="address",
            field=models.CharField(blank=True, help_text="postal address, one line", max_length=255),
        ),
        migrations.AddField(
            model_name="registrar",
            name="updated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="registrar",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="contact",
            name="auth_code",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(_statuses, migrations.RunPython.noop),
    ]
