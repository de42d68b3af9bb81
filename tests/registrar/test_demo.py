"""The demo's registrar records: PS-KZ's two resellers (Altyn, Sibhost) each with their own customers and
services, matching the demo registry's domains; the price lists and the resellers' deposits."""

from __future__ import annotations

import pytest

from kzreg.billing.books import reseller_deposit
from kzreg.demo.loader import load_demo
from kzreg.registrar.demo import load_demo_records
from kzreg.registrar.models import Customer, Service
from kzreg.registry.models import Domain
from kzreg.resellers.models import Reseller

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_each_reseller_serves_its_own_customers_and_domains():
    load_demo(out=lambda line: None)
    live = {d.name: d.reseller_name for d in Domain.objects.filter(deleted_at__isnull=True, registrar__handle="PS-KZ")}
    services = list(Service.objects.select_related("reseller", "customer"))
    assert {s.name for s in services} == set(live)
    for service in services:
        assert live[service.name] == (service.reseller.name if service.reseller else "")
        assert service.customer.reseller_id == service.reseller_id  # a customer is its own reseller's
        assert service.expires_at and service.sponsored
    altyn, sibhost = Reseller.objects.get(handle="ALTYN"), Reseller.objects.get(handle="SIBHOST")
    for reseller in (altyn, sibhost):
        assert Service.objects.filter(reseller=reseller).count() > 10
        assert reseller_deposit(reseller).balance_minor > 0
    assert not Customer.objects.filter(reseller=altyn, services__reseller=sibhost).exists()
    assert Customer.objects.exclude(contact_handle="").count() == Customer.objects.count()
    assert Service.objects.filter(auto_renew=True).exists()
    assert load_demo_records("PS-KZ", [altyn, sibhost]) == 0  # a second run makes nothing twice
