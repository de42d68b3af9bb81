"""The people's `/account/` pages (issue 12 §People and permissions): login throttled per account and per
address, password reset by e-mail through the outbox (the link works once), TOTP required for staff and
optional for others, sessions listed and ended."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kzreg.accounts.models import LoginSession, PeopleEvent
from kzreg.accounts.people import create_person
from kzreg.accounts.texts import TEXTS
from kzreg.notify.models import OutboxMessage
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"
SECRET = "correct horse battery staple"
LIMIT = 5


@pytest.fixture(autouse=True)
def _codes_required(settings):
    settings.KZREG_STAFF_2FA = "required"
    settings.PUBLIC_URL = "https://registrar.example.kz"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off after a wrong code runs on real time


@pytest.fixture
def people(two_tenants):
    """The tenants' users with a password: a reseller administrator, registrar staff, a registrant."""
    for user in (two_tenants.a.admin, two_tenants.registrar_staff, two_tenants.registrant):
        user.set_password(SECRET)
        user.save()
    return two_tenants


def en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def login(client: Client, username: str, password: str = SECRET, address: str = "198.51.100.7", code: str = ""):
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code},
                       REMOTE_ADDR=address, HTTP_USER_AGENT=f"test browser {address}", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def test_a_reseller_administrator_signs_in_without_a_code_and_gets_its_language(people):
    client = en()
    response = login(client, "altyn-admin")
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/account/")
    assert page.status_code == 200
    assert "reseller Altyn Hosting, administrator" in page.content.decode()
    assert "order, pay, tokens, users, view" in page.content.decode()


def test_a_wrong_password_keeps_the_username_and_says_so(people):
    response = login(en(), "altyn-admin", "wrong")
    assert response.status_code == 200
    body = response.content.decode()
    assert TEXTS["invalid_login_people"]["en"] in body and 'value="altyn-admin"' in body


def test_the_login_is_paused_per_account_from_any_address(people):
    client = en()
    for n in range(LIMIT):
        login(client, "altyn-admin", "wrong", address=f"203.0.113.{n + 1}")
    paused = login(client, "altyn-admin", address="192.0.2.50")
    assert paused.status_code == 429 and "_auth_user_id" not in client.session
    assert login(en(), "registrant", address="192.0.2.50").status_code == 302, "other accounts sign in"


def test_the_login_is_paused_per_address_for_every_account(people):
    for name in ("nobody", "altyn-admin", "ps-staff", "registrant", "sibhost-admin"):
        login(en(), name, "wrong", address="203.0.113.77")
    assert login(en(), "registrant", address="203.0.113.77").status_code == 429
    assert login(en(), "registrant", address="203.0.113.78").status_code == 302, "another address signs in"


