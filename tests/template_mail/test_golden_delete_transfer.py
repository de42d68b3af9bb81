"""Golden e-mails for Delete (T8, T12), Transfer (T13), and the Contact and Host templates (T1, T9)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.registry.models import Contact, Domain, Host
from kzreg.registry.passwords import verify_password
from kzreg.template_mail.models import WrittenAuthorization
from tests.template_mail.conftest import golden, set_scheme, sign_forwarded

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_delete_by_the_admin_contact_T8_T11(intake, registered):
    delivery = intake.deliver(golden("delete-kk.eml"))
    assert delivery.request.state == "completed", delivery.result().body
    assert Domain.objects.get(pk=registered.pk).deleted_at is not None
    assert delivery.to("noc1@telecom.kz")  # the current contacts are told
    assert delivery.to("noc@ps.kz")  # and the technical contact of the primary server's domain


def test_delete_with_sections_3_to_9_filled_is_returned_T8(intake, registered):
    delivery = intake.deliver(golden("delete-en-sections.eml"))
    assert "3-9: sections 3–9 must be empty" in delivery.result().body
    assert Domain.objects.get(pk=registered.pk).deleted_at is None


def test_delete_from_the_isp_puts_the_domain_on_hold_T12(intake, registered):
    delivery = intake.deliver(golden("delete-en-isp.eml"))
    domain = Domain.objects.get(pk=registered.pk)
    assert delivery.request.state == "held" and domain.hold and domain.deleted_at is None
    assert "put on hold" in delivery.result().body
    assert delivery.to("ivan1@example.kz")  # the administrative contact is told


def test_unauthorized_delete_is_returned_and_contacts_told_T12(intake, registered, staff):
    set_scheme(registered.admin_contact, "M", staff)
    delivery = intake.deliver(golden("delete-en-stranger.eml"))
    assert delivery.request.state == "rejected"
    assert "not authorized" in delivery.result().body
    told = delivery.to("ivan1@example.kz")
    assert told and "отклонено как неавторизованное" in told[0].body
    assert Domain.objects.get(pk=registered.pk).deleted_at is None


def test_transfer_with_the_forwarded_delete_T13(intake, registered, mail_world):
    """The forwarded original carries its own DKIM signature of example.kz (the admin's domain)."""
    delivery = intake.deliver(sign_forwarded(golden("transfer-forwarded.eml"), mail_world))
    assert delivery.request.state == "completed", delivery.result().body
    domain = Domain.objects.get(pk=registered.pk)
    assert domain.registrant.organisation == "Astana Digital Limited Liability Partnership"
    assert domain.admin_contact.emails == ["askar@astana-digital.kz"]
    assert delivery.to("ivan1@example.kz")  # the old contacts are told


def test_transfer_authorized_by_crypt_pw_T13(intake, registered, staff):
    set_scheme(registered.admin_contact, "C", staff, crypt_password="s3cret-pass")
    assert intake.deliver(golden("transfer-crypt.eml")).request.state == "completed"


def test_unauthorized_transfer_is_returned_unprocessed_T13(intake, registered):
    delivery = intake.deliver(golden("transfer-unauthorized.eml"))
    assert delivery.request.state == "rejected"
    assert "not authorized" in delivery.result().body
    assert Domain.objects.get(pk=registered.pk).registrant_id == registered.registrant_id


def test_a_fax_recorded_by_staff_authorizes_the_transfer_once_T13(intake, registered):
    now = clock.now()
    WrittenAuthorization.objects.create(
        domain="example.kz", reference="fax +7 727 000 from director", recorded_by="staff",
        recorded_at=now, valid_until=now + dt.timedelta(days=30),
    )  # fmt: skip
    delivery = intake.deliver(golden("transfer-unauthorized.eml"))
    assert delivery.request.state == "completed", delivery.result().body
    assert WrittenAuthorization.objects.get().used_by == delivery.request


def test_contact_template_changes_details_and_sets_crypt_pw_T1_T9(intake, registered):
    handle = registered.admin_contact.handle
    delivery = intake.deliver(golden("contact-modify-en.eml", HANDLE=handle))
    assert delivery.request.state == "completed", delivery.result().body
    contact = Contact.objects.get(handle=handle)
    assert contact.phones == ["+7 717 2700099"] and contact.security_scheme == "C"
    assert verify_password("n3w-secret", contact.crypt_hash) and "n3w-secret" not in contact.crypt_hash


def test_contact_template_from_a_stranger_asks_the_contact_T10(intake, registered):
    handle = registered.admin_contact.handle
    delivery = intake.deliver(golden("contact-modify-kk-stranger.eml", HANDLE=handle))
    assert delivery.request.state == "awaiting"
    assert Contact.objects.get(handle=handle).emails == ["ivan1@example.kz"]


def test_host_template_by_the_isp_domain_contact_T1(intake, registered):
    delivery = intake.deliver(golden("host-modify-ru.eml"))
    assert delivery.request.state == "completed", delivery.result().body
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.99"]


def test_host_template_from_a_stranger_is_refused(intake, registered):
    delivery = intake.deliver(golden("host-modify-en-stranger.eml"))
    assert delivery.request.state == "rejected"
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.10"]
