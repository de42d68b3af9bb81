"""The two zones of the seed (R2): `kz` and the Cyrillic IDN `қаз` (xn--80ao21a)."""

from django.db import migrations

ZONES = [
    {"name": "kz", "unicode_name": "kz", "allow_latin": True, "allow_cyrillic": True},
    {"name": "xn--80ao21a", "unicode_name": "қаз", "allow_latin": False, "allow_cyrillic": True},
]
APEX = ["ns.nic.kz", "ns2.nic.kz"]
RESERVED = ["nic", "whois", "rdap", "registry", "hostmaster", "gov", "mil", "edu", "org", "com", "net"]


def add_zones(apps, schema_editor):
    Zone = apps.get_model("registry", "Zone")
    ReservedName = apps.get_model("registry", "ReservedName")
    for spec in ZONES:
        zone, _ = Zone.objects.get_or_create(
            name=spec["name"],
            defaults={
                **spec,
                "apex_nameservers": APEX,
                "soa_mname": "ns.nic.kz",
                "soa_rname": "hostmaster.nic.kz",
            },
        )
        if zone.name == "kz":
            for label in RESERVED:
                ReservedName.objects.get_or_create(
                    zone=zone, label=label, defaults={"kind": "reserved", "reason": "registry use"}
                )


def remove_zones(apps, schema_editor):
    apps.get_model("registry", "Zone").objects.filter(name__in=[z["name"] for z in ZONES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_initial")]
    operations = [migrations.RunPython(add_zones, remove_zones)]
