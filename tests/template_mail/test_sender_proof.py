"""Issue 9 §1: a sender counts only when proven (T9), a forwarded Delete only with its own DKIM
signature (T13). Real SMTP to the intake on loopback, the loopback DNS server publishing SPF, DKIM and
DMARC, messages signed with real keys; the attacker connects from 127.0.0.66, which the contacts'
domains do not allow."""

from __future__ import annotations

import smtplib
import threading

import pytest

from kzreg.registry.models import Contact, Domain, Host
from kzreg.template_mail.intake import store_message
from kzreg.template_mail.models import Confirmation, InboundMessage, SeenSignature
from kzreg.template_mail.processing import process_stored
from tests.dnsserver import closed_port
from tests.mail.world import ATTACKER_IP
from tests.template_mail.conftest import golden, set_scheme, sign_forwarded, stored

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ADMIN = "ivan1@example.kz"


def hosts(domain: Domain) -> list[str]:
    return [link.host.name for link in domain.nameserver_links.order_by("position")]


def unchanged(registered) -> bool:
    domain = Domain.objects.get(pk=registered.pk)
    return domain.registrant_id == registered.registrant_id and hosts(domain) == ["ns1.ps.kz", "ns2.ps.kz"]


def asked(delivery, address: str = ADMIN) -> list:
    """The confirmation requests mailed to `address` (replies to a forged From go there too)."""
    return [m for m in delivery.to(address) if "CONFIRM " in m.subject]


def confirm(intake, question):
    reply = f"From: {ADMIN}\nTo: hostmaster@nic.kz\nSubject: Re: {question.subject}\n\nYes.\n".encode()
    return intake.deliver(reply)


def test_attack_forged_forwarded_delete_asks_the_admin_contact_before_anything_changes(intake, registered):
    """Attack 1: a Transfer from anyone with an unsigned `message/rfc822` 'from' the admin contact."""
    raw = golden("transfer-forwarded.eml").replace(b"From: askar@astana-digital.kz", b"From: attacker@evil.kz")
    delivery = intake.deliver(raw, source=ATTACKER_IP)
    assert delivery.request.state == "awaiting", delivery.result().body
    assert unchanged(registered)
    confirmation = Confirmation.objects.get()
    assert (confirmation.template, confirmation.action, confirmation.sent_to) == ("transfer", "T", [ADMIN])
    questions = asked(delivery)  # the old admin contact is asked at the address on record, not told after
    assert len(questions) == 1 and f"CONFIRM {confirmation.token}" in questions[0].subject
    assert "Передача example.kz" in questions[0].subject  # in the contact's language (ru), not the form's
    assert not delivery.to("noc1@telecom.kz")  # nobody is told of a change that has not happened
    done = confirm(intake, questions[0])
    assert done.request.pk == delivery.request.pk
    domain = Domain.objects.get(pk=registered.pk)
    assert domain.registrant.organisation == "Astana Digital Limited Liability Partnership"
    confirmation.refresh_from_db()
    assert confirmation.state == "confirmed"


def test_attack_forged_header_from_is_not_mail_from(intake, registered):
    """Attack 2: envelope attacker@evil.kz (SPF passes — for evil.kz), header From the admin contact."""
    raw = golden("transfer-unauthorized.eml").replace(b"From: askar@astana-digital.kz", f"From: {ADMIN}".encode())
    delivery = intake.deliver(raw, mail_from="attacker@evil.kz", source=ATTACKER_IP)
    message = stored(delivery)
    assert not message.proven
    assert message.authentication["spf"]["result"] == "pass" and message.authentication["spf"]["domain"] == "evil.kz"
    assert message.authentication["dmarc"] == {
        "result": "fail",
        "policy": "reject",
        "record": "example.kz",
        "reason": "",
    }
    assert "dmarc=fail" in message.authentication_results
    assert delivery.request.state == "awaiting" and unchanged(registered)
    assert Confirmation.objects.get().sent_to == [ADMIN]
    assert len(asked(delivery)) == 1


