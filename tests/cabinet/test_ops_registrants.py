"""Adding and editing a registrant from the cabinet (issue 13 §Registrants): consent recorded (R18), every
problem beside its field with what was typed kept, the registry contact changed on edit, the edit form's
opening logged as a view of personal data, another tenant's registrant 404 and a viewer 403."""

from __future__ import annotations

import re

import pytest

from kzreg.accounts.models import PersonalDataView
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Customer
from tests.tenants import REGISTRAR, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NEW = {"kind": "R", "name": "Serikov, Serik", "organisation": "Dala Trade LLP", "address": "Tole bi 20",
       "city": "Almaty", "region": "", "postal_code": "050000", "country_code": "kz", "email": "info@dala.kz",
       "phone": "+7.7272000001", "language": "ru", "consent": "on"}  # fmt: skip


@pytest.mark.parametrize(("lang", "title"), [("kk", "Тіркеуші қосу"), ("ru", "Добавить регистранта"),
                                             ("en", "Add a registrant")])  # fmt: skip
def test_the_forms_speak_three_languages(client, two_tenants, lang, title):
    a = two_tenants.a
    client.force_login(a.admin)
    assert title in client.get("/cabinet/registrants/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert title in client.get("/cabinet/registrants/new/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    edit = client.get(f"/cabinet/registrants/{a.customer.pk}/edit/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'value="Customer ALTYN"' in edit


def test_a_registrant_is_added_with_its_consent(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    refused = client.post("/cabinet/registrants/new/", {**NEW, "consent": "", "email": "not-mail"}, **EN)
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="c-consent-error"' in html and 'id="c-email-error"' in html
    assert 'value="Dala Trade LLP"' in html and 'value="not-mail"' in html
    assert not Customer.objects.filter(organisation="Dala Trade LLP").exists()
    done = client.post("/cabinet/registrants/new/", NEW, **EN)
    customer = Customer.objects.get(organisation="Dala Trade LLP")
    assert done.status_code == 302 and done["Location"] == f"/cabinet/registrants/{customer.pk}/"
    assert customer.reseller == a.reseller and customer.country_code == "KZ" and customer.consent_at is not None
    assert "Dala Trade LLP added." in client.get(done["Location"], **EN).content.decode()


def test_an_edit_changes_the_registry_contact_too(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    url = f"/cabinet/registrants/{a.customer.pk}/edit/"
    before = PersonalDataView.objects.count()
    client.get(url)
    assert PersonalDataView.objects.count() == before + 1  # opening the form is a view of personal data
    kept = {k: v for k, v in NEW.items() if k != "consent"}
    emptied = client.post(url, {**kept, "kind": "I", "city": ""}, **EN).content.decode()
    assert re.search(r'id="c-city-error">', emptied) and 'value="Tole bi 20"' in emptied
    done = client.post(url, {**kept, "kind": "I", "name": "Customer ALTYN", "city": "Astana"}, **EN)
    assert done.status_code == 302
    a.customer.refresh_from_db()
    assert a.customer.city == "Astana" and a.customer.contact_handle
    contact = LocalConnection(REGISTRAR, "test").contact_info(a.customer.contact_handle)
    assert contact is not None and "Astana" in str(contact)


def test_another_tenants_registrant_and_a_viewer(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.admin)
    assert client.post(f"/cabinet/registrants/{b.customer.pk}/edit/", NEW).status_code == 404
    client.force_login(a.viewer)
    assert client.get("/cabinet/registrants/new/").status_code == 403
    assert client.post("/cabinet/registrants/new/", NEW).status_code == 403
    assert client.get(f"/cabinet/registrants/{a.customer.pk}/edit/").status_code == 403
    assert not Customer.objects.filter(organisation="Dala Trade LLP").exists()
    b.customer.refresh_from_db()
    assert b.customer.city == "Almaty"


def test_the_add_and_edit_buttons_only_for_those_who_may_order(client, two_tenants):
    a = two_tenants.a
    edit, new = f"/cabinet/registrants/{a.customer.pk}/edit/", "/cabinet/registrants/new/"
    client.force_login(a.admin)
    assert edit in client.get(f"/cabinet/registrants/{a.customer.pk}/", **EN).content.decode()
    assert new in client.get("/cabinet/registrants/", **EN).content.decode()
    client.force_login(a.viewer)
    assert edit not in client.get(f"/cabinet/registrants/{a.customer.pk}/", **EN).content.decode()
    assert new not in client.get("/cabinet/registrants/", **EN).content.decode()
