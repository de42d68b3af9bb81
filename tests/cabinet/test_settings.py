"""Settings (issue 13 §Settings) through the Django client: the page in kk/ru/en with what each role may
use; users added, granted (never more than the granter has) and deactivated; API tokens made (the
secret shown once, and it works against /api/v1/ until revoked); webhooks added and removed. Another
tenant's user, token or webhook id is 404 (PS-8, C4)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from kzreg.accounts.models import StaffProfile
from kzreg.api.models import ApiToken
from kzreg.api.tokens import create_token
from kzreg.registrar import webhooks
from kzreg.registrar.access import seller_of
from kzreg.registrar.models import Webhook
from tests.tenants import make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TITLES = {"kk": "Баптаулар", "ru": "Настройки", "en": "Settings"}
HOOK = "https://93.184.215.14/kzreg-events"  # a global address, never called: registering only checks it


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_settings_page_speaks_the_users_language(client, two_tenants, lang):
    html = signed_in(client, two_tenants.a.admin).get("/cabinet/settings/", HTTP_ACCEPT_LANGUAGE=lang)
    page = html.content.decode()
    assert html.status_code == 200 and f'<html lang="{lang}">' in page and TITLES[lang] in page
    assert "/account/two-factor/" in page and "/account/sessions/" in page
    assert 'id="users"' in page and 'id="tokens"' in page and 'id="webhooks"' in page
    assert "altyn-viewer" in page and "sibhost-viewer" not in page
    assert "info@altyn.kz" in page  # the reseller's notification address


def test_a_view_only_user_sees_only_what_it_may_use(client, two_tenants):
    page = signed_in(client, two_tenants.a.viewer).get("/cabinet/settings/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="users"' not in html and 'id="tokens"' not in html
    assert 'id="webhooks"' in html and "settings/webhooks/add/" not in html  # listing needs view, adding order
    answer = client.post("/cabinet/settings/users/add/", {"username": "x1", "email": "x1@altyn.kz"},
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert answer.status_code == 403 and "manage users" in answer.content.decode()
    assert client.post("/cabinet/settings/tokens/create/", {"name": "x"}).status_code == 403
    assert not get_user_model().objects.filter(username="x1").exists()


def test_a_user_is_added_with_permissions_and_problems_are_beside_their_field(client, two_tenants):
    signed_in(client, two_tenants.a.admin)
    answer = client.post("/cabinet/settings/users/add/", {"username": "new-one", "email": "new-one@altyn.kz",
                                                          "language": "ru", "grant": ["view", "order"]})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == "/cabinet/settings/"
    profile = StaffProfile.objects.get(user__username="new-one")
    assert profile.reseller == two_tenants.a.reseller and sorted(profile.permissions) == ["order", "view"]
    assert "new-one" in client.get("/cabinet/settings/").content.decode()  # the flash and the row
    wrong = client.post("/cabinet/settings/users/add/", {"username": "", "email": "not-an-address",
                                                         "language": "en"}, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = wrong.content.decode()
    assert wrong.status_code == 400 and 'id="u-email-error"' in html and 'value="not-an-address"' in html


def test_nobody_grants_more_than_they_have(client, two_tenants):
    a = two_tenants.a
    signed_in(client, a.admin).post("/cabinet/settings/users/grant/", {"user": a.viewer.pk, "grant": ["view", "users"]})
    assert sorted(StaffProfile.objects.get(user=a.viewer).permissions) == ["users", "view"]
    signed_in(client, a.viewer)  # now a manager of users with view only
    answer = client.post("/cabinet/settings/users/add/", {"username": "more", "email": "more@altyn.kz",
                                                          "grant": ["view", "pay"]}, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert answer.status_code == 400 and 'id="u-grant-error"' in answer.content.decode()
    assert not get_user_model().objects.filter(username="more").exists()
    answer = client.post("/cabinet/settings/users/grant/", {"user": a.admin.pk, "grant": ["view"]})
    assert answer.status_code == 400 and StaffProfile.objects.get(user=a.admin).administrator  # untouched


def test_permissions_change_and_a_user_is_deactivated(client, two_tenants):
    a = two_tenants.a
    signed_in(client, a.admin)
    assert (
        client.post("/cabinet/settings/users/grant/", {"user": a.viewer.pk, "grant": ["view", "order"]}).status_code
        == 302
    )
    assert sorted(StaffProfile.objects.get(user=a.viewer).permissions) == ["order", "view"]
    assert client.post("/cabinet/settings/users/deactivate/", {"user": a.viewer.pk}).status_code == 302
    a.viewer.refresh_from_db()
    assert not a.viewer.is_active
    yourself = client.post("/cabinet/settings/users/deactivate/", {"user": a.admin.pk})
    assert yourself.status_code == 400 and get_user_model().objects.get(pk=a.admin.pk).is_active


@pytest.mark.parametrize("url", ["/cabinet/settings/users/grant/", "/cabinet/settings/users/deactivate/"])
def test_another_tenants_user_is_not_found(client, two_tenants, url):
    b = two_tenants.b
    answer = signed_in(client, two_tenants.a.admin).post(url, {"user": b.viewer.pk, "grant": ["view"]})
    assert answer.status_code == 404
    b.viewer.refresh_from_db()
    assert b.viewer.is_active and StaffProfile.objects.get(user=b.viewer).permissions == ["view"]


def test_a_token_is_shown_once_works_against_the_api_and_stops_when_revoked(client, two_tenants):
    a = two_tenants.a
    signed_in(client, a.admin)
    made = client.post("/cabinet/settings/tokens/create/", {"name": "billing script", "expires_days": "30"})
    secrets = re.findall(r"kzr_[0-9a-f]{12}_[\w-]+", made.content.decode())
    assert made.status_code == 200 and len(secrets) == 1 and "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=a.admin)
    assert token.name == "billing script" and token.expires_at is not None
    assert secrets[0] not in client.get("/cabinet/settings/").content.decode()  # never shown again
    client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secrets[0]}"}
    listed = client.get("/api/v1/domains", **bearer)
    assert listed.status_code == 200 and "altyn-tenant.kz" in listed.content.decode()
    signed_in(client, a.admin).post("/cabinet/settings/tokens/revoke/", {"token": token.pk})
    client.logout()
    assert client.get("/api/v1/domains", **bearer).status_code == 401


def test_a_bad_expiry_is_named_beside_its_field(client, two_tenants):
    answer = signed_in(client, two_tenants.a.admin).post("/cabinet/settings/tokens/create/",
                                                         {"name": "n", "expires_days": "0"})  # fmt: skip
    assert answer.status_code == 400 and 'id="t-days-error"' in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_another_users_token_is_not_found(client, two_tenants):
    theirs, _secret = create_token(two_tenants.b.admin, "theirs")
    answer = signed_in(client, two_tenants.a.admin).post("/cabinet/settings/tokens/revoke/", {"token": theirs.pk})
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_webhook_is_added_with_its_secret_once_and_removed(client, two_tenants):
    a = two_tenants.a
    signed_in(client, a.admin)
    made = client.post("/cabinet/settings/webhooks/add/", {"url": HOOK})
    hook = Webhook.objects.get(reseller=a.reseller)
    assert made.status_code == 200 and hook.secret in made.content.decode() and HOOK in made.content.decode()
    assert hook.secret not in client.get("/cabinet/settings/").content.decode()
    bad = client.post("/cabinet/settings/webhooks/add/", {"url": "http://127.0.0.1/x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and 'id="h-url-error"' in bad.content.decode()
    assert client.post("/cabinet/settings/webhooks/remove/", {"webhook": hook.pk}).status_code == 302
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_another_tenants_webhook_is_not_found(client, two_tenants):
    b = two_tenants.b
    theirs, _secret = webhooks.register(seller_of(b.admin), HOOK, "sibhost-admin")
    answer = signed_in(client, two_tenants.a.admin).post("/cabinet/settings/webhooks/remove/", {"webhook": theirs.pk})
    assert answer.status_code == 404 and Webhook.objects.filter(pk=theirs.pk).exists()
    assert HOOK not in client.get("/cabinet/settings/").content.decode()


def test_registrar_staff_grant_roles_not_permissions(client, two_tenants):
    answer = signed_in(client, two_tenants.registrar_staff).get("/cabinet/settings/", HTTP_ACCEPT_LANGUAGE="en")
    html = answer.content.decode()
    assert answer.status_code == 200 and "compliance" in html and "altyn-admin" not in html
    added = client.post("/cabinet/settings/users/add/", {"username": "ps-auditor", "email": "aud@ps.kz",
                                                         "grant": ["compliance"]})  # fmt: skip
    assert added.status_code == 302 and StaffProfile.objects.get(user__username="ps-auditor").roles == ["compliance"]


def test_the_users_come_in_keyset_pages(client, two_tenants):
    a = two_tenants.a
    for n in range(55):
        make_user(f"altyn-user-{n:02d}", "reseller", registrar=a.reseller.registrar, reseller=a.reseller)
    first = signed_in(client, a.admin).get("/cabinet/settings/").content.decode()
    shown = set(re.findall(r"altyn-user-\d\d", first))
    following = re.search(r'href="\?after=([^"]+)"', first)
    assert len(shown) == 49 and following is not None  # altyn-admin, altyn-user-00…48: 50 rows by username
    second = client.get(f"/cabinet/settings/?after={following.group(1)}").content.decode()
    assert set(re.findall(r"altyn-user-\d\d", second)) == {f"altyn-user-{n}" for n in range(49, 55)}


def test_a_registrant_sees_its_own_security_only(client, two_tenants):
    page = signed_in(client, two_tenants.registrant).get("/cabinet/settings/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert page.status_code == 200 and "/account/two-factor/" in html
    assert 'id="users"' not in html and 'id="tokens"' not in html and 'id="webhooks"' not in html