def test_forged_from_modify_waits_for_the_contact_even_under_mail_from(intake, registered, staff):
    set_scheme(registered.admin_contact, "M", staff)
    delivery = intake.deliver(golden("modify-en-mailfrom.eml"), mail_from="attacker@evil.kz", source=ATTACKER_IP)
    assert delivery.request.state == "awaiting" and unchanged(registered)
    questions = asked(delivery)
    assert len(questions) == 1 and Confirmation.objects.get().sent_to == [ADMIN]
    confirm(intake, questions[0])
    assert hosts(Domain.objects.get(pk=registered.pk)) == ["ns1.hoster.kz", "ns2.hoster.kz"]


def test_a_proven_mail_from_modify_is_applied_by_spf_or_by_dkim(intake, registered, mail_world):
    by_spf = intake.deliver(golden("modify-en-mailfrom.eml"))  # from 127.0.0.1, envelope the admin's
    assert stored(by_spf).proven and by_spf.request.state == "completed", by_spf.result().body
    assert "dmarc=pass" in stored(by_spf).authentication_results
    raw = golden("modify-en-mailfrom.eml").replace(b"ns1.hoster.kz", b"ns3.hoster.kz")
    by_dkim = intake.deliver(mail_world.sign(raw, "example.kz"), mail_from="list@evil.kz", source=ATTACKER_IP)
    assert stored(by_dkim).authentication["spf"]["domain"] == "evil.kz"  # SPF passes, unaligned
    assert stored(by_dkim).proven and by_dkim.request.state == "completed", by_dkim.result().body
    assert hosts(Domain.objects.get(pk=registered.pk))[0] == "ns3.hoster.kz"


def test_signed_by_the_wrong_domain_or_unsigned_is_unproven(intake, registered, mail_world):
    wrong = mail_world.sign(golden("modify-en-mailfrom.eml"), "evil.kz")
    for raw in (wrong, golden("modify-en-mailfrom.eml")):
        delivery = intake.deliver(raw, mail_from="attacker@evil.kz", source=ATTACKER_IP)
        assert not stored(delivery).proven and delivery.request.state == "awaiting"
    assert unchanged(registered)


def test_a_signed_forwarded_delete_transfers_once_and_its_replay_is_refused(intake, registered, mail_world):
    raw = sign_forwarded(golden("transfer-forwarded.eml"), mail_world)
    first = intake.deliver(raw)
    assert first.request.state == "completed", first.result().body
    assert SeenSignature.objects.get().fingerprint == "dkim:example.kz/sel"
    assert first.to(ADMIN)  # the old contacts are told of the completed transfer
    # The domain changed hands; the attacker who kept a copy sends it again to take it back and forth.
    Domain.objects.filter(pk=registered.pk).update(admin_contact=registered.admin_contact)
    replay = intake.deliver(raw.replace(b"<tr1@mail.test>", b"<tr2@mail.test>"))
    assert replay.request.state == "rejected"
    assert "already used once" in replay.result().body


def test_a_forwarded_delete_signed_by_another_domain_or_key_is_not_the_admins(intake, registered, mail_world):
    for signed in (
        sign_forwarded(golden("transfer-forwarded.eml"), mail_world, domain="evil.kz"),
        sign_forwarded(golden("transfer-forwarded.eml"), mail_world, key_of="evil.kz"),  # d=example.kz, wrong key
    ):
        delivery = intake.deliver(signed)
        assert delivery.request.state == "awaiting" and unchanged(registered)
    results = [m.authentication["forwarded"][0]["dkim"][0]["result"] for m in InboundMessage.objects.order_by("id")]
    assert results == ["pass", "fail"]  # evil.kz's own signature verifies — for evil.kz


