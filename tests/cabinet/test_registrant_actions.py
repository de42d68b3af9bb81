"""Registrants do what their registrar allows (issue 13: "Registrants who log in see only their own domains
and can do what their registrar allows"; `KZREG_REGISTRANT_ACTIONS`, default renew, name servers and the
authorization code): the pages offer only those; a renewal is placed as the domain's seller and paid from
the reseller's deposit, the confirmation saying who pays; an action the registrar does not allow is 403
with its name in kk/ru/en, another registrant's domain 404, and nothing is ordered either way."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kzreg.accounts.models import RegistrantLink
from kzreg.billing.books import customer_account, registrar_book
from kzreg.billing.money import Money
from kzreg.billing.price_lists import set_own_retail_price
from kzreg.core import clock
from kzreg.registrar import actions
from kzreg.registrar.access import account_of
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import CustomerData, create_customer
from kzreg.registrar.models import Order
from tests.tenants import LOCATION, NS, REGISTRAR, make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
RIGHTS = "registrant-rights-responsibilities"


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def allow(settings, actions: str) -> None:
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": actions}


def test_the_domain_page_offers_only_what_the_registrar_allows(client, two_tenants, settings):
    a = two_tenants.a
    client.force_login(two_tenants.registrant)
    url = f"/cabinet/domains/{a.service.name}/"
    page = client.get(url, **EN).content.decode()  # the default: renew, name servers, the code
    assert "/renew/" in page and "/modify/" in page and "Show the code" in page
    assert "/delete/" not in page and "/registrant/" not in page  # never a registrant change
    allow(settings, "delete")
    page = client.get(url, **EN).content.decode()
    assert "/delete/" in page and "/renew/" not in page and "/modify/" not in page and "Show the code" not in page


def test_a_registrant_renews_its_domain_paid_from_the_resellers_deposit(client, two_tenants):
    a = two_tenants.a
    before = a.service.expires_at
    client.force_login(two_tenants.registrant)
    url = f"/cabinet/domains/{a.service.name}/renew/"
    quote = client.post(url, {"step": "quote", "years": "1"}, **EN).content.decode()
    assert "Altyn Hosting pays for the renewal from its deposit and bills you at its own prices" in quote
    assert "$40.00" not in quote and RIGHTS in quote  # the reseller's wholesale price is not shown
    done = client.post(url, hidden(quote), **EN)
    assert done.status_code == 302
    assert client.post(url, hidden(quote), **EN).status_code == 302  # sent twice: one order, one charge
    order = Order.objects.get(kind="renew", domain=a.service.name)
    assert order.state == "done" and order.payer == f"reseller:{a.reseller.pk}"
    assert order.principal == "registrant:registrant"  # who asked, for the reseller's and the audit's eyes
    assert str(account_of(a.admin).balance) == "920.00 USD"  # 1000 − 40 registration − 40 renewal
    a.service.refresh_from_db()
    assert a.service.expires_at.year == before.year + 1


def test_the_registrars_own_customer_renews_at_the_retail_price_it_is_shown(client, two_tenants, registrar):
    now = clock.now()
    for command in ("create", "renew"):
        set_own_retail_price(registrar, "kz", command, 1, Money.of("55.00", "USD"), "test", now - dt.timedelta(days=1))
    data = CustomerData(
        kind="I", name="Own Customer", address="Abay avenue 10", city="Almaty", region="Almaty", postal_code="050000",
        country_code="KZ", email="own@mail.kz", phone="+7.7010000099", language="en", consent_at=now,
    )  # fmt: skip
    own = create_customer(data, REGISTRAR, None)
    staff = actions.Seller(REGISTRAR, None, "ps-staff")
    created = actions.order_create(LocalConnection(REGISTRAR, "test"), staff, name="own-registrant.kz", years=1,
                                   customer_id=own.pk, nameservers=NS, location=LOCATION, key="own-1")  # fmt: skip
    assert created.state == "done"
    holder = make_user("own-holder", "registrant")
    RegistrantLink.objects.create(user=holder, customer=own, created_at=now)
    client.force_login(holder)
    url = "/cabinet/domains/own-registrant.kz/renew/"
    quote = client.post(url, {"step": "quote", "years": "1"}, **EN).content.decode()
    assert "$55.00" in quote and "added to what you owe Internet-company PS LLP" in quote
    assert client.post(url, hidden(quote), **EN).status_code == 302
    order = Order.objects.get(kind="renew", domain="own-registrant.kz")
    assert order.state == "done" and order.payer == f"customer:{own.pk}"
    owed = customer_account(registrar_book(registrar, clock.now()), order.payer, "USD", clock.now())
    assert owed.balance == Money.of("-110.00", "USD")  # the registration and the renewal, invoiced later


def test_a_registrant_changes_its_name_servers_and_nothing_else(client, two_tenants):
    a = two_tenants.a
    client.force_login(two_tenants.registrant)
    url = f"/cabinet/domains/{a.service.name}/modify/"
    form = client.get(url, **EN).content.decode()
    assert 'name="nameservers"' in form and 'name="ds_records"' not in form and 'name="address"' not in form
    assert 'name="admin"' not in form  # choosing among the seller's customers needs the order permission
    key = hidden(form)["key"]
    moved = client.post(url, {"key": key, "nameservers": "ns1.ps.kz", "address": "Dostyk 5", "city": "Almaty",
                              "region": "Almaty"}, **EN)  # fmt: skip
    assert moved.status_code == 403 and "change the server location" in moved.content.decode()
    admin = client.post(url, {"key": key, "nameservers": "ns1.ps.kz", "admin": str(a.customer.pk)}, **EN)
    assert admin.status_code == 403
    assert not Order.objects.filter(kind="modify").exists()
    done = client.post(url, {"key": key, "nameservers": "ns2.ps.kz\nns1.ps.kz"}, **EN)
    assert done.status_code == 302, re.findall(r'class="field__error"[^>]*>([^<]*)<', done.content.decode())
    order = Order.objects.get(kind="modify", domain=a.service.name)
    assert order.state == "done" and order.request["nameservers"] == ["ns2.ps.kz", "ns1.ps.kz"]
    assert not {"location", "ds_records", "admin"} & order.request.keys()  # only what the registrant may change
    assert order.payer == f"reseller:{a.reseller.pk}" and order.principal == "registrant:registrant"


def test_the_authorization_code_is_shown_to_its_registrant_and_logged(client, two_tenants, caplog):
    a = two_tenants.a
    client.force_login(two_tenants.registrant)
    with caplog.at_level("INFO", logger="kzreg.registrar.audit"):
        shown = client.post(f"/cabinet/domains/{a.service.name}/auth-code/", **EN)
    assert shown.status_code == 200 and re.search(r'<span class="secret"[^>]*>[^<]{8,}</span>', shown.content.decode())
    assert any(a.service.name in r.getMessage() and "registrant:registrant" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("lang", "words"), [("kk", "DNS серверлерін"), ("ru", "смена DNS-серверов"),
                                             ("en", "change the name servers")])  # fmt: skip
def test_an_action_the_registrar_does_not_allow_is_403_in_the_users_language(client, two_tenants, settings, lang,
                                                                             words):  # fmt: skip
    a = two_tenants.a
    allow(settings, "renew")
    client.force_login(two_tenants.registrant)
    answer = client.get(f"/cabinet/domains/{a.service.name}/modify/", HTTP_ACCEPT_LANGUAGE=lang)
    assert answer.status_code == 403 and words in answer.content.decode()
    for page in ("delete", "registrant"):
        assert (
            client.post(f"/cabinet/domains/{a.service.name}/{page}/", {"key": f"cabinet-{page}-x"}).status_code == 403
        )
    assert client.post(f"/cabinet/domains/{a.service.name}/auth-code/").status_code == 403
    assert not Order.objects.exclude(kind="create").exists()


def test_another_registrants_domain_is_not_found(client, two_tenants, settings):
    a, b = two_tenants.a, two_tenants.b
    allow(settings, "renew,nameservers,ds_records,location,auth_code,delete")  # everything: still only its own
    other = make_user("registrant-b", "registrant")
    RegistrantLink.objects.create(user=other, customer=b.customer, created_at=clock.now())
    client.force_login(other)
    assert client.get(f"/cabinet/domains/{b.service.name}/renew/").status_code == 200
    for page in ("", "renew/", "modify/", "delete/"):
        assert client.get(f"/cabinet/domains/{a.service.name}/{page}").status_code == 404, page
    posts = {"renew/": {"step": "confirm", "years": "1", "key": "cabinet-renew-x"}, "auth-code/": {},
             "delete/": {"key": "cabinet-delete-x"}, "modify/": {"key": "k", "nameservers": "ns1.ps.kz"}}  # fmt: skip
    for page, form in posts.items():
        assert client.post(f"/cabinet/domains/{a.service.name}/{page}", form).status_code == 404, page
    assert not Order.objects.exclude(kind="create").exists()
