"""The back-office reads everything and changes domains only through the operations (issue 2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kzreg.registry.models import Contact, Domain, HistoryEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456")
    client.force_login(user)
    return client


def test_pages_render(staff_client, make_domain):
    domain = make_domain("example.kz")
    for url in (
        "/admin/registry/domain/",
        f"/admin/registry/domain/{domain.pk}/change/",
        "/admin/registry/contact/",
        "/admin/registry/historyentry/",
        "/admin/registry/zone/",
    ):
        assert staff_client.get(url).status_code == 200, url


def test_rows_cannot_be_edited_directly(staff_client, make_domain):
    domain = make_domain("example.kz")
    contact = Contact.objects.first()
    assert staff_client.get("/admin/registry/domain/add/").status_code == 403
    response = staff_client.post(f"/admin/registry/contact/{contact.pk}/change/", {"city": "Hacked"})
    assert response.status_code == 403
    assert staff_client.post(f"/admin/registry/domain/{domain.pk}/delete/", {"post": "yes"}).status_code == 403


def test_actions_go_through_the_operations(staff_client, make_domain):
    domain = make_domain("example.kz")
    response = staff_client.post(
        "/admin/registry/domain/",
        {"action": "set_hold", "_selected_action": [domain.pk], "reason": "court order 12/2026"},
    )
    assert response.status_code == 302
    domain.refresh_from_db()
    assert domain.hold
    entry = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert (entry.principal, entry.channel, entry.reason) == ("kaznic-op", "admin", "court order 12/2026")
    # A refused operation is shown as an error, and changes nothing.
    staff_client.post("/admin/registry/domain/", {"action": "set_hold", "_selected_action": [domain.pk], "reason": ""})
    assert Domain.objects.get(pk=domain.pk).version == 2


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/admin/registry/domain/").status_code == 302
