"""Demo data (issue 2): the chain registry ← registrar ← resellers ← registrants, made through the operations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kzreg.accounts.models import StaffProfile
from kzreg.demo import load_demo_if_empty
from kzreg.demo.loader import DEMO_PASSWORD, DOMAIN_COUNT, RESELLERS
from kzreg.registry.models import Contact, Domain, DomainNameServer, HistoryEntry, Host, ObjectType, Registrar
from kzreg.resellers.models import Reseller

KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.mark.django_db
def test_demo_load_creates_parties_domains_and_history_R1_R2_R13_S1():
    assert load_demo_if_empty() is True

    users = get_user_model().objects
    assert users.get(username="registry").is_superuser
    assert StaffProfile.objects.get(user__username="registry").organisation == "registry"
    registrar = Registrar.objects.get(handle="PS-KZ")
    assert StaffProfile.objects.get(user__username="ps-admin").registrar == registrar
    resellers = list(Reseller.objects.filter(registrar=registrar))
    assert len(resellers) == 2 and all(r.bin and r.contract_number and r.contract_signed_at for r in resellers)
    for reseller in resellers:
        profile = StaffProfile.objects.get(reseller=reseller)
        assert profile.organisation == "reseller" and profile.registrar == registrar
        assert profile.user.check_password(DEMO_PASSWORD)

    domains = list(Domain.objects.all())
    assert len(domains) == DOMAIN_COUNT
    latin_kz = [d for d in domains if d.zone.name == "kz" and d.unicode_name.isascii()]
    cyrillic_kz = [d for d in domains if d.zone.name == "kz" and not d.unicode_name.isascii()]
    idn_zone = [d for d in domains if d.zone.name == "xn--80ao21a"]
    assert len(latin_kz) > 100 and len(cyrillic_kz) > 10 and len(idn_zone) > 10
    assert any(set(d.unicode_name) & KAZAKH_LETTERS for d in idn_zone)
    assert {d.reseller_name for d in domains} >= {"", *(r.name for r in resellers)}
    assert sum(d.hold for d in domains) >= 3 and sum(d.suspended for d in domains) >= 2
    assert any(d.hold and d.suspended for d in domains)
    assert sum(bool(d.ds_records) for d in domains) >= 3
    assert any((d.expires_at - d.created_at).days > 3 * 365 for d in domains)

    contacts = Contact.objects.all()
    assert any(set(c.name.lower()) & KAZAKH_LETTERS for c in contacts)
    assert any(c.name.startswith("Иванов") or c.name.endswith("ович") for c in contacts)
    assert any(c.name.isascii() for c in contacts)
    assert all(p.startswith("+7 ") for c in contacts for p in c.phones)
    assert Host.objects.filter(name__endswith=".xn--80ao21a").exists()  # glue inside the IDN zone
    assert any(":" in a for h in Host.objects.all() for a in h.addresses)  # IPv6
    assert all(DomainNameServer.objects.filter(domain=d).count() >= 2 for d in domains)

    history = HistoryEntry.objects.filter(object_type=ObjectType.DOMAIN)
    assert history.filter(version=1).count() == DOMAIN_COUNT
    operations = set(history.values_list("operation", flat=True))
    assert {"domain_create", "domain_renew", "domain_modify", "domain_transfer", "domain_status_set"} <= operations
    assert set(history.values_list("channel", flat=True)) == {"system"}
    # a reseller's staff acts as its registrar: the registry's history shows registrar actors only
    assert not history.filter(role="reseller").exists() and history.filter(role="registry").exists()
    assert history.filter(role="registrar", principal=RESELLERS[0][-1]).exists()

    # The demo zones publish: the registry's own servers inside `kz` have (demo) addresses (P2).
    from kzreg.zone.models import ApexAddress

    assert set(ApexAddress.objects.values_list("host", flat=True)) == {"ns.nic.kz", "ns2.nic.kz"}

    # Idempotent: a database with domains is left alone (kzreg up on every later start).
    counts = (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count(), users.count())
    assert load_demo_if_empty() is False
    assert (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count(), users.count()) == counts
