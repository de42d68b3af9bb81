"""Ordering from the cabinet (S3): a new domain and a renewal, each with its price on a confirmation page
with the rights links (S5, PS-3.11), charged once however often the confirmation is sent; problems named
beside their fields with what was typed kept; another tenant's registrant or domain is 404."""

from __future__ import annotations

import re

import pytest

from kzreg.registrar.access import account_of
from kzreg.registrar.models import Order, Service
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
RIGHTS = "registrant-rights-responsibilities"


def new_order(customer_id: int, **changes: str) -> dict[str, str]:
    form = {
        "step": "quote", "name": "new-altyn.kz", "customer": str(customer_id), "nameservers": "ns1.ps.kz\nns2.ps.kz",
        "address": "Abay avenue 10", "city": "Almaty", "region": "Almaty", "years": "1",
    }  # fmt: skip
    form.update(changes)
    return form


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_a_new_domain_is_quoted_confirmed_and_charged_once(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    form = client.get("/cabinet/order/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customer ALTYN" in form and "Customer SIBHOST" not in form and RIGHTS in form
    quote = client.post("/cabinet/order/", new_order(a.customer.pk), HTTP_ACCEPT_LANGUAGE="en")
    page = quote.content.decode()
    assert quote.status_code == 200 and "Confirm the order" in page and "$40.00" in page and RIGHTS in page
    assert Order.objects.filter(domain="new-altyn.kz").count() == 0  # a quote orders nothing
    confirm = hidden(page)
    assert confirm["step"] == "confirm" and confirm["key"].startswith("cabinet-create-")
    done = client.post("/cabinet/order/", confirm, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 302 and done["Location"] == "/cabinet/domains/new-altyn.kz/"
    again = client.post("/cabinet/order/", confirm, HTTP_ACCEPT_LANGUAGE="en")  # sent twice: one order
    assert again.status_code == 302
    assert Order.objects.filter(domain="new-altyn.kz").count() == 1
    assert Service.objects.get(name="new-altyn.kz").reseller == a.reseller
    assert str(account_of(a.admin).balance) == "920.00 USD"
    shown = client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Registration of new-altyn.kz: done." in shown  # the feedback, on the next page


def test_problems_are_named_beside_their_fields_and_input_is_kept(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    answer = client.post("/cabinet/order/", new_order(a.customer.pk, nameservers="", city="", years="99"),
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400
    assert re.search(r'id="o-ns-error">Fill this in<', html) and re.search(r'id="o-city-error">Fill this in<', html)
    assert re.search(r'id="o-years-error">From 1 to 10<', html)
    assert 'value="new-altyn.kz"' in html and 'value="Abay avenue 10"' in html
    taken = client.post("/cabinet/order/", new_order(a.customer.pk, name=a.service.name), HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 400 and 'id="o-name-error"' in taken.content.decode()


def test_another_tenants_registrant_cannot_be_ordered_for(client, two_tenants):
    client.force_login(two_tenants.a.admin)
    assert client.post("/cabinet/order/", new_order(two_tenants.b.customer.pk)).status_code == 404


def test_view_only_users_and_registrants_cannot_order(client, two_tenants, settings):
    client.force_login(two_tenants.a.viewer)
    assert client.get("/cabinet/order/").status_code == 403
    assert client.get(f"/cabinet/domains/{two_tenants.a.service.name}/renew/").status_code == 403
    client.force_login(two_tenants.registrant)
    assert client.get("/cabinet/order/").status_code == 403  # a new domain: never a registrant's own order
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": "nameservers"}  # no renew
    assert client.get(f"/cabinet/domains/{two_tenants.a.service.name}/renew/").status_code == 403


def test_a_renewal_is_quoted_confirmed_and_extends_the_expiry(client, two_tenants):
    a = two_tenants.a
    before = a.service.expires_at
    client.force_login(a.admin)
    assert "Renew" in client.get(f"/cabinet/domains/{a.service.name}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    url = f"/cabinet/domains/{a.service.name}/renew/"
    quote = client.post(url, {"step": "quote", "years": "2"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "$80.00" in quote and RIGHTS in quote
    done = client.post(url, hidden(quote), HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 302
    a.service.refresh_from_db()
    assert a.service.expires_at.year == before.year + 2
    assert str(account_of(a.admin).balance) == "880.00 USD"
    assert (
        "Renewal of altyn-tenant.kz: done." in client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
