"""Registrars get history; contacts and hosts get their sponsor (after 0006).

Data: each registrar gets its first history version; a contact or
host without a sponsor that live domains of exactly one registrar use gets that registrar, the others
stay the registry's own (NULL). Existing contacts keep an empty authorization code, which no code
matches, until their sponsor sets one; new contacts get a random one.
"""

import uuid

from django.db import migrations, models
from django.utils import timezone


def _first_versions(apps, schema_editor):
    Registrar = apps.get_model("registry", "Registrar")
    HistoryEntry = apps.get_model("registry", "HistoryEntry")
    now, request_id = timezone.now(), uuid.uuid4().hex
    for r in Registrar.objects.all():
        r.updated_at = r.created_at
        r.save(update_fields=["updated_at"])
        snapshot = {
            "handle": r.handle, "name": r.name, "email": r.email, "phone": r.phone, "address": r.address,
            "url": r.url, "whois_server": r.whois_server, "status": r.status,
            "created_at": r.created_at.isoformat(), "updated_at": r.created_at.isoformat(),
        }  # fmt: skip
        HistoryEntry.objects.create(
            object_type="registrar", object_id=r.pk, object_key=r.handle, version=1,
            operation="registrar_migrated", at=now, principal="migration 0006", role="system", channel="system",
            request_id=request_id, snapshot=snapshot,
        )  # fmt: skip


def _assign(model, pairs) -> None:
    """`pairs` of (object id, registrar id): objects used by exactly one registrar get it."""
    sponsors: dict[int, set[int]] = {}
    for object_id, registrar_id in pairs:
        sponsors.setdefault(object_id, set()).add(registrar_id)
    by_registrar: dict[int, list[int]] = {}
    for object_id, found in sponsors.items():
        if len(found) == 1:
            by_registrar.setdefault(found.pop(), []).append(object_id)
    for registrar_id, ids in by_registrar.items():
        for start in range(0, len(ids), 500):
            model.objects.filter(pk__in=ids[start : start + 500]).update(registrar_id=registrar_id)


def _sponsors(apps, schema_editor):
    Contact = apps.get_model("registry", "Contact")
    Host = apps.get_model("registry", "Host")
    Domain = apps.get_model("registry", "Domain")
    DomainNameServer = apps.get_model("registry", "DomainNameServer")
    live = Domain.objects.filter(deleted_at__isnull=True)
    pairs = []
    for role in ("registrant", "admin_contact", "tech_contact", "billing_contact"):
        unsponsored = live.filter(**{f"{role}__registrar__isnull": True})
        pairs.extend(unsponsored.values_list(f"{role}_id", "registrar_id").distinct())
    _assign(Contact, pairs)
    links = DomainNameServer.objects.filter(host__registrar__isnull=True, domain__deleted_at__isnull=True)
    _assign(Host, links.values_list("host_id", "domain__registrar_id").distinct())


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_registrar_status"),
    ]

    operations = [
        migrations.RemoveField(model_name="registrar", name="active"),
        migrations.AlterField(
            model_name="historyentry",
            name="object_key",
            field=models.CharField(
                help_text="domain name, contact handle, host name or registrar handle", max_length=255
            ),
        ),
        migrations.AlterField(
            model_name="historyentry",
            name="object_type",
            field=models.CharField(
                choices=[("domain", "Domain"), ("contact", "Contact"), ("host", "Host"), ("registrar", "Registrar")],
                max_length=10,
            ),
        ),
        migrations.RunPython(_first_versions, migrations.RunPython.noop),
        migrations.RunPython(_sponsors, migrations.RunPython.noop),
    ]
