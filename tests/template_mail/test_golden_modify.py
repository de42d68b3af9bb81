"""Golden e-mails for Modify (T7, T9, T10, T11): each security scheme, confirmation by the contact on
record and its expiry, and the notices to old and new parties."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.registry.models import Domain, HistoryEntry
from kzreg.registry.passwords import hash_password
from kzreg.template_mail.confirm import expire_confirmations
from kzreg.template_mail.models import Confirmation, SeenSignature
from tests.template_mail.conftest import clearsign, export_key, golden, set_scheme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def hosts(domain: Domain) -> list[str]:
    return [link.host.name for link in domain.nameserver_links.order_by("position")]


def test_modify_by_the_admin_contact_replaces_sections_and_notifies_T7_T11(intake, registered):
    delivery = intake.deliver(golden("modify-en-mailfrom.eml"))
    assert delivery.request.state == "completed", delivery.result().body
    domain = Domain.objects.get(pk=registered.pk)
    assert hosts(domain) == ["ns1.hoster.kz", "ns2.hoster.kz"]  # the full list replaced (T7)
    assert (domain.location_address, domain.location_city) == ("Tole bi 1", "Almaty")
    # T11: the technical contact of the old primary name server's domain (ps.kz) is told.
    assert delivery.to("noc@ps.kz") and "Уведомление: Изменение example.kz" in delivery.to("noc@ps.kz")[0].subject
    history = HistoryEntry.objects.filter(object_key="example.kz", operation="domain_modify").get()
    assert history.channel == "mail" and history.request_id == delivery.request.tracking


def test_crypt_pw_in_0c_authorizes_a_sender_not_on_record_T9(intake, registered, staff):
    set_scheme(registered.admin_contact, "C", staff, crypt_password="s3cret-pass")
    delivery = intake.deliver(golden("modify-ru-cryptpw.eml"))
    assert delivery.request.state == "completed", delivery.result().body
    assert delivery.result().subject.endswith("Выполнено")
    stored = delivery.request.messages.get()
    assert b"s3cret-pass" not in bytes(stored.raw)  # the clear password is not kept


def test_a_wrong_crypt_pw_is_refused_and_nothing_changes_T9(intake, registered, staff):
    set_scheme(registered.admin_contact, "C", staff, crypt_password="another-pass")
    set_scheme(registered.registrant, "C", staff, crypt_password="another-pass")
    delivery = intake.deliver(golden("modify-ru-cryptpw.eml"))
    assert "0b: запрос не авторизован" in delivery.result().body
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.ps.kz", "ns2.ps.kz"]


@pytest.mark.parametrize("legacy", ["md5_crypt", "sha512_crypt"])
def test_legacy_crypt_hashes_of_migrated_contacts_verify_T9(intake, registered, staff, legacy):
    from passlib.hash import md5_crypt, sha512_crypt

    hashed = (md5_crypt if legacy == "md5_crypt" else sha512_crypt).hash("s3cret-pass")
    set_scheme(registered.admin_contact, "C", staff, crypt_hash=hashed)
    assert intake.deliver(golden("modify-ru-cryptpw.eml")).request.state == "completed"
    assert hash_password("x").startswith("$6$")


def _pgp_mail(home: str, signer: str) -> bytes:
    form = golden("modify-en-pgp.txt").decode()
    body = clearsign(home, signer, form)
    head = "From: someone@elsewhere.kz\nTo: hostmaster@nic.kz\nSubject: signed\nContent-Type: text/plain; charset=utf-8\n\n"
    return (head + body).encode()


def test_a_form_signed_with_the_contacts_key_is_accepted_once_T9(intake, registered, staff, pgp_home):
    set_scheme(registered.admin_contact, "P", staff, pgp_key=export_key(pgp_home, "ivan1@example.kz"))
    raw = _pgp_mail(pgp_home, "ivan1@example.kz")
    first = intake.deliver(raw)
    assert first.request.state == "completed", first.result().body
    assert SeenSignature.objects.count() == 1
    replay = intake.deliver(raw)
    assert replay.request.state == "rejected"
    assert "already used once" in replay.result().body


def test_a_foreign_key_or_a_tampered_form_is_refused_T9(intake, registered, staff, pgp_home):
    set_scheme(registered.admin_contact, "P", staff, pgp_key=export_key(pgp_home, "ivan1@example.kz"))
    set_scheme(registered.registrant, "P", staff, pgp_key=export_key(pgp_home, "ivan1@example.kz"))
    foreign = intake.deliver(_pgp_mail(pgp_home, "stranger@elsewhere.kz"))
    assert "not the contact's key" in foreign.result().body
    tampered = _pgp_mail(pgp_home, "ivan1@example.kz").replace(b"88.204.1.1", b"88.204.6.6")
    assert "does not verify" in intake.deliver(tampered).result().body
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.ps.kz", "ns2.ps.kz"]


def test_a_stranger_modify_waits_for_the_contact_on_record_T10(intake, registered):
    delivery = intake.deliver(golden("modify-en-stranger.eml"))
    assert delivery.request.state == "awaiting"
    confirmation = Confirmation.objects.get()
    asked = delivery.to("ivan1@example.kz")
    assert asked and f"CONFIRM {confirmation.token}" in asked[0].subject
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.ps.kz", "ns2.ps.kz"]  # not yet
    reply = (
        f"From: ivan1@example.kz\nTo: hostmaster@nic.kz\nSubject: Re: {asked[0].subject}\n\nYes, I confirm.\n"
    ).encode()
    confirmed = intake.deliver(reply)
    assert confirmed.request.pk == delivery.request.pk
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.hoster.kz", "ns2.hoster.kz"]
    confirmation.refresh_from_db()
    assert confirmation.state == "confirmed"


def test_a_confirmation_from_someone_else_or_too_late_applies_nothing_T10(intake, registered):
    intake.deliver(golden("modify-en-stranger.eml"))
    confirmation = Confirmation.objects.get()
    subject = f"Re: [{confirmation.request.tracking}] CONFIRM {confirmation.token}"
    forged = f"From: stranger@elsewhere.kz\nTo: hostmaster@nic.kz\nSubject: {subject}\n\nok\n".encode()
    assert "not accepted" in intake.deliver(forged).replies[-1].body
    clock.freeze(clock.now() + dt.timedelta(days=8))
    assert expire_confirmations() == 1
    late = f"From: ivan1@example.kz\nTo: hostmaster@nic.kz\nSubject: {subject}\n\nok\n".encode()
    intake.deliver(late)
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.ps.kz", "ns2.ps.kz"]
    confirmation.refresh_from_db()
    assert confirmation.state == "expired"
