"""The registry forgets resellers (issue 10): `Domain.reseller` (a link into the registrar's reseller table)
becomes `Domain.reseller_name`, the reseller's trading name as its registrar supplies it.

Data: every domain served by a reseller keeps that reseller's trading name (`Reseller.name`); then the
link goes. Going back re-links a name to the one reseller of the domain's registrar with that name, if
there is exactly one.
"""

from django.db import migrations, models


def _copy_names(apps, schema_editor):
    Domain = apps.get_model("registry", "Domain")
    Reseller = apps.get_model("resellers", "Reseller")
    names = dict(Reseller.objects.values_list("id", "name"))
    for reseller_id, name in names.items():
        Domain.objects.filter(reseller_id=reseller_id).update(reseller_name=name[:200])


def _relink(apps, schema_editor):
    Domain = apps.get_model("registry", "Domain")
    Reseller = apps.get_model("resellers", "Reseller")
    by_name: dict[tuple[int, str], list[int]] = {}
    for reseller_id, registrar_id, name in Reseller.objects.values_list("id", "registrar_id", "name"):
        by_name.setdefault((registrar_id, name), []).append(reseller_id)
    for (registrar_id, name), ids in by_name.items():
        if len(ids) == 1:
            Domain.objects.filter(registrar_id=registrar_id, reseller_name=name).update(reseller_id=ids[0])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_registrar_history_and_sponsors"),
        ("resellers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="domain",
            name="reseller_name",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(_copy_names, _relink),
        migrations.RemoveField(model_name="domain", name="reseller"),
    ]
