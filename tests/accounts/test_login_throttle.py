"""Issue 9 §5: failed logins pause further tries per account and per address, with a kk/ru/en message on
the form, a log line per failure and per pause, and `kzreg user unlock`. Before: 200 wrong passwords in
124 s, then the right one worked at once."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import sys

import pytest
import requests
from django.test import Client

from kzreg.accounts.texts import TEXTS
from kzreg.cli import main
from kzreg.core import clock
from tests.accounts.conftest import PASSWORD

LOGIN = "/admin/login/"
LIMIT = 5  # KZREG_LOGIN_FAILURES' default
LOCKED = {lang: TEXTS["locked"][lang].format(minutes=15) for lang in TEXTS["locked"]}


def _post(client: Client, username: str, password: str, address: str = "198.51.100.1", lang: str = "en"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=lang,
    )  # fmt: skip


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_the_account_is_paused_after_the_limit_even_for_the_right_password(people, caplog):
    client = Client()
    caplog.set_level(logging.WARNING, logger="kzreg.accounts.login")
    for n in range(1, LIMIT):
        response = _post(client, "registry", f"guess-{n}")
        assert response.status_code == 200
        assert TEXTS["invalid_login"]["en"] in response.content.decode()
    last = _post(client, "registry", "guess-5")
    assert last.status_code == 429
    assert LOCKED["en"] in last.content.decode() and 'name="password"' in last.content.decode(), (
        "the form, not a bare page"
    )
    right = _post(client, "registry", PASSWORD, lang="ru")
    assert right.status_code == 429 and not _signed_in(right)
    assert LOCKED["ru"] in right.content.decode()
    assert "_auth_user_id" not in client.session
    lines = [r.getMessage() for r in caplog.records if r.name == "kzreg.accounts.login"]
    assert sum("login failed: account 'registry' from 198.51.100.1 on /admin/login/" in line for line in lines) == LIMIT
    assert "(5 of 5)" in lines[-2] and "login paused for 15 min" in "".join(lines)
    assert "login refused while paused: account 'registry'" in lines[-1]
    assert PASSWORD not in "".join(lines) and "guess-" not in "".join(lines)


@pytest.mark.django_db
def test_the_pause_is_per_account_from_any_address_and_ends_after_the_cool_off(people):
    """Moving kzreg's clock moves the pause: 5 failures from five addresses pause the account everywhere."""
    client = Client()
    for n in range(LIMIT):
        _post(client, "registry", "wrong", address=f"203.0.113.{n + 1}")
    assert _post(client, "registry", PASSWORD, address="192.0.2.99").status_code == 429
    assert _signed_in(_post(Client(), "hostmaster", PASSWORD, address="192.0.2.99")), "other accounts still sign in"
    clock.advance(dt.timedelta(minutes=14))
    assert _post(client, "registry", PASSWORD, address="192.0.2.99").status_code == 429, "tries while paused..."
    clock.advance(dt.timedelta(minutes=2))  # ...do not extend the pause: 16 minutes after the last failure
    assert _signed_in(_post(client, "registry", PASSWORD, address="192.0.2.99"))


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_paused_for_all(people):
    client = Client()
    for name in ("registry", "hostmaster", "ps-admin", "nobody", "admin"):
        assert _post(client, name, "wrong", address="198.51.100.66").status_code in (200, 429)
    refused = _post(client, "hostmaster", PASSWORD, address="198.51.100.66")
    assert refused.status_code == 429 and LOCKED["en"] in refused.content.decode()
    assert _signed_in(_post(Client(), "hostmaster", PASSWORD, address="198.51.100.67")), "from elsewhere it works"


