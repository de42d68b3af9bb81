"""The Django admin shows a reseller and its history but changes nothing: every change goes through
`resellers.management`, which records it (PS-8)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kzreg.resellers import management
from kzreg.resellers.models import Reseller
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_admin_shows_the_history_and_refuses_changes(client, two_tenants):
    a = two_tenants.a.reseller
    management.set_active(management.staff_actor(two_tenants.registrar_staff), a, False)
    root = get_user_model().objects.create_superuser("root", "root@example.kz", "x-very-long-password-1")
    client.force_login(root)
    url = f"/admin/resellers/reseller/{a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "suspended" in page.content.decode() and "ps-staff" in page.content.decode()
    client.post(url, {"handle": a.handle, "name": "Renamed", "active": "on"})
    assert Reseller.objects.get(pk=a.pk).name == a.name and not Reseller.objects.get(pk=a.pk).active
    assert client.get("/admin/resellers/reseller/add/").status_code == 403
