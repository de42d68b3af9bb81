"""Staff pages: every request with its messages, state and outcome; a fax authorization recorded (T13)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kzreg.template_mail.models import WrittenAuthorization
from kzreg.template_mail.processing import process_stored
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("hostmaster", password="x", is_staff=True)
    client.force_login(user)
    return client


def _submit(name: str):
    from kzreg.template_mail.intake import store_message

    return process_stored(store_message(golden(name), "ivan1@example.kz", ["hostmaster@nic.kz"], source="cli"))


def test_staff_see_each_request_with_messages_state_and_outcome(staff_client):
    request = _submit("new-en-invalid.eml")
    listing = staff_client.get("/staff/requests/").content.decode()
    assert request.tracking in listing and "rejected" in listing
    page = staff_client.get(f"/staff/requests/{request.tracking}/").content.decode()
    assert "3l: e-mail address is not valid" in page  # the outcome
    assert "Subject: New domain" in page  # the received message
    assert f"[{request.tracking}] Rejected" in page  # the replies sent
    # What the intake found about the sender (T9): a message file with no DKIM signature is unproven.
    assert "Sender not proven" in page and "Authentication-Results:" in page and "dmarc=" in page


def test_staff_record_a_fax_authorization_T13(staff_client, registrar):
    response = staff_client.post(
        "/staff/requests/authorizations/",
        {"domain": "Example.KZ", "kind": "fax", "reference": "fax 2026-11-20, director", "valid_days": 30},
    )
    assert response.status_code == 302
    assert WrittenAuthorization.objects.get().domain == "example.kz"


def test_the_pages_are_for_staff_only(client):
    assert client.get("/staff/requests/").status_code == 302
    assert client.get("/staff/requests/authorizations/").status_code == 302
