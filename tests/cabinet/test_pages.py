"""The cabinet's pages through the Django client: signed out → the login page; the dashboard, domains
(filters, sorting, keyset pages), a domain (sponsor named, PS-3.8; authorization code, confirmed and
logged) and registrants (the view logged, PS-8) in kk, ru and en; what a role may not do is 403."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kzreg.accounts.models import PersonalDataView
from kzreg.core import clock
from kzreg.registrar.models import Service
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TITLES = {"kk": "Домендер", "ru": "Домены", "en": "Domains"}


def signed_in(client, user):
    client.force_login(user)
    return client


def domain_names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cabinet/domains/([^/"]+)/">', html)


def add_services(tenant, count: int, expires_in_days: int = 200) -> None:
    now = clock.now()
    Service.objects.bulk_create(
        Service(
            name=f"page-{n:03d}.kz",
            registrar_handle="PS-KZ",
            reseller=tenant.reseller,
            customer=tenant.customer,
            expires_at=now + dt.timedelta(days=expires_in_days + n),
            statuses=["active"],
            created_at=now,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("url", ["/cabinet/", "/cabinet/domains/", "/cabinet/registrants/"])
def test_signed_out_goes_to_the_login_page(client, url):
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/account/login/?next=")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_speaks_the_users_language(client, two_tenants, lang):
    a = two_tenants.a
    signed_in(client, a.admin)
    for url in ("/cabinet/", "/cabinet/domains/", f"/cabinet/domains/{a.service.name}/", "/cabinet/registrants/",
                f"/cabinet/registrants/{a.customer.pk}/"):  # fmt: skip
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert f'<html lang="{lang}">' in html and TITLES[lang] in html, url


def test_the_dashboard_shows_money_expiry_and_todays_orders(client, two_tenants):
    a = two_tenants.a
    add_services(a, 3, expires_in_days=40)  # 40, 41, 42 days: within 60 and 90, not 30
    html = signed_in(client, a.admin).get("/cabinet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "$960.00" in html  # 1,000 paid in, one 1-year create at 40.00 wholesale
    counts = re.findall(r'<span class="stat__value">(\d+)</span>\s*<span class="stat__label">within (\d+) days', html)
    assert [(int(n), int(d)) for n, d in counts] == [(0, 30), (3, 60), (3, 90)]  # the tenant's own: a year out
    assert "altyn-tenant.kz" in html and "Done" in html
    assert "sibhost-tenant.kz" not in html
    assert '<svg class="chart"' in html and "<rect" in html


def test_a_view_only_user_sees_no_money_and_cannot_ask_for_the_code(client, two_tenants):
    a = two_tenants.a
    signed_in(client, a.viewer)
    assert "Balance" not in client.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get(f"/cabinet/domains/{a.service.name}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Show the code" not in page
    refused = client.post(f"/cabinet/domains/{a.service.name}/auth-code/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and "order" in refused.content.decode()


def test_registry_staff_are_not_a_tenant_of_the_cabinet(client, two_tenants):
    root = get_user_model().objects.create_superuser("root", "root@nic.kz", "x" * 12)
    assert signed_in(client, root).get("/cabinet/domains/").status_code == 403


def test_the_domains_list_is_the_sellers_own(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    html = signed_in(client, a.admin).get("/cabinet/domains/").content.decode()
    assert domain_names(html) == [a.service.name]
    staff = signed_in(client, two_tenants.registrar_staff).get("/cabinet/domains/", HTTP_ACCEPT_LANGUAGE="en")
    names = domain_names(staff.content.decode())
    assert a.service.name in names and b.service.name in names
    assert "Altyn Hosting" in staff.content.decode()  # registrar staff see the reseller column


def test_keyset_pages_sort_both_ways_and_never_repeat(client, two_tenants):
    a = two_tenants.a
    add_services(a, 60)
    signed_in(client, a.admin)
    first = client.get("/cabinet/domains/", {"sort": "-name"}).content.decode()
    names = domain_names(first)
    assert len(names) == 50 and names == sorted(names, reverse=True)
    after = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(f"/cabinet/domains/?{after}").content.decode()
    rest = domain_names(second)
    assert len(rest) == 11 and not set(rest) & set(names) and rest == sorted(rest, reverse=True)
    assert 'rel="next"' not in second and 'aria-sort="descending"' in second
    by_expiry = domain_names(client.get("/cabinet/domains/", {"sort": "expires"}).content.decode())
    assert by_expiry[:3] == ["page-000.kz", "page-001.kz", "page-002.kz"]
    assert len(domain_names(client.get("/cabinet/domains/", {"after": "not-a-cursor"}).content.decode())) == 50


def test_filters_narrow_the_list_and_a_bad_date_is_named_beside_its_field(client, two_tenants):
    a = two_tenants.a
    add_services(a, 5, expires_in_days=10)
    signed_in(client, a.admin)
    assert domain_names(client.get("/cabinet/domains/", {"q": "page-00"}).content.decode())[:1] == ["page-000.kz"]
    soon = timezone.localdate(clock.now() + dt.timedelta(days=12)).isoformat()  # an Almaty day, as typed
    assert len(domain_names(client.get("/cabinet/domains/", {"expires_to": soon}).content.decode())) == 3
    assert domain_names(client.get("/cabinet/domains/", {"status": "expired"}).content.decode()) == []
    Service.objects.filter(name="page-004.kz").update(statuses=["client_hold"])
    assert domain_names(client.get("/cabinet/domains/", {"status": "client_hold"}).content.decode()) == ["page-004.kz"]
    bad = client.get("/cabinet/domains/", {"expires_from": "31.12.2026"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'aria-invalid="true"' in bad and "Enter the date as YYYY-MM-DD" in bad and 'value="31.12.2026"' in bad
    assert len(domain_names(bad)) == 6  # the unreadable filter is left out, not guessed


def test_htmx_asks_for_the_table_alone(client, two_tenants):
    part = signed_in(client, two_tenants.a.admin).get("/cabinet/domains/", {"q": "altyn"}, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert "<html" not in html and domain_names(html) == [two_tenants.a.service.name]


def test_a_domain_page_names_the_sponsoring_registrar_and_its_registry_data(client, two_tenants):
    a = two_tenants.a
    html = signed_in(client, a.admin).get(f"/cabinet/domains/{a.service.name}/", HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Sponsoring registrar</dt><dd>Internet-company PS LLP (PS-KZ)" in text
    assert "Served by reseller</dt><dd>Altyn Hosting" in text
    assert "ns1.ps.kz" in text and "Abay avenue 10, Almaty, Almaty" in text  # from the registry, from the order
    assert "registrant-rights-responsibilities" in text  # PS-3.11 on every page that leads to an order


def test_the_authorization_code_is_shown_on_request_and_logged(client, two_tenants, caplog):
    a = two_tenants.a
    signed_in(client, a.admin)
    page = client.get(f"/cabinet/domains/{a.service.name}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-confirm="Show the authorization code? This is logged."' in page
    with caplog.at_level("INFO", logger="kzreg.registrar.audit"):
        shown = client.post(f"/cabinet/domains/{a.service.name}/auth-code/", HTTP_ACCEPT_LANGUAGE="en")
    assert shown.status_code == 200
    code = re.search(r'<span class="secret"[^>]*>([^<]+)</span>', shown.content.decode()).group(1)
    assert len(code) >= 8
    assert any(a.service.name in r.getMessage() and "altyn-admin" in r.getMessage() for r in caplog.records)
    assert client.get(f"/cabinet/domains/{a.service.name}/auth-code/").status_code == 405


def test_opening_a_registrant_is_logged_as_a_view_of_personal_data(client, two_tenants):
    a = two_tenants.a
    html = signed_in(client, a.admin).get(f"/cabinet/registrants/{a.customer.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "owner1@mail.kz" in html.content.decode() and a.service.name in html.content.decode()
    assert "written to the log of personal-data views" in html.content.decode()
    view = PersonalDataView.objects.get(customer=a.customer)
    assert view.username == "altyn-admin" and view.via == "page:cabinet:registrant"
    own = signed_in(client, two_tenants.registrant).get(f"/cabinet/registrants/{a.customer.pk}/")
    assert own.status_code == 200 and "written to the log" not in own.content.decode()
    assert PersonalDataView.objects.filter(customer=a.customer).count() == 1  # a registrant's own look: no row


def test_the_registrants_list_searches_names(client, two_tenants):
    signed_in(client, two_tenants.a.admin)
    found = client.get("/cabinet/registrants/", {"q": "customer altyn"}).content.decode()
    assert "Customer ALTYN" in found and "Customer SIBHOST" not in found
    none = client.get("/cabinet/registrants/", {"q": "nobody"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No registrants found" in none


def test_a_registrant_sees_its_own_domains_of_both_resellers_and_no_order_buttons(client, two_tenants, settings):
    """With a registrar that lets registrants only view (tests/cabinet/test_registrant_actions.py: more)."""
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": "view"}
    signed_in(client, two_tenants.registrant)
    names = domain_names(client.get("/cabinet/domains/").content.decode())
    assert sorted(names) == sorted([two_tenants.a.service.name, two_tenants.b.service.name])
    dashboard = client.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="en")
    assert dashboard.status_code == 200 and "Balance" not in dashboard.content.decode()
    page = client.get(f"/cabinet/domains/{two_tenants.b.service.name}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sponsoring registrar</dt><dd>Internet-company PS LLP (PS-KZ)" in page  # PS-3.8, to the registrant too
    assert "Show the code" not in page and "/renew/" not in page and "/modify/" not in page


def test_domains_without_an_expiry_come_last_ascending_and_first_descending_across_pages(client, two_tenants):
    a = two_tenants.a
    add_services(a, 55)
    Service.objects.filter(name__in=[f"page-{n:03d}.kz" for n in range(0, 55, 5)]).update(expires_at=None)  # 11
    signed_in(client, a.admin)
    seen = {}
    for sort in ("expires", "-expires"):
        names, url = [], f"/cabinet/domains/?sort={sort}"
        while url:
            html = client.get(url).content.decode()
            names += domain_names(html)
            more = re.search(r'rel="next" href="\?([^"]+)"', html)
            url = f"/cabinet/domains/?{more.group(1).replace('&amp;', '&')}" if more else ""
        assert len(names) == len(set(names)) == 56, sort  # every row once, over two pages
        seen[sort] = names
    nulls = {f"page-{n:03d}.kz" for n in range(0, 55, 5)}
    assert set(seen["expires"][-11:]) == nulls and set(seen["-expires"][:11]) == nulls
    assert seen["expires"][:45] == seen["-expires"][11:][::-1]  # the 45 valued rows, one order reversed
