"""`kzreg registrar epp-access` and the back-office's EPP pages: access set from the command line, every
bad value named at once with nothing written, and the password hash never shown."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User

from kzreg.cli import main
from kzreg.epp.access import address_allowed
from kzreg.epp.certs import fingerprint, load_pem
from kzreg.epp.models import EppAccess, LoginAttempt

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_epp_access_sets_password_certificate_and_networks(registrar, pki, capsys):
    cert = pki.cert("PS-KZ")
    code, out, _ = run(
        capsys, "registrar", "epp-access", "PS-KZ", "--password", "s3cret-pass", "--certificate", str(cert),
        "--allow-ip", "192.0.2.0/24", "--allow-ip", "2001:db8::/48",
    )  # fmt: skip
    assert code == 0
    access = EppAccess.objects.get(registrar=registrar)
    assert check_password("s3cret-pass", access.password_hash) and "s3cret-pass" not in access.password_hash
    pinned = fingerprint(load_pem(cert.read_bytes())[0])
    assert access.certificate_fingerprints == [pinned]
    assert access.allowed_networks == ["192.0.2.0/24", "2001:db8::/48"]
    assert f"SHA-256 {pinned}" in out and "192.0.2.0/24, 2001:db8::/48" in out
    assert "s3cret-pass" not in out


def test_changing_only_the_networks_keeps_password_and_certificate(registrar, pki, capsys):
    run(
        capsys, "registrar", "epp-access", "PS-KZ", "--password", "s3cret-pass", "--certificate", str(pki.cert("PS-KZ"))
    )
    before = EppAccess.objects.get()
    assert run(capsys, "registrar", "epp-access", "PS-KZ", "--allow-ip", "198.51.100.7")[0] == 0
    after = EppAccess.objects.get()
    assert (after.password_hash, after.certificate_fingerprints) == (
        before.password_hash,
        before.certificate_fingerprints,
    )
    assert after.allowed_networks == ["198.51.100.7/32"]
    assert run(capsys, "registrar", "epp-access", "PS-KZ", "--loopback-only")[0] == 0
    assert EppAccess.objects.get().allowed_networks == []


def test_every_bad_value_is_named_and_nothing_is_written(registrar, tmp_path, capsys):
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    code, _, err = run(
        capsys, "--lang", "kk", "registrar", "epp-access", "PS-KZ", "--password", "short",
        "--certificate", str(junk), "--allow-ip", "10.0.0.300/8",
    )  # fmt: skip
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "error: password: құпиясөз 8–128 таңбадан тұруы және бос орынмен басталмауы не аяқталмауы керек"
    assert lines[1].startswith("error: certificate[0]: PEM форматындағы X.509 сертификаты оқылмады")
    assert (
        lines[2] == "error: allow_ip[0]: желі мекен-жайы дұрыс емес (CIDR күтілді, мысалы 192.0.2.0/24): 10.0.0.300/8"
    )
    assert not EppAccess.objects.exists()


def test_a_first_setting_needs_a_password_and_a_certificate(registrar, capsys):
    code, _, err = run(capsys, "registrar", "epp-access", "PS-KZ", "--allow-ip", "192.0.2.0/24")
    assert code == 1
    assert "error: password:" in err and "error: certificate:" in err
    assert not EppAccess.objects.exists()


def test_an_unknown_registrar_is_an_error(db, capsys):
    code, _, err = run(capsys, "registrar", "epp-access", "NOBODY-KZ", "--password", "s3cret-pass")
    assert code == 1 and "NOBODY-KZ" in err


@pytest.mark.parametrize(
    ("address", "networks", "allowed"),
    [
        ("127.0.0.1", [], True),
        ("::1", [], True),
        ("192.0.2.10", [], False),  # no list: loopback only
        ("192.0.2.10", ["192.0.2.0/24"], True),
        ("127.0.0.1", ["192.0.2.0/24"], False),  # a list replaces loopback
        ("2001:db8::5", ["192.0.2.0/24", "2001:db8::/32"], True),
    ],
)
def test_allowed_networks(address, networks, allowed):
    assert address_allowed(address, networks) is allowed


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def test_the_back_office_shows_access_and_attempts_but_never_the_hash(staff_client, registrar, pki, capsys):
    run(
        capsys, "registrar", "epp-access", "PS-KZ", "--password", "s3cret-pass", "--certificate", str(pki.cert("PS-KZ"))
    )
    access = EppAccess.objects.get()
    LoginAttempt.objects.create(at=access.updated_at, client_id="PS-KZ", address="192.0.2.1", outcome="bad_password")
    listing = staff_client.get("/admin/epp/eppaccess/")
    page = staff_client.get(f"/admin/epp/eppaccess/{access.pk}/change/")
    attempts = staff_client.get("/admin/epp/loginattempt/")
    assert listing.status_code == page.status_code == attempts.status_code == 200
    for response in (listing, page):
        assert access.password_hash.encode() not in response.content
        assert b"md5$" not in response.content and b"pbkdf2" not in response.content
    assert access.certificate_fingerprints[0].encode() in page.content
    assert b"192.0.2.1" in attempts.content and b"bad_password" in attempts.content
    assert staff_client.post(f"/admin/epp/eppaccess/{access.pk}/change/", {}).status_code == 403


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.EPP_CERT = settings.EPP_KEY = settings.EPP_CLIENT_CA = ""
    settings.DEMO = True
    return tmp_path


def test_first_start_makes_the_ca_and_demo_access_printed_once(data_dir, registrar, other_registrar, capsys):
    from kzreg.epp.access import Gatekeeper, LoginClaim
    from kzreg.epp.services import prepare_first_start

    prepare_first_start(print_to_console=True)
    out = capsys.readouterr().out
    folder = data_dir / "epp"
    for name in ("ca.crt", "ca.key", "server.crt", "server.key", "PS-KZ.crt", "PS-KZ.key", "HOSTER-KZ.crt"):
        assert (folder / name).exists(), name
    assert oct((folder / "ca.key").stat().st_mode & 0o777) == "0o600"
    password = (folder / "PS-KZ.password").read_text().strip()
    assert f"EPP access for PS-KZ: password {password}" in out
    der = load_pem((folder / "PS-KZ.crt").read_bytes())[0].public_bytes(Encoding.DER)
    decision = Gatekeeper().login(LoginClaim("PS-KZ", password, None, "127.0.0.1", der))
    assert decision.ok
    prepare_first_start(print_to_console=True)  # a second start: nothing new, nothing printed
    assert capsys.readouterr().out == ""
    assert EppAccess.objects.count() == 2


def test_a_configured_server_certificate_is_used_and_no_ca_is_made(data_dir, settings, pki):
    from kzreg.epp.services import server_files

    settings.EPP_CERT, settings.EPP_KEY = str(pki.local.server_cert), str(pki.local.server_key)
    settings.EPP_CLIENT_CA = str(pki.ca)
    files = server_files()
    assert (files.cert, files.client_ca) == (pki.local.server_cert, pki.ca)
    assert not (data_dir / "epp").exists()
    settings.EPP_KEY = ""
    with pytest.raises(RuntimeError, match="both KZREG_EPP_CERT and KZREG_EPP_KEY"):
        server_files()
