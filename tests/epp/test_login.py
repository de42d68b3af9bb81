"""Login security (RFC 5730 §2.9.1.1, RFC 8807) tried from the wrong side: every refusal is 2200 (or the
RFC's closing code), is logged, and lets nothing through (issue 10's access rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password

from kzreg.core import clock
from kzreg.epp import client as epp_client
from kzreg.epp.access import set_access
from kzreg.epp.models import EppAccess, LoginAttempt
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from tests.epp.conftest import PASSWORD

CHECK = epp_client.command("logout", cltrid="AFTER-LOGIN")


def outcomes() -> list[str]:
    return list(LoginAttempt.objects.order_by("id").values_list("outcome", flat=True))


def assert_not_logged_in(client: epp_client.EppClient) -> None:
    """A command after a refused login is still refused as 'log in first' (2002)."""
    reply = client.request(epp_client.command("logout", cltrid="PROBE-1"))
    assert reply.code == 2002


def test_login_with_password_certificate_and_loopback_address(connect, epp_registrar, pki):
    client = connect()
    reply = client.login("PS-KZ", PASSWORD, cltrid="LOGIN-1", user_agent="registrar-robot/2.1")
    assert reply.code == 1000 and reply.client_trid == "LOGIN-1"
    attempt = LoginAttempt.objects.get()
    assert (attempt.client_id, attempt.outcome, attempt.address) == ("PS-KZ", "ok", "127.0.0.1")
    assert attempt.registrar == epp_registrar
    from kzreg.epp.certs import fingerprint, load_pem

    assert attempt.certificate_fingerprint == fingerprint(load_pem(pki.cert("PS-KZ").read_bytes())[0])
    assert "registrar-robot/2.1" in attempt.user_agent


def test_wrong_password_is_2200_logged_and_not_logged_in(connect, epp_registrar):
    client = connect()
    reply = client.login("PS-KZ", "wrong-password-1")
    assert reply.code == 2200
    assert reply.reasons == ["clID: unknown client id or wrong password"]
    assert outcomes() == ["bad_password"]
    assert_not_logged_in(client)


def test_unknown_client_id_gets_the_same_answer_as_a_wrong_password(connect, epp_registrar):
    client = connect()
    reply = client.login("NOBODY-KZ", PASSWORD)
    assert reply.code == 2200
    assert reply.reasons == ["clID: unknown client id or wrong password"]
    assert outcomes() == ["unknown_client"]
    assert_not_logged_in(client)


def test_no_client_certificate_is_refused_and_logged(connect, epp_registrar):
    client = connect(certificate=False)
    reply = client.login("PS-KZ", PASSWORD)
    assert reply.code == 2200
    assert "no client certificate" in reply.reasons[0]
    assert outcomes() == ["no_certificate"]
    assert LoginAttempt.objects.get().certificate_fingerprint == ""
    assert_not_logged_in(client)


def test_another_registrars_certificate_is_refused(connect, epp_registrar, other_epp_registrar):
    client = connect("HOSTER-KZ")  # HOSTER-KZ's own certificate, PS-KZ's password
    reply = client.login("PS-KZ", PASSWORD)
    assert reply.code == 2200
    assert "is not registered for this registrar" in reply.reasons[0]
    assert outcomes() == ["certificate_not_pinned"]
    assert_not_logged_in(client)


def test_a_certificate_from_another_ca_fails_the_handshake(epp_server, epp_registrar, pki):
    client = epp_client.EppClient(
        "127.0.0.1", epp_server.port, cafile=str(pki.ca), certfile=str(pki.stranger_cert),
        keyfile=str(pki.stranger_key), timeout=5,
    )  # fmt: skip
    with pytest.raises((OSError, epp_client.EppClientError)):
        client.connect()
        client.login("PS-KZ", PASSWORD)  # TLS 1.3 may report the refusal only at the first read
    client.close()
    assert not LoginAttempt.objects.filter(outcome="ok").exists()


def test_an_address_outside_the_allow_list_is_refused(connect, epp_registrar):
    set_access(epp_registrar, password=None, certificates=None, networks=["192.0.2.0/24", "2001:db8::/32"])
    client = connect()
    reply = client.login("PS-KZ", PASSWORD)
    assert reply.code == 2200
    assert reply.reasons == ["logins from 127.0.0.1 are not allowed"]
    assert outcomes() == ["address_not_allowed"]
    assert_not_logged_in(client)


def test_an_address_inside_the_allow_list_logs_in(connect, epp_registrar):
    set_access(epp_registrar, password=None, certificates=None, networks=["127.0.0.0/24"])
    assert connect().login("PS-KZ", PASSWORD).code == 1000


def test_three_failures_close_the_connection_with_2501(connect, epp_registrar):
    client = connect()
    assert client.login("PS-KZ", "wrong-password-1").code == 2200
    assert client.login("PS-KZ", "wrong-password-2").code == 2200
    third = client.login("PS-KZ", "wrong-password-3")
    assert third.code == 2501
    assert "3 failed logins in one connection" in third.reasons[-1]
    with pytest.raises((epp_client.EppClientError, OSError)):
        client.request(epp_client.hello())
    assert outcomes() == ["bad_password"] * 3


def test_failures_from_one_address_are_rate_limited_until_the_window_passes(connect, epp_registrar, frozen_clock):
    for _ in range(3):  # 3 connections × 3 failures, then a 10th failure: the limit is 10 per 5 minutes
        client = connect()
        for n in range(3):
            client.login("PS-KZ", f"wrong-password-{n}")
    assert connect().login("PS-KZ", "wrong-password-x").code == 2200
    refused = connect()
    reply = refused.login("PS-KZ", PASSWORD)  # even the right password: refused before any check
    assert reply.code == 2502
    assert "too many failed logins from 127.0.0.1" in reply.reasons[0]
    with pytest.raises((epp_client.EppClientError, OSError)):
        refused.hello()
    assert outcomes()[-1] == "rate_limited"
    clock.advance(dt.timedelta(minutes=5, seconds=1))
    assert connect().login("PS-KZ", PASSWORD).code == 1000


def test_a_suspended_registrar_cannot_log_in(connect, epp_registrar, staff):
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "unpaid fees"), staff)
    reply = connect().login("PS-KZ", PASSWORD)
    assert reply.code == 2201
    assert reply.reasons == ["clID: the registrar is suspended"]
    assert outcomes() == ["registrar_suspended"]


def test_a_session_of_a_registrar_suspended_meanwhile_is_refused_at_its_next_command(epp, staff):
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "unpaid fees"), staff)
    reply = epp.request(epp_client.command("poll", op="req", cltrid="POLL-1"))
    assert reply.code == 2201
    assert reply.reasons == ["clID: the registrar is suspended"]


def test_a_second_login_is_a_command_use_error(epp):
    reply = epp.login("PS-KZ", PASSWORD)
    assert reply.code == 2002
    assert reply.reasons == ["login: the session is already logged in; <logout> first"]


def test_messages_come_in_the_language_chosen_at_login(connect, epp_registrar):
    client = connect()
    failed = client.login("PS-KZ", "wrong-password-1", lang="kk")
    assert failed.results[0].lang == "kk"
    assert failed.results[0].message == "Аутентификация қатесі"
    assert failed.reasons == ["clID: клиент идентификаторы немесе құпиясөз дұрыс емес"]
    assert client.login("PS-KZ", PASSWORD, lang="ru").code == 1000
    again = client.login("PS-KZ", PASSWORD, lang="ru")
    assert again.results[0].message == "Команда применена неверно"
    assert again.reasons == ["login: сеанс уже открыт; перед новым входом выполните <logout>"]


def test_new_password_changes_the_password(connect, epp_registrar):
    assert connect().login("PS-KZ", PASSWORD, new_password="new-secret-42").code == 1000
    access = EppAccess.objects.get(registrar=epp_registrar)
    assert "new-secret-42" not in access.password_hash and check_password("new-secret-42", access.password_hash)
    assert connect().login("PS-KZ", PASSWORD).code == 2200
    assert connect().login("PS-KZ", "new-secret-42").code == 1000


def test_a_weak_new_password_is_refused_and_the_old_one_kept(connect, epp_registrar):
    before = EppAccess.objects.get(registrar=epp_registrar).password_hash
    reply = connect().login("PS-KZ", PASSWORD, new_password="short1")
    assert reply.code == 2306
    assert reply.reasons == ["newPW: the password must have 8 to 128 characters and not begin or end with a space"]
    assert EppAccess.objects.get(registrar=epp_registrar).password_hash == before
    assert outcomes() == ["new_password_refused"]


def test_login_security_carries_a_long_password(connect, epp_registrar):
    long_password = "a much longer pass phrase than sixteen characters"
    assert connect().login("PS-KZ", PASSWORD, new_password=long_password).code == 1000
    client = connect()
    assert client.login("PS-KZ", long_password).code == 1000  # sent in <loginSec:pw>
    sent = epp_client.login_command("PS-KZ", long_password)
    assert b"<pw>[LOGIN-SECURITY]</pw>" in sent


def test_a_staff_actor_cannot_reach_epp_without_access(connect, registrar):
    """A registrar that has no EPP access row at all is refused like a wrong password."""
    assert not EppAccess.objects.exists()
    reply = connect().login("PS-KZ", PASSWORD)
    assert reply.code == 2200
    assert outcomes() == ["no_access"]


@pytest.mark.invalid_requests
@pytest.mark.parametrize(
    ("change", "code", "reason"),
    [
        ((b"<version>1.0</version>", b"<version>2.0</version>"), 2100, "options.version: protocol version not supported: 2.0 (only 1.0)"),
        ((b"<lang>en</lang>", b"<lang>de</lang>"), 2102, "options.lang: language not offered: de (en, ru, kk)"),
        ((b"urn:ietf:params:xml:ns:host-1.0", b"urn:example:widget-1.0"), 2307, "svcs.objURI[2]: the server does not offer this service: urn:example:widget-1.0"),
    ],
)  # fmt: skip
def test_login_options_the_server_does_not_offer(connect, epp_registrar, change, code, reason):
    client = connect()
    reply = client.request(epp_client.login_command("PS-KZ", PASSWORD).replace(*change))
    assert reply.code == code
    assert reply.reasons == [reason]
    assert not LoginAttempt.objects.exists()  # refused before any credential was checked
    assert_not_logged_in(client)


def _password_event(reply: epp_client.Reply) -> dict[str, str] | None:
    from kzreg.epp import namespaces

    for extension in reply.extensions:
        event = extension.find(f"{{{namespaces.LOGIN_SEC}}}event")
        if event is not None:
            return {**event.attrib, "text": event.text or ""}
    return None


def test_an_expiring_password_is_warned_then_refused_until_a_new_one_is_given(
    frozen_clock, connect, epp_registrar, epp_context
):
    epp_context.gatekeeper.password_days = 30  # KZREG_EPP_PASSWORD_DAYS; set at T0 (tests/conftest.py)
    assert _password_event(connect().login("PS-KZ", PASSWORD)) is None  # 30 days left: nothing said
    clock.advance(dt.timedelta(days=20))
    warned = connect().login("PS-KZ", PASSWORD, lang="ru")
    assert warned.code == 1000
    assert _password_event(warned) == {
        "type": "password", "level": "warning", "exDate": "2026-03-31T09:00:00Z",
        "text": "Срок действия пароля скоро истекает",
    }  # fmt: skip
    clock.advance(dt.timedelta(days=11))
    refused = connect().login("PS-KZ", PASSWORD)
    assert refused.code == 2200
    assert refused.reasons == ["pw: the password expired on 2026-03-31; give a new one (newPW) when logging in"]
    assert _password_event(refused)["level"] == "error"
    assert outcomes()[-1] == "password_expired"
    renewed = connect().login("PS-KZ", PASSWORD, new_password="fresh-secret-31")
    assert renewed.code == 1000 and _password_event(renewed) is None
    assert connect().login("PS-KZ", "fresh-secret-31").code == 1000


def test_password_events_only_for_a_client_that_asked_for_login_security(
    frozen_clock, connect, epp_registrar, epp_context
):
    epp_context.gatekeeper.password_days = 10
    without = [uri for uri in epp_client.namespaces.EXTENSIONS if uri != epp_client.LOGIN_SEC]
    reply = connect().login("PS-KZ", PASSWORD, extensions=without, user_agent=None)
    assert reply.code == 1000 and reply.extensions == []


def test_the_failure_limiter_forgets_addresses_whose_failures_are_old(frozen_clock):
    from kzreg.epp.access import FailureLimiter

    limiter = FailureLimiter(limit=2, window=60)
    limiter.failed("192.0.2.1")
    limiter.failed("192.0.2.1")
    assert limiter.wait("192.0.2.1") == 60
    assert limiter.wait("192.0.2.2") == 0
    clock.advance(dt.timedelta(seconds=61))
    assert limiter.wait("192.0.2.1") == 0
    assert limiter.failures == {}


def test_a_resumed_tls_session_logs_in_with_the_certificate_it_was_made_with(connect, epp_registrar, pki):
    """The client resumes TLS sessions (tickets); the server still sees and pins the client certificate."""
    from kzreg.epp.certs import fingerprint, load_pem

    first = connect()
    assert first.login("PS-KZ", PASSWORD).code == 1000
    first.logout()
    second = connect()
    assert second.resumed
    assert second.login("PS-KZ", PASSWORD).code == 1000
    pinned = fingerprint(load_pem(pki.cert("PS-KZ").read_bytes())[0])
    attempts = LoginAttempt.objects.order_by("id")
    assert [(a.outcome, a.certificate_fingerprint) for a in attempts] == [("ok", pinned), ("ok", pinned)]
    assert not connect(resume=False).resumed


def test_a_resumed_tls_session_with_an_unpinned_certificate_is_still_refused(connect, epp_registrar):
    first = connect("SPARE")
    assert first.login("PS-KZ", PASSWORD).code == 2200
    first.close()
    second = connect("SPARE")
    assert second.resumed
    reply = second.login("PS-KZ", PASSWORD)
    assert reply.code == 2200 and "is not registered for this registrar" in reply.reasons[0]
    assert outcomes() == ["certificate_not_pinned", "certificate_not_pinned"]


def test_a_resumed_tls_session_whose_certificate_has_since_expired_is_refused(connect, epp_registrar, pki):
    """A ticket outlives the handshake that verified the certificate's dates: the login checks them again
    (ADR 0009). The clock moves past the certificate's notAfter between the two connections."""
    from cryptography import x509

    expires = x509.load_pem_x509_certificate(pki.cert("PS-KZ").read_bytes()).not_valid_after_utc
    first = connect()
    assert first.login("PS-KZ", PASSWORD).code == 1000
    first.logout()
    with clock.frozen(expires + dt.timedelta(minutes=1)):
        second = connect()
        assert second.resumed
        reply = second.login("PS-KZ", PASSWORD)
    assert reply.code == 2200 and "the client certificate expired" in reply.reasons[0]
    assert f"{expires:%Y-%m-%d %H:%M} UTC" in reply.reasons[0]
    assert outcomes() == ["ok", "certificate_expired"]
