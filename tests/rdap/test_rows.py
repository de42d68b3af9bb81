"""The raw-SQL hot path (`kzreg.registry.reads.joined`) reads exactly what the ORM reads, on either database."""

from __future__ import annotations

import pytest

from kzreg.registry.models import Contact, Domain, Host
from kzreg.registry.reads import joined
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_live_domain_matches_the_orm(make_domain):
    made = make_domain("example.kz", reseller="Alpha Hosting", ds_records=("1 8 2 " + "AB" * 32,), tech=person(5))
    fast = joined.live_domain("example.kz")
    orm = Domain.objects.get(id=made.id)
    for name in joined.DOMAIN_FIELDS:
        assert getattr(fast, name) == getattr(orm, name), name
    for role in ("registrant", "admin_contact", "tech_contact", "billing_contact"):
        orm_contact = Contact.objects.get(id=getattr(orm, f"{role}_id"))
        for name in joined.CONTACT_FIELDS:
            assert getattr(getattr(fast, role), name) == getattr(orm_contact, name), (role, name)
    assert fast.registrar.handle == "PS-KZ" and fast.reseller_name == "Alpha Hosting"
    hosts = joined.hosts_of([made.id])[made.id]
    assert [h.name for h in hosts] == ["ns1.ps.kz", "ns2.ps.kz"]
    for host in hosts:
        orm_host = Host.objects.get(id=host.id)
        assert all(getattr(host, name) == getattr(orm_host, name) for name in joined.HOST_FIELDS)


def test_no_reseller_and_no_domain(make_domain):
    make_domain("example.kz")
    assert joined.live_domain("example.kz").reseller_name == ""
    assert joined.live_domain("absent.kz") is None
    assert joined.hosts_of([]) == {}