def test_legacy_mode_accepts_unproven_senders_as_before(intake, registered, monkeypatch):
    monkeypatch.setenv("KZREG_MAIL_ACCEPT_UNPROVEN", "1")
    forged = intake.deliver(golden("modify-en-mailfrom.eml"), mail_from="attacker@evil.kz", source=ATTACKER_IP)
    assert forged.request.state == "completed" and not stored(forged).proven  # recorded as unproven
    transfer = intake.deliver(golden("transfer-forwarded.eml"))
    assert transfer.request.state == "completed", transfer.result().body


def test_dns_server_down_is_temperror_and_unproven(intake, registered, monkeypatch):
    monkeypatch.setenv("KZREG_DNS_RESOLVER", f"127.0.0.1:{closed_port()}")
    monkeypatch.setenv("KZREG_DNS_TIMEOUT", "0.2")
    delivery = intake.deliver(golden("modify-en-mailfrom.eml"))
    auth = stored(delivery).authentication
    assert (auth["spf"]["result"], auth["dmarc"]["result"], auth["proven"]) == ("temperror", "temperror", False)
    assert delivery.request.state == "awaiting" and unchanged(registered)


def test_a_message_file_is_proven_by_dkim_alone(registered, mail_world):
    raw = mail_world.sign(golden("modify-en-mailfrom.eml"), "example.kz")
    message = InboundMessage.objects.get(pk=store_message(raw, ADMIN, ["hostmaster@nic.kz"], source="cli"))
    assert message.authentication["spf"]["result"] == "none" and message.proven
    assert process_stored(message.pk).state == "completed"


@pytest.mark.parametrize(
    "name, expected",
    [("modify-ru-cryptpw.eml", "пароль Crypt-PW в 0c не совпадает"), ("delete-kk.eml", "0c тармағындағы Crypt-PW")],
)
def test_the_reasons_are_told_in_the_replys_language_T9(intake, registered, staff, name, expected):
    set_scheme(registered.admin_contact, "C", staff, crypt_password="another-pass")
    set_scheme(registered.registrant, "C", staff, crypt_password="another-pass")
    raw = golden(name)
    raw = raw.replace("Ақпарат.................: \n".encode(), "Ақпарат.................: wrong\n".encode())
    body = intake.deliver(raw, source=ATTACKER_IP, mail_from="x@evil.kz").result().body
    assert expected in body and "does not match" not in body
    assert unchanged(registered)


def test_slow_dns_does_not_hold_up_the_smtp_server(intake, registered, mail_world):
    """The lookups run in the intake's worker threads: while one message waits for DNS, another client
    is served (banner, EHLO, a whole message)."""
    mail_world.dns.delay = 0.5  # each answer late; one message needs several, one after the other
    mail_world.dns.queried.clear()
    first = threading.Thread(target=intake.send, args=(golden("modify-en-mailfrom.eml"),))
    try:
        first.start()
        assert mail_world.dns.queried.wait(10)  # the first message is at its lookups
        with smtplib.SMTP(intake.host, intake.port, timeout=10) as client:
            assert client.ehlo()[0] == 250
            assert client.noop()[0] == 250
        assert first.is_alive()  # the first message is still waiting for its DNS answers
    finally:
        first.join()
        mail_world.dns.delay = 0.0
    assert InboundMessage.objects.get().authentication["proven"]


def test_contact_and_host_forms_from_an_unproven_address(intake, registered):
    """A contact's own form, forged: the contact confirms first; a host form (no confirmation) is refused,
    saying why in the form's language."""
    handle = registered.admin_contact.handle
    raw = golden("contact-modify-en.eml", HANDLE=handle)
    contact = intake.deliver(raw, mail_from="attacker@evil.kz", source=ATTACKER_IP)
    assert contact.request.state == "awaiting" and len(asked(contact)) == 1
    assert Contact.objects.get(handle=handle).phones == registered.admin_contact.phones
    host = intake.deliver(golden("host-modify-ru.eml"), mail_from="attacker@evil.kz", source=ATTACKER_IP)
    assert host.request.state == "rejected"
    assert "отправитель ivan7@example.kz не подтверждён" in host.result().body
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.10"]
