"""Every cabinet URL with another tenant's ids is 404 (PS-8, C4), signed out it is the login page.

The sweep walks `kzreg.cabinet.urls` itself: a page added later is swept too. A pattern whose parameter
this file does not know how to fill fails the test, naming the parameter to add to `OTHER_TENANTS_ID`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from kzreg.cabinet import urls
from tests.cabinet.money_objects import invoice_to
from tests.cabinet.ops_objects import bulk_job_of
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
CABINET = [p for p in urls.urlpatterns if isinstance(p, URLPattern) and str(p.pattern).startswith("cabinet/")]


def fill(pattern: URLPattern, ids: dict[str, object]) -> str:
    route = str(pattern.pattern)
    for name in pattern.pattern.converters:
        assert name in ids, f"{route}: teach test_sweep how to fill <{name}>"
        route = route.replace(f"<str:{name}>", str(ids[name])).replace(f"<int:{name}>", str(ids[name]))
    return "/" + route


def tenant_ids(tenant) -> dict[str, object]:
    return {
        "name": tenant.service.name,
        "customer_id": tenant.customer.pk,
        "number": invoice_to(tenant).number,
        "job_id": bulk_job_of(tenant).pk,
    }


def test_the_sweep_sees_the_cabinets_pages():
    assert {p.name for p in CABINET} >= {"dashboard", "domains", "domain", "domain_auth_code", "registrants",
                                          "registrant"}  # fmt: skip


@pytest.mark.parametrize("pattern", [p for p in CABINET if p.pattern.converters], ids=lambda p: p.name)
def test_another_tenants_ids_are_not_found(client, two_tenants, pattern):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.admin)
    own = fill(pattern, tenant_ids(a))
    others = fill(pattern, tenant_ids(b))
    method = client.post if pattern.name.endswith("auth_code") else client.get
    assert method(own).status_code == 200, own
    assert method(others).status_code == 404, others
    client.force_login(b.admin)  # and the other way round
    assert client.get(own).status_code in (404, 405), own


@pytest.mark.parametrize("filters", [{"registrant": "customer_id"}, {"reseller": "reseller"}])
def test_another_tenants_ids_in_a_filter_are_not_found(client, two_tenants, filters):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.admin)
    ((name, what),) = filters.items()
    other = b.customer.pk if what == "customer_id" else b.reseller.pk
    own = a.customer.pk if what == "customer_id" else a.reseller.pk
    assert client.get("/cabinet/domains/", {name: own}).status_code == 200
    assert client.get("/cabinet/domains/", {name: other}).status_code == 404
    assert client.get("/cabinet/domains/", {name: "x"}).status_code == 404


@pytest.mark.parametrize("pattern", CABINET, ids=lambda p: p.name)
def test_signed_out_every_cabinet_page_asks_to_sign_in(client, two_tenants, pattern):
    url = fill(pattern, tenant_ids(two_tenants.a))
    answer = client.post(url) if pattern.name.endswith("auth_code") else client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/account/login/"), url