def test_registrar_staff_must_enrol_before_anything_else_then_give_codes(people):
    client = en()
    response = login(client, "ps-staff")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.get("/account/").url == "/account/two-factor/", "nothing else until enrolled"
    assert client.get("/account/sessions/").url == "/account/two-factor/"
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=people.registrar_staff, confirmed=False)
    wrong = client.post("/account/two-factor/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "the code is wrong or expired" in wrong.content.decode()
    assert client.post("/account/two-factor/", {"code": code_for(device)}).url == "/account/"
    assert client.get("/account/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    client.post("/account/logout/")
    assert login(en(), "ps-staff").status_code == 200, "no code: refused"
    assert login(en(), "ps-staff", code=code_for(device, 1)).url == "/account/"
    assert PeopleEvent.objects.filter(action="totp_enrolled", target="ps-staff").exists()
    removing = client.post("/account/two-factor/remove/", {"code": code_for(device)})
    assert removing.status_code in (302, 400)
    assert TOTPDevice.objects.filter(user=people.registrar_staff, confirmed=True).exists(), "staff keep theirs"


def test_registry_staff_without_a_device_stay_out_when_codes_are_required(people):
    create_person("test", username="hostmaster", email="hm@nic.kz", organisation="registry", password=SECRET)
    assert login(en(), "hostmaster").status_code == 200


def test_others_may_turn_the_second_factor_on_and_off(people):
    client = en()
    assert login(client, "registrant").url == "/account/"
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=people.registrant, confirmed=False)
    client.post("/account/two-factor/", {"code": code_for(device)})
    assert TOTPDevice.objects.filter(user=people.registrant, confirmed=True).count() == 1
    assert login(en(), "registrant").status_code == 200, "now a code is asked"
    assert client.post("/account/two-factor/remove/", {"code": code_for(device, 1)}).url == "/account/"
    assert not TOTPDevice.objects.filter(user=people.registrant).exists()
    assert login(en(), "registrant").url == "/account/"


def test_password_reset_mail_in_the_outbox_in_the_users_language_and_the_link_works_once(people):
    profile = people.registrant.staff_profile
    profile.language = "ru"
    profile.save()
    sent = en().post("/account/password-reset/", {"login": "registrant@example.kz"})
    assert sent.status_code == 200 and "If there is such an account" in sent.content.decode()
    nobody = en().post("/account/password-reset/", {"login": "nobody@example.kz"})
    assert nobody.content.decode().count("If there is such an account") == 1, "the same answer for nobody"
    mail = OutboxMessage.objects.get(to=["registrant@example.kz"])
    assert mail.subject == "Восстановление пароля" and "Здравствуйте" in mail.body
    link = re.search(r"https://registrar\.example\.kz(/account/password-reset/\S+/)", mail.body).group(1)
    assert en().get(link).status_code == 200
    done = en().post(link, {"new_password1": "a brand new secret 42", "new_password2": "a brand new secret 42"})
    assert done.url == LOGIN
    assert login(en(), "registrant", "a brand new secret 42").url == "/account/"
    again = en().post(link, {"new_password1": "another secret 4242", "new_password2": "another secret 4242"})
    assert again.status_code == 400 and "no longer works" in again.content.decode()
    assert login(en(), "registrant", "another secret 4242").status_code == 200


def test_sessions_are_listed_and_one_can_be_ended(people):
    laptop, phone = en(), en()
    login(laptop, "altyn-admin", address="198.51.100.1")
    login(phone, "altyn-admin", address="198.51.100.2")
    page = laptop.get("/account/sessions/").content.decode()
    assert "198.51.100.1" in page and "198.51.100.2" in page and "test browser 198.51.100.2" in page
    other = LoginSession.objects.get(address="198.51.100.2")
    assert laptop.post(f"/account/sessions/{other.pk}/end/").url == "/account/sessions/"
    assert phone.get("/account/").url.startswith(LOGIN), "that browser is signed out"
    assert laptop.get("/account/").status_code == 200
    assert "198.51.100.2" not in laptop.get("/account/sessions/").content.decode()
    theirs = en()
    login(theirs, "registrant")
    session = LoginSession.objects.get(user=people.registrant)
    assert laptop.post(f"/account/sessions/{session.pk}/end/").status_code == 404, "not one's own: not found"
    assert theirs.get("/account/").status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(people):
    here, elsewhere = en(), en()
    login(here, "registrant", address="198.51.100.1")
    login(elsewhere, "registrant", address="198.51.100.2")
    bad = here.post("/account/password/", {"old_password": "wrong", "new_password1": "x", "new_password2": "y"})
    assert bad.status_code == 200 and 'name="old_password"' in bad.content.decode()
    changed = here.post("/account/password/", {"old_password": SECRET, "new_password1": "a brand new secret 42",
                                               "new_password2": "a brand new secret 42"})  # fmt: skip
    assert changed.url == "/account/"
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").url.startswith(LOGIN)
    assert PeopleEvent.objects.filter(action="password_changed", target="registrant").get().detail == {
        "sessions_ended": 1
    }


def test_passwords_are_hashed_with_argon2_and_older_hashes_still_work(settings):
    from django.contrib.auth.hashers import check_password, make_password

    from kzreg.config import settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # the tests' autouse fixture uses a fast one
    assert make_password(SECRET).startswith("argon2$")
    assert check_password(SECRET, make_password(SECRET, hasher="pbkdf2_sha256"))


def test_asking_for_resets_again_and_again_does_not_flood_the_mailbox(people):
    import datetime as dt

    from kzreg.core import clock

    for _ in range(5):
        en().post("/account/password-reset/", {"login": "registrant"})
    assert OutboxMessage.objects.filter(to=["registrant@example.kz"]).count() == 3
    clock.advance(dt.timedelta(minutes=61))
    en().post("/account/password-reset/", {"login": "registrant"})
    assert OutboxMessage.objects.filter(to=["registrant@example.kz"]).count() == 4
