"""The registrar staff pages (issue 13 §Registrar staff; S7, PS-4.5, PS-8) through the Django client:
each page in kk/ru/en for registrar staff, 403 for a reseller's user and a registrant, 404 for a
reseller that is not the registrar's; the audit report and its CSV hold the period's orders of that
reseller only; the log of views of personal data filtered by user, customer and period."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from kzreg.accounts.models import PersonalDataView
from kzreg.billing.models import ResellerGroupMember
from kzreg.billing.price_lists import assign_group, create_group
from kzreg.core import clock
from kzreg.registrar.access import access_customer_by_id
from kzreg.registrar.models import Order
from kzreg.registry.models import Registrar
from kzreg.resellers.models import Reseller, ResellerEvent
from tests.tenants import make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TITLES = {"kk": "Өтінімдер аудиті", "ru": "Аудит заявок", "en": "Audit of requests"}


def staff_pages(tenants) -> list[str]:
    reseller = tenants.a.reseller.pk
    return ["/cabinet/staff/resellers/", f"/cabinet/staff/reseller/?reseller={reseller}",
            f"/cabinet/staff/audit/?reseller={reseller}", "/cabinet/staff/data-views/"]  # fmt: skip


def past_order(tenant, days_ago: int, key: str) -> Order:
    at = clock.now() - dt.timedelta(days=days_ago)
    return Order.objects.create(
        kind="renew", state="done", domain=tenant.service.name, registrar_handle="PS-KZ",
        payer=f"reseller:{tenant.reseller.pk}", idempotency_key=key, principal="someone", service=tenant.service,
        years=1, price_minor=4000, currency="USD", created_at=at, updated_at=at,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_staff_page_speaks_the_users_language(client, two_tenants, lang):
    client.force_login(two_tenants.registrar_staff)
    for url in staff_pages(two_tenants):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200, url
        assert f'<html lang="{lang}">' in page.content.decode(), url
    audit = client.get(staff_pages(two_tenants)[2], HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert TITLES[lang] in audit


def test_the_resellers_and_one_resellers_page(client, two_tenants):
    a = two_tenants.a
    a.reseller.contract_number, a.reseller.contract_signed_at = "PS-R-17/2026", dt.date(2026, 2, 1)
    a.reseller.save()
    assign_group(a.reseller, create_group(a.reseller.registrar, "partners", clock.now()), clock.now())
    client.force_login(two_tenants.registrar_staff)
    assert "/cabinet/staff/resellers/" in client.get("/cabinet/").content.decode()  # in the staff's menu
    listed = client.get("/cabinet/staff/resellers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ALTYN" in listed and "SIBHOST" in listed and "PS-R-17/2026" in listed
    one = client.get(f"/cabinet/staff/reseller/?reseller={a.reseller.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "PS-R-17/2026" in one
        and "Altyn Hosting LLP" in one
        and "until terminated" in one
        and "<dd>partners</dd>" in one
    )
    other = client.get(f"/cabinet/staff/reseller/?reseller={two_tenants.b.reseller.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "the registrar&#x27;s general prices" in other.content.decode()
        and "<dd>partners</dd>" not in other.content.decode()
    )
    assert "Registration" in one and "$40.00" in one  # its one create in the last 30 days


@pytest.mark.parametrize("who", ["admin", "viewer", "registrant"])
def test_a_reseller_user_or_a_registrant_is_refused(client, two_tenants, who):
    user = two_tenants.registrant if who == "registrant" else getattr(two_tenants.a, who)
    client.force_login(user)
    for url in staff_pages(two_tenants):
        assert client.get(url).status_code == 403, url
    assert "/cabinet/staff/" not in client.get("/cabinet/").content.decode()  # not in the menu either


@pytest.mark.parametrize("reseller", ["999999", "x", ""])
def test_a_reseller_that_is_not_the_registrars_is_not_found(client, two_tenants, reseller):
    client.force_login(two_tenants.registrar_staff)
    for page in ("reseller", "audit"):
        assert client.get(f"/cabinet/staff/{page}/", {"reseller": reseller}).status_code == 404


def test_the_audit_csv_holds_the_periods_orders_of_that_reseller_only(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    recent, old = past_order(a, 10, "recent"), past_order(a, 60, "old")
    past_order(b, 10, "theirs")
    client.force_login(two_tenants.registrar_staff)
    answer = client.get("/cabinet/staff/audit/", {"reseller": a.reseller.pk, "format": "csv"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [int(r["order"]) for r in rows] == [recent.pk, a.order.pk]  # the last 30 days, oldest first
    assert rows[0]["price"] == "40.00" and rows[0]["currency"] == "USD" and rows[0]["kind"] == "renew"
    day = timezone.localdate(clock.now()) - dt.timedelta(days=60)  # an Almaty day, as typed
    period = {"reseller": a.reseller.pk, "from": day.isoformat(), "to": day.isoformat(), "format": "csv"}
    rows = list(csv.DictReader(io.StringIO(client.get("/cabinet/staff/audit/", period).content.decode())))
    assert [int(r["order"]) for r in rows] == [old.pk]
    page = client.get("/cabinet/staff/audit/", {"reseller": a.reseller.pk}).content.decode()
    assert f"#{recent.pk}<" in page and f"#{old.pk}<" not in page


def test_a_bad_period_is_named_beside_its_field(client, two_tenants):
    client.force_login(two_tenants.registrar_staff)
    answer = client.get("/cabinet/staff/audit/", {"reseller": two_tenants.a.reseller.pk, "from": "2026-13-01",
                                                  "to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400 and 'id="p-from-error"' in html and 'value="2026-13-01"' in html
    backwards = client.get("/cabinet/staff/data-views/", {"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and 'id="p-to-error"' in backwards.content.decode()


def test_the_log_of_views_of_personal_data_filters_by_user_customer_and_period(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    access_customer_by_id(a.admin, a.customer.pk, via="test:a")
    access_customer_by_id(b.admin, b.customer.pk, via="test:b")
    old = access_customer_by_id(two_tenants.registrar_staff, a.customer.pk, via="test:old")
    PersonalDataView.objects.filter(via="test:old").update(at=clock.now() - dt.timedelta(days=90))
    assert old is not None
    client.force_login(two_tenants.registrar_staff)

    def vias(**query: object) -> set[str]:
        html = client.get("/cabinet/staff/data-views/", query).content.decode()
        return {v for v in ("test:a", "test:b", "test:old") if v in html}

    assert vias() == {"test:a", "test:b"}
    assert vias(user="altyn-admin") == {"test:a"}
    assert vias(customer=b.customer.pk) == {"test:b"}
    day = timezone.localdate(clock.now() - dt.timedelta(days=90)).isoformat()
    assert vias(**{"from": day, "to": day}) == {"test:old"}
    assert client.get("/cabinet/staff/data-views/", {"customer": "x"}).status_code == 400


# The forms of registrar staff with the administration role (S1, S8, PS-1.1, PS-8).
NEW_RESELLER = {"handle": "qazweb", "name": "QazWeb", "legal_name": "QazWeb LLP", "bin": "123456789012",
                "email": "info@qazweb.kz", "phone": "", "website": "", "contract_number": "PS-R-20/2026",
                "contract_signed_at": "2026-03-01", "contract_ends_at": ""}  # fmt: skip


def manage_urls(tenants) -> list[str]:
    q = f"?reseller={tenants.a.reseller.pk}"
    return ["/cabinet/staff/reseller/new/", f"/cabinet/staff/reseller/contract/{q}",
            f"/cabinet/staff/reseller/status/{q}", f"/cabinet/staff/reseller/group/{q}"]  # fmt: skip


def test_staff_create_a_reseller_and_bad_fields_are_named_beside_them(client, two_tenants):
    client.force_login(two_tenants.registrar_staff)
    assert "/cabinet/staff/reseller/new/" in client.get("/cabinet/staff/resellers/").content.decode()
    form = client.get("/cabinet/staff/reseller/new/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Новый реселлер" in form and 'id="r-handle"' in form
    bad = client.post("/cabinet/staff/reseller/new/", {**NEW_RESELLER, "bin": "12", "email": "nope"},
                      HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 400 and 'id="r-bin-error"' in html and "a BIN is 12 digits" in html
    assert 'id="r-email-error"' in html and 'value="QazWeb LLP"' in html  # the input is kept
    done = client.post("/cabinet/staff/reseller/new/", NEW_RESELLER, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = done.content.decode()
    assert done.status_code == 200 and "Reseller QAZWEB created." in page and "PS-R-20/2026" in page
    assert "ps-staff" in page and "History of changes" in page  # its history: created by ps-staff


def test_staff_edit_the_contract_with_the_form_kept_on_a_problem(client, two_tenants):
    a = two_tenants.a.reseller
    client.force_login(two_tenants.registrar_staff)
    url = f"/cabinet/staff/reseller/contract/?reseller={a.pk}"
    assert 'value="Altyn Hosting LLP"' in client.get(url).content.decode()
    fields = {"name": a.name, "legal_name": a.legal_name, "email": a.email, "contract_number": "PS-R-5",
              "contract_signed_at": "2026-05-01", "contract_ends_at": "2026-04-01"}  # fmt: skip
    bad = client.post(url, fields, HTTP_ACCEPT_LANGUAGE="kk")
    assert bad.status_code == 400 and 'id="r-contract_ends_at-error"' in bad.content.decode()
    assert 'value="PS-R-5"' in bad.content.decode()
    done = client.post(url, {**fields, "contract_ends_at": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = done.content.decode()
    assert "The contract of ALTYN is saved." in page and "PS-R-5" in page and "contract_number" in page


def test_staff_suspend_with_a_confirmation_and_set_the_price_group(client, two_tenants, registrar):
    a = two_tenants.a.reseller
    create_group(registrar, "partners", clock.now())
    client.force_login(two_tenants.registrar_staff)
    page = client.get(f"/cabinet/staff/reseller/?reseller={a.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-confirm="Suspend ALTYN? It places no orders until it is reactivated."' in page
    assert '<option value="partners">' in page
    assert client.get(f"/cabinet/staff/reseller/status/?reseller={a.pk}").status_code == 405  # posts only
    done = client.post(f"/cabinet/staff/reseller/status/?reseller={a.pk}", {"active": "0"},
                       HTTP_ACCEPT_LANGUAGE="en", follow=True)  # fmt: skip
    assert "ALTYN is suspended" in done.content.decode()
    a.refresh_from_db()
    assert not a.active
    again = client.post(f"/cabinet/staff/reseller/status/?reseller={a.pk}", {"active": "0"},
                        HTTP_ACCEPT_LANGUAGE="en", follow=True)  # fmt: skip
    assert "already suspended" in again.content.decode()
    unknown = client.post(f"/cabinet/staff/reseller/group/?reseller={a.pk}", {"group": "friends"},
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert unknown.status_code == 400 and 'id="r-group-error"' in unknown.content.decode()
    grouped = client.post(f"/cabinet/staff/reseller/group/?reseller={a.pk}", {"group": "partners"},
                          HTTP_ACCEPT_LANGUAGE="en", follow=True)  # fmt: skip
    assert "The price group of ALTYN is saved." in grouped.content.decode()
    assert ResellerGroupMember.objects.get(reseller_id=a.pk).group.name == "partners"
    actions = list(ResellerEvent.objects.filter(reseller=a).values_list("action", "principal"))
    assert actions == [("price_group", "ps-staff"), ("suspended", "ps-staff")]


@pytest.mark.parametrize("who", ["admin", "viewer", "registrant", "support"])
def test_only_the_administration_role_may_use_the_forms(client, two_tenants, registrar, who):
    if who == "support":
        user = make_user("ps-support", "registrar", registrar=registrar, roles=["support"])
    else:
        user = two_tenants.registrant if who == "registrant" else getattr(two_tenants.a, who)
    client.force_login(user)
    for url in manage_urls(two_tenants):
        assert client.post(url, {**NEW_RESELLER, "active": "0", "group": ""}).status_code == 403, url
    assert Reseller.objects.get(pk=two_tenants.a.reseller.pk).active and not ResellerEvent.objects.exists()
    if who == "support":  # staff without the role see the page and the history, not the forms
        page = client.get(f"/cabinet/staff/reseller/?reseller={two_tenants.a.reseller.pk}").content.decode()
        assert "/cabinet/staff/reseller/status/" not in page and 'id="r-history"' in page


def test_another_registrars_reseller_is_not_found_by_the_forms(client, two_tenants, registrar):
    other = Registrar.objects.create(handle="OTHER-KZ", name="Other LLP", email="o@other.kz", created_at=clock.now())
    theirs = Reseller.objects.create(registrar=other, handle="THEIRS", name="Theirs", legal_name="Theirs LLP",
                                     email="t@theirs.kz", created_at=clock.now())  # fmt: skip
    client.force_login(two_tenants.registrar_staff)
    for action in ("contract", "status", "group"):
        assert (
            client.post(f"/cabinet/staff/reseller/{action}/?reseller={theirs.pk}", {"active": "0"}).status_code == 404
        )
    theirs.refresh_from_db()
    assert theirs.active and not ResellerEvent.objects.exists()
