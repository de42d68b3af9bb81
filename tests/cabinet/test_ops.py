"""The domain operations from the cabinet (issue 13 §Domains): modify (name servers, administrative
contact, DS records, server location), delete behind a confirmation, registrant change (R14) and transfer
in with the authorization code — through the local registry connection, with what was typed kept and each
problem beside its field, nothing charged on a refusal, another tenant's ids 404 and a viewer 403."""

from __future__ import annotations

import re

import pytest

from kzreg.registrar.access import account_of
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import CustomerData, create_customer
from kzreg.registrar.models import Order, Service
from kzreg.registry import operations as registry_ops
from kzreg.registry.models import Domain
from tests.tenants import REGISTRAR, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGES = ("modify", "delete", "registrant")
DS = "12345 13 2 " + "ab" * 32


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def registry_state(name: str):
    return LocalConnection(REGISTRAR, "test").info(name)


def second_customer(tenant):
    data = CustomerData(kind="R", name="Second Owner", organisation="Second Owner LLP", address="Dostyk 5",
                        city="Almaty", country_code="KZ", email="second@mail.kz", phone="+7.7010000099",
                        language="en", consent_at=tenant.customer.consent_at)  # fmt: skip
    return create_customer(data, REGISTRAR, tenant.reseller)


@pytest.mark.parametrize(("lang", "word"), [("kk", "Өзгерту"), ("ru", "Изменить"), ("en", "Change")])
def test_every_page_speaks_three_languages(client, two_tenants, lang, word):
    a = two_tenants.a
    client.force_login(a.admin)
    assert word in client.get(f"/cabinet/domains/{a.service.name}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    titles = {"modify": "ops.modify_title", "delete": "ops.delete_title", "registrant": "ops.registrant_title"}
    from kzreg.cabinet.texts import text

    for page, key in titles.items():
        answer = client.get(f"/cabinet/domains/{a.service.name}/{page}/", HTTP_ACCEPT_LANGUAGE=lang)
        assert answer.status_code == 200 and text(key, lang, name=a.service.name) in answer.content.decode(), page
    transfer = client.get("/cabinet/transfer/", HTTP_ACCEPT_LANGUAGE=lang)
    assert transfer.status_code == 200 and text("ops.transfer_title", lang) in transfer.content.decode()


def test_ds_records_and_location_are_changed_for_free(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    url = f"/cabinet/domains/{a.service.name}/modify/"
    form = client.get(url, **EN).content.decode()
    assert "ns1.ps.kz\nns2.ps.kz</textarea>" in form and 'value="Abay avenue 10"' in form  # starts from now
    sent = {**hidden(form), "nameservers": "ns1.ps.kz\nns2.ps.kz", "ds_records": DS, "admin": "",
            "address": "Dostyk 5", "city": "Almaty", "region": "Almaty"}  # fmt: skip
    done = client.post(url, sent, **EN)
    assert done.status_code == 302 and done["Location"] == f"/cabinet/domains/{a.service.name}/"
    assert client.post(url, sent, **EN).status_code == 302  # sent twice: one order
    order = Order.objects.get(kind="modify", domain=a.service.name)
    assert order.state == "done" and order.request["location"]["address"] == "Dostyk 5"
    assert order.request["ds_records"] == [DS] and "nameservers" not in order.request  # only what changed
    assert str(account_of(a.admin).balance) == "960.00 USD"  # the registration only
    page = client.get(done["Location"], **EN).content.decode()
    assert f"Change of {a.service.name}: done." in page and "Dostyk 5" in page and DS in page


def test_the_administrative_contact_is_another_registrant(client, two_tenants):
    a = two_tenants.a
    other = second_customer(a)
    client.force_login(a.admin)
    url = f"/cabinet/domains/{a.service.name}/modify/"
    sent = {**hidden(client.get(url).content.decode()), "nameservers": "ns1.ps.kz\nns2.ps.kz", "admin": str(other.pk),
            "ds_records": "", "address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}  # fmt: skip
    assert client.post(url, sent).status_code == 302
    other.refresh_from_db()
    assert other.contact_handle and registry_state(a.service.name).contacts["admin"] == other.contact_handle
    sent["admin"] = str(two_tenants.b.customer.pk)  # the other tenant's registrant
    assert client.post(url, sent).status_code == 404


def test_a_bad_change_keeps_what_was_typed_and_names_the_field(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    url = f"/cabinet/domains/{a.service.name}/modify/"
    base = {"nameservers": "ns1.ps.kz\nns2.ps.kz", "ds_records": "", "admin": "", "address": "Abay avenue 10",
            "city": "Almaty", "region": "Almaty"}  # fmt: skip

    def send(**changes: str):
        key = hidden(client.get(url).content.decode())["key"]
        answer = client.post(url, {**base, "key": key, **changes}, **EN)
        assert answer.status_code == 400
        return answer.content.decode()

    assert re.search(r'class="flash flash--error" role="alert">[^<]+<', send())  # nothing to change
    emptied = send(city="", address="Satpayev 1")
    assert re.search(r'id="m-city-error">Fill this in<', emptied) and 'value="Satpayev 1"' in emptied
    too_few = send(nameservers="ns1.ps.kz")
    assert re.search(r'id="m-ns-error">[^<]*name server', too_few) and "ns1.ps.kz</textarea>" in too_few
    bad_ds = send(ds_records="not a ds record")
    assert 'id="m-ds-error"' in bad_ds and "not a ds record</textarea>" in bad_ds
    assert registry_state(a.service.name).nameservers == ("ns1.ps.kz", "ns2.ps.kz")
    assert str(account_of(a.admin).balance) == "960.00 USD"


def test_a_domain_is_deleted_after_the_confirmation(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    url = f"/cabinet/domains/{a.service.name}/delete/"
    page = client.get(url, **EN).content.decode()
    assert "data-confirm=" in page and "Really delete the domain altyn-tenant.kz?" in page
    assert Order.objects.filter(kind="delete").count() == 0  # showing the page deletes nothing
    done = client.post(url, hidden(page), **EN)
    assert done.status_code == 302 and done["Location"] == "/cabinet/domains/"
    assert client.post(url, hidden(page), **EN).status_code in (302, 404)  # sent again: no second order
    assert Order.objects.filter(kind="delete", domain=a.service.name).count() == 1
    assert f"Deletion of {a.service.name}: done." in client.get("/cabinet/domains/", **EN).content.decode()
    assert registry_state(a.service.name) is None or "pendingDelete" in registry_state(a.service.name).statuses
    assert client.post(url, {}, **EN).status_code in (200, 404)  # no key: nothing is done


def test_the_registrant_is_changed_after_a_confirmation(client, two_tenants):
    a = two_tenants.a
    newcomer = second_customer(a)
    client.force_login(a.admin)
    url = f"/cabinet/domains/{a.service.name}/registrant/"
    form = client.get(url, **EN).content.decode()
    assert "Second Owner LLP" in form and "Customer SIBHOST" not in form
    missing = client.post(url, {"step": "quote", "customer": ""}, **EN)
    assert missing.status_code == 400 and re.search(r'id="r-customer-error">Fill this in<', missing.content.decode())
    quote = client.post(url, {"step": "quote", "customer": str(newcomer.pk)}, **EN).content.decode()
    assert (
        "Confirm" in quote
        and "Second Owner LLP" in quote
        and Order.objects.filter(kind="registrant_change").count() == 0
    )
    done = client.post(url, hidden(quote), **EN)
    assert done.status_code == 302
    assert Service.objects.get(pk=a.service.pk).customer_id == newcomer.pk
    assert str(account_of(a.admin).balance) == "960.00 USD"
    assert client.post(url, {"step": "quote", "customer": str(two_tenants.b.customer.pk)}).status_code == 404


def test_a_domain_is_transferred_in_with_its_code(client, two_tenants, other_registrar, make_domain, staff):
    a = two_tenants.a
    make_domain("incoming.kz", registrar="HOSTER-KZ")
    code = registry_ops.domain_auth_code(staff, Domain.objects.get(name="incoming.kz"))
    client.force_login(a.admin)
    form = {"step": "quote", "name": "incoming.kz", "auth_code": "", "customer": str(a.customer.pk), "years": "1"}
    empty = client.post("/cabinet/transfer/", form, **EN).content.decode()
    assert re.search(r'id="t-code-error">Fill this in<', empty) and 'value="incoming.kz"' in empty
    wrong = client.post("/cabinet/transfer/", hidden(client.post("/cabinet/transfer/", {**form, "auth_code": "nope-nope"},
                                                                  **EN).content.decode()), **EN)  # fmt: skip
    assert wrong.status_code == 400 and 'value="nope-nope"' in wrong.content.decode()
    assert str(account_of(a.admin).balance) == "960.00 USD"  # refused: refunded
    quote = client.post("/cabinet/transfer/", {**form, "auth_code": code}, **EN).content.decode()
    assert "$40.00" in quote and "registrant-rights-responsibilities" in quote
    done = client.post("/cabinet/transfer/", hidden(quote), **EN)
    assert done.status_code == 302
    order = Order.objects.get(kind="transfer_in", domain="incoming.kz", state="done")
    assert code not in str(order.request) and str(account_of(a.admin).balance) == "920.00 USD"
    assert client.post("/cabinet/transfer/", {**form, "customer": str(two_tenants.b.customer.pk)}).status_code == 404


def test_viewers_and_registrants_may_not_change_anything(client, two_tenants, settings):
    """A view-only user, and a registrant whose registrar allows registrants nothing but viewing."""
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": ""}
    a = two_tenants.a
    for user in (a.viewer, two_tenants.registrant):
        client.force_login(user)
        for page in PAGES:
            assert client.get(f"/cabinet/domains/{a.service.name}/{page}/").status_code == 403, page
            assert (
                client.post(f"/cabinet/domains/{a.service.name}/{page}/", {"key": "cabinet-delete-x"}).status_code
                == 403
            )
        assert client.get("/cabinet/transfer/").status_code == 403
    assert not Order.objects.exclude(kind="create").exists()


def test_another_tenants_domain_is_not_found_and_unchanged(client, two_tenants):
    b = two_tenants.b
    client.force_login(two_tenants.a.admin)
    for page in PAGES:
        assert client.post(f"/cabinet/domains/{b.service.name}/{page}/", {"key": f"cabinet-{page}-x",
                                                                           "nameservers": "ns1.ps.kz"}).status_code == 404  # fmt: skip
    assert not Order.objects.exclude(kind="create").exists()