@pytest.mark.django_db
def test_refusals_after_a_right_password_count_and_say_nothing_more(people):
    """A reseller's staff account with its right password is refused like a wrong password, and counted:
    the answer never tells an attacker that the password was right."""
    client = Client()
    answers = [_post(client, "altyn-admin", PASSWORD, address="198.51.100.5") for _ in range(LIMIT - 1)]
    assert {a.status_code for a in answers} == {200}
    assert all(TEXTS["invalid_login"]["en"] in a.content.decode() for a in answers)
    wrong = _post(Client(), "sibhost-admin", "wrong", address="198.51.100.6")
    assert wrong.content.decode().count(TEXTS["invalid_login"]["en"]) == 1
    assert _post(client, "altyn-admin", PASSWORD, address="198.51.100.5").status_code == 429


@pytest.mark.django_db
def test_kzreg_user_unlock_lifts_a_pause(people, capsys):
    client = Client()
    for _ in range(LIMIT):
        _post(client, "registry", "wrong")
    assert _post(client, "registry", PASSWORD).status_code == 429
    assert main(["user", "unlock"]) == 1
    assert "error: username: " in capsys.readouterr().err
    assert main(["user", "unlock", "registry"]) == 0
    assert "unlocked: 1 failure record(s) removed" in capsys.readouterr().out
    assert _signed_in(_post(client, "registry", PASSWORD))


# Real commits; the migrated rows (content types, permissions) are put back first, as tests/core's are.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_http_client_is_paused_too(live_server, people):
    """Through a real HTTP server and client: the browser's path, with the CSRF cookie and token."""
    session = requests.Session()
    url = live_server.url + LOGIN

    def attempt(password: str) -> requests.Response:
        page = session.get(url, headers={"Accept-Language": "kk"}, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": "registry", "password": password, "next": "/admin/"}
        return session.post(url, data=form, headers={"Referer": url, "Accept-Language": "kk"}, timeout=10,
                            allow_redirects=False)  # fmt: skip

    statuses = [attempt(f"guess-{n}").status_code for n in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]
    right = attempt(PASSWORD)
    assert right.status_code == 429 and LOCKED["kk"] in right.text
    assert "sessionid" not in session.cookies


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(people, settings):
    """The per-address count uses the web's one idea of the client (`kzreg.whois.pagelimit.client_address`):
    X-Forwarded-For only from a listed proxy, so a client cannot step around the count by writing it."""
    settings.KZREG_WHOIS = {"TRUSTED_PROXIES": "10.0.0.1"}
    client = Client()

    def via_proxy(username: str, password: str, forwarded: str):
        form = {"username": username, "password": password, "next": "/admin/"}
        return client.post(LOGIN, form, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for name in ("a", "b", "c", "d", "e"):
        via_proxy(name, "wrong", "198.51.100.10")
    assert via_proxy("hostmaster", PASSWORD, "198.51.100.10").status_code == 429
    assert _signed_in(via_proxy("hostmaster", PASSWORD, "198.51.100.11")), "another client behind the same proxy"
    for n, name in enumerate("fghij"):  # not through the proxy: the header is the client's own words
        form = {"username": name, "password": "wrong"}
        client.post(LOGIN, form, REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert _post(Client(), "registry", PASSWORD, address="203.0.113.50").status_code == 429


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "KZREG_LOGIN_FAILURES",
            "many",
            "kzreg: KZREG_LOGIN_FAILURES: must be a whole number of at least 1, got 'many'",
        ),
        (
            "KZREG_LOGIN_COOLOFF_MINUTES",
            "0",
            "kzreg: KZREG_LOGIN_COOLOFF_MINUTES: must be a whole number of at least 1, got '0'",
        ),
        ("KZREG_STAFF_2FA", "sometimes", "kzreg: KZREG_STAFF_2FA: must be one of required, enrolled, got 'sometimes'"),
    ],
)
def test_a_bad_login_setting_stops_kzreg_with_one_line(tmp_path, name, value, line):
    env = {**os.environ, "KZREG_DATA_DIR": str(tmp_path), "KZREG_DATABASE_URL": "", name: value}
    result = subprocess.run(
        [sys.executable, "-m", "kzreg", "user", "unlock", "x"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 3 and result.stderr.strip() == line
