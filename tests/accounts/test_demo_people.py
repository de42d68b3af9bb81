"""The demo's people (issue 12): reseller administrators with every permission, registrar staff with
roles, and a registrant holding domains of both resellers — password `kzreg-demo`, through the login."""

from __future__ import annotations

import pytest
from django.test import Client

from kzreg.accounts.roles import Permission, permissions_of
from kzreg.demo import loader
from kzreg.registrar import access
from kzreg.resellers.models import Reseller

pytestmark = pytest.mark.django_db


def test_the_demo_users_exist_and_see_their_own(monkeypatch, settings):
    settings.KZREG_STAFF_2FA = "enrolled"  # the demo's default: no codes until a device is enrolled
    monkeypatch.setattr(loader, "DOMAIN_COUNT", 40)  # enough for both resellers' customers, and quick
    summary = loader.load_demo(out=lambda line: None)
    assert summary is not None and {"altyn-admin", "sibhost-admin", "ps-staff", "registrant"} <= set(summary.users)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.select_related("staff_profile")}
    altyn, sibhost = Reseller.objects.get(handle="ALTYN"), Reseller.objects.get(handle="SIBHOST")
    for name, reseller in (("altyn-admin", altyn), ("sibhost-admin", sibhost)):
        assert permissions_of(users[name]) == frozenset(Permission)
        services = access.services_visible_to(users[name])
        assert services.exists() and not services.exclude(reseller=reseller).exists()
    assert permissions_of(users["ps-staff"]) == {Permission.VIEW, Permission.ORDER, Permission.PAY}
    assert permissions_of(users["ps-admin"]) == frozenset(Permission)
    held = access.services_visible_to(users["registrant"])
    assert {s.reseller for s in held} == {altyn, sibhost}, "domains of both resellers"
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in = browser.post("/account/login/", {"username": "registrant", "password": loader.DEMO_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/account/"
    page = browser.get("/account/").content.decode()
    assert altyn.name in page and sibhost.name in page, "the customers it is, with their resellers"
    assert loader.load_demo(out=lambda line: None) is None, "loaded once"
