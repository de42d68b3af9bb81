"""An index for `Host.objects.under(name)`: the subordinate hosts of a domain (EPP domain info's
`<domain:host>`, a delete's check) by a prefix of the reversed name. PostgreSQL only: SQLite cannot index
an expression for LIKE, and answers from its table as before."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS registry_host_reversed_name ON registry_host (reverse(name) text_pattern_ops)"
DROP = "DROP INDEX IF EXISTS registry_host_reversed_name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_epp_objects")]
    operations = [migrations.RunPython(create, drop)]
