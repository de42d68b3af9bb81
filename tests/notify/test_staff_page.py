"""The staff outbox page: registry staff only (C4), lists what was sent, filters, shows a message as sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from kzreg.accounts.models import StaffProfile
from kzreg.notify import OutboxMessage, queue_email
from kzreg.notify.delivery import deliver_due

URL = "/staff/outbox/"


@pytest.fixture
def mail(db, eml_mode, frozen_clock) -> list[OutboxMessage]:
    first = queue_email(
        to=["ivan@example.kz"], subject="KZ-261122.1: өтінім қабылданды", body="Сәлем", reference="KZ-261122.1"
    )
    second = queue_email(
        to=["noc@telecom.kz"], subject="KZ-261122.2: домен тіркелді", body="OK", reference="KZ-261122.2"
    )
    deliver_due()
    return [first, second]


def login(client, username: str, **flags):
    # No password (nothing to hash): force_login needs none.
    user = get_user_model().objects.create_user(username, f"{username}@nic.kz", None, **flags)
    client.force_login(user)
    return user


def test_anonymous_is_sent_to_the_admin_login(client, mail):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/staff/outbox/")
    assert client.get(f"{URL}{mail[0].pk}/").status_code == 302
    assert client.get(f"{URL}{mail[0].pk}/eml").status_code == 302


def test_logged_in_non_staff_is_sent_to_login(client, mail):
    login(client, "registrant")
    assert client.get(URL).status_code == 302


def test_other_tenant_staff_is_forbidden(client, mail, reseller):
    """C4: a reseller's staff account must not read the registry's mail to other registrants."""
    user = login(client, "alpha-staff", is_staff=True)
    StaffProfile.objects.create(user=user, organisation="reseller", reseller=reseller)
    for url in (URL, f"{URL}{mail[0].pk}/", f"{URL}{mail[0].pk}/eml"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 403
        assert "только сотрудники реестра" in response.content.decode()
        assert "ivan@example.kz" not in response.content.decode()


def test_staff_sees_the_list_newest_first_in_their_language(client, mail):
    login(client, "hostmaster", is_staff=True)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="kk")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Шығыс хаттар" in page and "жіберілді" in page
    rows = page[page.index("<tbody>") :]
    assert rows.index("KZ-261122.2") < rows.index("KZ-261122.1"), "newest first"
    assert "Исходящие письма" in client.get(URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Outbox" in client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_filters_by_reference_and_state(client, mail):
    login(client, "hostmaster", is_staff=True)
    page = client.get(URL, {"reference": "KZ-261122.1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ivan@example.kz" in page and "noc@telecom.kz" not in page
    assert "No messages" in client.get(URL, {"state": "failed"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    bad = client.get(URL, {"state": "lost"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert "state: is not valid: lost" in bad.content.decode()


def test_pagination(client, db, eml_mode, frozen_clock):
    for n in range(55):
        queue_email(to=[f"user{n}@example.kz"], subject=f"message {n}", body="x")
    login(client, "hostmaster", is_staff=True)
    first = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(URL, {"page": 2}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "user54@example.kz" in first and "user4@example.kz" not in first
    assert "user4@example.kz" in second and "user54@example.kz" not in second
    assert "Page 2 of 2" in second


def test_detail_shows_the_message_as_sent(client, mail):
    login(client, "hostmaster", is_staff=True)
    msg = OutboxMessage.objects.get(pk=mail[0].pk)
    page = client.get(f"{URL}{msg.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "KZ-261122.1: өтінім қабылданды" in page
    assert msg.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Сәлем" in page and msg.delivered_to in page
    raw = client.get(f"{URL}{msg.pk}/eml")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw.content == Path(msg.delivered_to).read_bytes()
    assert client.get(f"{URL}999999/").status_code == 404
