"""Invoices in the back-office (issue 11): list, detail, the document and its PDF for registry staff;
anyone else — a registrar's staff, a visitor — is turned away and reads nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kzreg.accounts.models import StaffProfile
from kzreg.billing.models import Invoice
from tests.billing.invoice_helpers import issue

pytestmark = pytest.mark.django_db
LIST = "/admin/billing/invoice/"


@pytest.fixture
def staff_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def test_staff_list_detail_document_and_pdf(frozen_clock, staff_client):
    invoice = issue(language="ru")
    page = staff_client.get(LIST).content.decode()
    assert invoice.number in page and "34.80" in page and "ТОО «Қазақ Телеком Әлемі»" in page
    detail = staff_client.get(f"{LIST}{invoice.pk}/change/")
    assert detail.status_code == 200 and "HSBKKZKX" in detail.content.decode()
    document = staff_client.get(f"{LIST}{invoice.pk}/document/")
    assert document.status_code == 200 and "Счёт на оплату № 2026-000001" in document.content.decode()
    assert "Invoice No. 2026-000001" in staff_client.get(f"{LIST}{invoice.pk}/document/?language=en").content.decode()
    pdf = staff_client.get(f"{LIST}{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == 'attachment; filename="2026-000001.pdf"'
    assert staff_client.get(f"{LIST}999999/pdf/").status_code == 404


def test_nothing_can_be_added_changed_or_deleted(frozen_clock, staff_client):
    invoice = issue()
    assert staff_client.get(f"{LIST}add/").status_code == 403
    assert staff_client.post(f"{LIST}{invoice.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


@pytest.mark.parametrize("who", ["visitor", "registrar staff"])
def test_others_are_turned_away_from_every_invoice_page(frozen_clock, registrar, who):
    invoice = issue()
    client = Client()
    if who == "registrar staff":  # is_staff for its own pages, but not the registry's
        user = User.objects.create_user("ps-op", "op@ps.kz", "pw-123456", is_staff=True)
        StaffProfile.objects.create(user=user, organisation=StaffProfile.Organisation.REGISTRAR, registrar=registrar)
        client.force_login(user)
    for url in (LIST, f"{LIST}{invoice.pk}/change/", f"{LIST}{invoice.pk}/document/", f"{LIST}{invoice.pk}/pdf/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        assert b"%PDF" not in response.content and invoice.number.encode() not in response.content
