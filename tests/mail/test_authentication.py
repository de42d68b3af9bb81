"""SPF, DKIM and DMARC of inbound mail through a real DNS server on loopback, with real keys."""

from __future__ import annotations

import pytest

from kzreg.mail.authentication import authenticate
from kzreg.mail.resolver import parse_servers
from tests.dnsserver import closed_port
from tests.mail.world import ATTACKER_IP


def message(
    sender: str = "Ivan <ivan1@example.kz>", body: str = "Domain Version Number: 3.2\n", extra: str = ""
) -> bytes:
    return (
        (
            f"From: {sender}\nTo: hostmaster@nic.kz\nSubject: modify\nMessage-ID: <m1@example.kz>\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}"
        )
        .replace("\n", "\r\n")
        .encode()
    )


def test_spf_pass_aligned_with_from_proves_the_sender(mail_world):
    auth = authenticate(message(), ip="127.0.0.1", helo="mx.example.kz", mail_from="ivan1@example.kz")
    assert (auth.spf.result, auth.dmarc.result, auth.dmarc.policy, auth.proven) == ("pass", "pass", "reject", True)
    assert auth.from_address == "ivan1@example.kz" and auth.as_json()["proven"] is True
    header = auth.header("nic.kz")
    assert "spf=pass" in header and "smtp.mailfrom=ivan1@example.kz" in header
    assert "dmarc=pass header.from=example.kz policy.dmarc=reject" in header


def test_dkim_of_the_from_domain_proves_the_sender_from_anywhere(mail_world):
    raw = mail_world.sign(message(), "example.kz")
    auth = authenticate(raw, ip=ATTACKER_IP, helo="relay.evil.kz", mail_from="list@evil.kz")
    assert auth.spf.result == "pass" and auth.spf.domain == "evil.kz"  # passes, but for evil.kz
    assert [(d.result, d.domain, d.selector) for d in auth.dkim] == [("pass", "example.kz", "sel")]
    assert auth.proven


def test_forged_from_with_spf_pass_for_the_attackers_own_domain_is_unproven(mail_world):
    auth = authenticate(message(), ip=ATTACKER_IP, helo="evil.kz", mail_from="attacker@evil.kz")
    assert auth.spf.result == "pass"  # evil.kz does allow 127.0.0.66 — for evil.kz, not example.kz
    assert (auth.dmarc.result, auth.dmarc.policy, auth.proven) == ("fail", "reject", False)


def test_envelope_in_the_victims_domain_from_a_host_it_does_not_allow_fails_spf(mail_world):
    auth = authenticate(message(), ip=ATTACKER_IP, helo="evil.kz", mail_from="ivan1@example.kz")
    assert auth.spf.result == "fail" and not auth.proven


def test_signed_by_the_wrong_domain_is_unproven(mail_world):
    raw = mail_world.sign(message(), "evil.kz")
    auth = authenticate(raw, ip=ATTACKER_IP, helo="evil.kz", mail_from="attacker@evil.kz")
    assert [(d.result, d.domain) for d in auth.dkim] == [("pass", "evil.kz")]
    assert auth.dmarc.result == "fail" and not auth.proven


def test_a_signature_made_with_another_key_or_a_tampered_body_fails(mail_world):
    forged = mail_world.sign(message(), "example.kz", key_of="evil.kz")  # d=example.kz, evil's key
    tampered = mail_world.sign(message(), "example.kz").replace(b"3.2", b"3.3")
    for raw in (forged, tampered):
        auth = authenticate(raw, ip=ATTACKER_IP, helo="evil.kz", mail_from="attacker@evil.kz")
        assert [d.result for d in auth.dkim] == ["fail"] and not auth.proven


def test_every_signature_is_verified_on_its_own(mail_world):
    raw = mail_world.sign(mail_world.sign(message(), "example.kz"), "evil.kz")
    auth = authenticate(raw)
    assert sorted((d.domain, d.result) for d in auth.dkim) == [("evil.kz", "pass"), ("example.kz", "pass")]
    assert auth.spf.result == "none" and auth.proven  # no SMTP peer: DKIM alone


def test_a_signature_over_part_of_the_body_does_not_count(mail_world):
    signed = mail_world.sign(message(), "example.kz", length=True)
    raw = signed + b"0a. (N)ew (M)odify (D)elete................: D\r\n"  # text added after the signed part
    auth = authenticate(raw, ip=ATTACKER_IP, helo="evil.kz", mail_from="attacker@evil.kz")
    assert [d.result for d in auth.dkim] == ["policy"] and not auth.proven


def test_unsigned_without_a_peer_is_unproven(mail_world):
    auth = authenticate(message())
    assert (auth.spf.result, auth.dkim, auth.dmarc.result, auth.proven) == ("none", [], "fail", False)


def test_no_dmarc_policy_means_not_proven(mail_world):
    auth = authenticate(message("a@nodmarc.kz"), ip="127.0.0.1", helo="nodmarc.kz", mail_from="a@nodmarc.kz")
    assert auth.spf.result == "pass" and auth.dmarc.result == "none" and not auth.proven


def test_two_from_fields_or_two_addresses_are_never_proven(mail_world):
    two_fields = message(extra="From: attacker@evil.kz\n")
    two_addresses = message("ivan1@example.kz, attacker@evil.kz")
    for raw in (two_fields, two_addresses):
        auth = authenticate(raw, ip="127.0.0.1", helo="mx.example.kz", mail_from="ivan1@example.kz")
        assert auth.dmarc.result == "permerror" and not auth.proven


def test_dns_server_down_is_temperror_and_unproven(mail_world, monkeypatch):
    monkeypatch.setenv("KZREG_DNS_RESOLVER", f"127.0.0.1:{closed_port()}")
    monkeypatch.setenv("KZREG_DNS_TIMEOUT", "0.2")
    raw = mail_world.sign(message(), "example.kz")
    auth = authenticate(raw, ip="127.0.0.1", helo="mx.example.kz", mail_from="ivan1@example.kz")
    assert auth.spf.result == "temperror"
    assert [d.result for d in auth.dkim] == ["temperror"]
    assert auth.dmarc.result == "temperror" and not auth.proven


@pytest.mark.parametrize(
    "setting, servers",
    [("127.0.0.1:5353", [("127.0.0.1", 5353)]), ("10.0.0.1, [::1]:54", [("10.0.0.1", 53), ("::1", 54)])],
)
def test_resolver_setting(setting, servers):
    assert parse_servers(setting) == servers
