"""Staff two-factor authentication: a TOTP code on the back-office login (django-otp), enrolled with
`kzreg user totp NAME`; `KZREG_STAFF_2FA=required` keeps registry staff without a device out."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kzreg.accounts import two_factor
from kzreg.accounts.texts import TEXTS
from kzreg.cli import main
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app shows at `at` (now by default), from django-otp's own TOTP."""
    at = time.time() if at is None else at
    value = totp(device.bin_key, device.step, int(device.t0 - (at - time.time())), device.digits)
    return f"{value:0{device.digits}d}"


def _seconds_pass(device: TOTPDevice, seconds: int) -> None:
    """django-otp times its back-off by the wall clock: move the last failure back instead of sleeping."""
    device.refresh_from_db()
    device.throttling_failure_timestamp -= dt.timedelta(seconds=seconds)
    device.save(update_fields=["throttling_failure_timestamp"])


def login(client: Client, username: str, token: str = "", password: str = PASSWORD, address: str = "192.0.2.10"):
    form = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
    return client.post(LOGIN, form, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_kzreg_user_totp_makes_a_device_and_prints_its_uri_and_qr(people, capsys):
    assert main(["user", "totp", "registry"]) == 0
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=people["registry"], confirmed=True)
    uri = out.splitlines()[0]
    assert uri == device.config_url and uri.startswith("otpauth://totp/kzreg%3Aregistry?secret=")
    assert parse_qs(urlparse(uri).query)["issuer"] == ["kzreg"]
    assert "█" in out or "▀" in out, "a QR code drawn in the terminal"
    main(["user", "totp", "registry", "--no-qr"])
    assert TOTPDevice.objects.filter(user=people["registry"]).count() == 1, "a new device replaces the old"
    assert main(["user", "totp", "nobody"]) == 1
    assert "username: account not found: nobody" in capsys.readouterr().err


def test_staff_with_a_device_need_the_right_code(people):
    device = two_factor.enrol(people["registry"])
    client = Client()
    without = login(client, "registry")
    assert without.status_code == 200 and TEXTS["invalid_login"]["en"] in without.content.decode()
    old = login(client, "registry", code(device, at=time.time() - 300))
    assert old.status_code == 200 and "_auth_user_id" not in client.session
    _seconds_pass(device, 2)  # past django-otp's back-off (1 s after one wrong code)
    right = login(client, "registry", code(device))
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/staff/requests/").status_code == 200


def test_a_code_is_good_once(people):
    device = two_factor.enrol(people["hostmaster"])
    token = code(device)
    assert login(Client(), "hostmaster", token).status_code == 302
    again = Client()
    assert login(again, "hostmaster", token).status_code == 200, "the same code replayed"
    assert "_auth_user_id" not in again.session


def test_wrong_codes_count_as_failed_logins(people):
    device = two_factor.enrol(people["registry"])
    client = Client()
    for n in range(5):
        assert login(client, "registry", f"{n:06d}" if f"{n:06d}" != code(device) else "999999").status_code in (
            200,
            429,
        )
    assert login(client, "registry", code(device)).status_code == 429, "paused: even the right code waits"


def test_a_session_without_the_code_is_not_enough(people):
    """A session made elsewhere (e.g. a future cabinet login) without the code does not open staff pages."""
    two_factor.enrol(people["registry"])
    client = Client()
    client.force_login(people["registry"])
    assert client.get("/admin/").status_code == 302
    response = client.get("/staff/requests/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_required_mode_keeps_staff_without_a_device_out(people, settings):
    settings.KZREG_STAFF_2FA = "required"
    client = Client()
    refused = login(client, "hostmaster")
    assert refused.status_code == 200 and TEXTS["invalid_login"]["en"] in refused.content.decode()
    forced = Client()
    forced.force_login(people["hostmaster"])
    assert forced.get("/staff/outbox/").status_code == 302
    device = two_factor.enrol(people["hostmaster"])
    assert login(client, "hostmaster", code(device)).status_code == 302


def test_enrolled_mode_lets_staff_without_a_device_in_with_a_password(people, settings):
    settings.KZREG_STAFF_2FA = "enrolled"
    assert login(Client(), "hostmaster").status_code == 302


def test_the_default_mode_is_required_outside_the_demo():
    from kzreg.accounts.conf import staff_2fa

    assert staff_2fa({}, demo=False) == "required"
    assert staff_2fa({}, demo=True) == "enrolled"
    assert staff_2fa({"KZREG_STAFF_2FA": "Enrolled"}, demo=False) == "enrolled"
    with pytest.raises(Exception, match="KZREG_STAFF_2FA: must be one of required, enrolled, got 'sometimes'"):
        staff_2fa({"KZREG_STAFF_2FA": "sometimes"}, demo=True)


def test_deploy_check_names_registry_staff_without_a_device(people, settings):
    from kzreg.accounts.checks import staff_without_device

    settings.KZREG_STAFF_2FA = "required"
    two_factor.enrol(people["registry"])
    found = staff_without_device(databases=["default"])
    assert [m.id for m in found] == ["accounts.W002"]
    assert found[0].msg == "registry staff without a TOTP device: hostmaster"
    settings.KZREG_STAFF_2FA = "enrolled"
    assert [m.id for m in staff_without_device()] == ["accounts.W001"]


def test_the_login_page_asks_for_the_code_in_the_readers_language(db):
    for lang in ("kk", "ru", "en"):
        page = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert TEXTS["token"][lang] in page and TEXTS["token_help"][lang] in page
        assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page
