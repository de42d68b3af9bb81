"""A registrar's software that nobody on the team wrote — pyepp (PyPI) — against the server over real TLS:
greeting, login, a domain check, logout, and a refused login. Every frame it receives is validated
against the schemas like our own client's."""

from __future__ import annotations

import pytest
from pyepp import EppCommunicator
from pyepp.domain import Domain as PyeppDomain
from pyepp.epp import EppCommunicatorException

from kzreg.epp.models import LoginAttempt
from tests.epp.conftest import PASSWORD, schema_errors


@pytest.fixture
def pyepp_connect(epp_server, pki, epp_schema, monkeypatch):
    """pyepp trusts the system's CAs only: point OpenSSL's default CA file at the test CA."""
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca))
    communicators: list[EppCommunicator] = []

    def connect(handle: str = "PS-KZ", certificate: bool = True) -> EppCommunicator:
        communicator = EppCommunicator(
            "localhost", str(epp_server.port),
            client_cert=str(pki.cert(handle)) if certificate else None,
            client_key=str(pki.key(handle)) if certificate else None,
        )  # fmt: skip
        read = communicator._read

        def validated_read() -> bytes | None:
            frame = read()
            if frame is not None:
                assert schema_errors(epp_schema, frame.strip()) == [], frame
            return frame

        monkeypatch.setattr(communicator, "_read", validated_read)
        communicator.connect()
        communicators.append(communicator)
        return communicator

    yield connect
    for communicator in communicators:
        communicator.disconnect()


def test_pyepp_logs_in_checks_domains_and_logs_out(pyepp_connect, epp_registrar, make_domain):
    make_domain("taken.kz")
    epp = pyepp_connect()
    assert b"<svID>kzreg EPP</svID>" in epp.greeting
    assert b"<lang>kk</lang>" in epp.hello()
    login = epp.login("PS-KZ", PASSWORD, extensions=["rgp-1.0"])
    assert login.code == 1000 and login.server_transaction_id.startswith("KZ-")
    check = PyeppDomain(epp).check(["taken.kz", "free-name.kz"], client_transaction_id="PYEPP-1")
    assert check.code == 1000
    assert check.client_transaction_id == "PYEPP-1"
    assert check.result_data["taken.kz"]["avail"] is False
    assert check.result_data["free-name.kz"]["avail"] is True
    assert epp.logout().code == 1500


def test_pyepp_with_a_wrong_password_is_refused_and_logged(pyepp_connect, epp_registrar):
    epp = pyepp_connect()
    with pytest.raises(EppCommunicatorException, match=r"2200|Authentication error"):
        epp.login("PS-KZ", "not-the-password")
    assert list(LoginAttempt.objects.values_list("client_id", "outcome")) == [("PS-KZ", "bad_password")]


def test_pyepp_without_a_client_certificate_is_refused(pyepp_connect, epp_registrar):
    epp = pyepp_connect(certificate=False)
    with pytest.raises(EppCommunicatorException):
        epp.login("PS-KZ", PASSWORD)
    assert list(LoginAttempt.objects.values_list("outcome", flat=True)) == ["no_certificate"]
