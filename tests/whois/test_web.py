"""The web WHOIS page (P1): same lookup as port 43, page in kk/ru/en."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from kzreg.registry.reads.connection import django_database
from kzreg.whois.lookup import Lookup

pytestmark = pytest.mark.django_db


def answer_block(response) -> str:
    body = response.content.decode()
    return html.unescape(body.split('<pre id="whois-answer">', 1)[1].split("</pre>", 1)[0])


def test_p1_web_page_shows_the_port43_text(client, published):
    response = client.get("/whois/", {"q": "EXAMPLE.KZ", "lang": "en"})
    assert response.status_code == 200
    port43 = Lookup(django_database(), languages=("en",)).answer("example.kz").text
    assert answer_block(response) == port43
    assert "Found" in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "title", "notice"),
    [
        ("kk", "WHOIS: домендік атауды іздеу", "жеке тұлғаның дербес деректері"),
        ("ru", "WHOIS: поиск доменного имени", "персональные данные физического лица"),
        ("en", "WHOIS: look a name up", "an individual's personal data"),
    ],
)
def test_p1_page_in_three_languages_by_query_parameter(client, published, lang, title, notice):
    response = client.get("/whois/", {"q": "example.kz", "lang": lang})
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body and title in body
    assert notice in answer_block(response)


def test_p1_page_language_from_accept_language(client, db):
    body = client.get("/whois/", headers={"accept-language": "ru-RU,ru;q=0.9"}).content.decode()
    assert '<html lang="ru">' in body and "Найти" in body


def test_p1_page_not_found_says_the_name_may_be_available(client, db):
    response = client.get("/whois/", {"q": "free-name.kz", "lang": "en"})
    assert "Nothing found: the name may be available." in response.content.decode()
    assert "*** Nothing found for this query." in answer_block(response)


def test_p1_page_bad_query_gets_the_notice_not_a_traceback(client, db):
    response = client.get("/whois/", {"q": "<script>x</script>.kz", "lang": "kk"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>x" not in body
    assert answer_block(response).startswith("% Қате сұрау")


def test_p1_page_without_query_is_a_form(client, db):
    body = client.get("/whois/", {"lang": "en"}).content.decode()
    assert '<input type="text" id="q" name="q"' in body and "whois-answer" not in body


# Issue 9 §4: the page had no rate limit (1,206 lookups in 15 s all served); it shares port 43's.


@pytest.fixture
def tight(settings, frozen_clock):
    """Port 43's bucket rules, small: 3 lookups at once, then 1 per second, per /24."""
    settings.KZREG_WHOIS = {"RATE": 1, "BURST": 3}
    return frozen_clock


def test_web_lookups_over_the_burst_get_429_with_retry_after_then_200_after_the_clock_moves(client, published, tight):
    for _ in range(3):
        assert client.get("/whois/", {"q": "example.kz", "lang": "en"}).status_code == 200
    limited = client.get("/whois/", {"q": "example.kz", "lang": "en"})
    assert limited.status_code == 429 and limited["Retry-After"] == "1"
    body = limited.content.decode()
    assert "Too many lookups from the network 127.0.0.0/24; try again in 1 s." in body
    assert "whois-answer" not in body  # no lookup was made
    tight.advance(dt.timedelta(seconds=1))
    assert client.get("/whois/", {"q": "example.kz", "lang": "en"}).status_code == 200


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "127.0.0.0/24 желісінен сұраулар тым көп; 1 с кейін қайталаңыз."),
        ("ru", "Слишком много запросов из сети 127.0.0.0/24; повторите через 1 с."),
        ("en", "Too many lookups from the network 127.0.0.0/24; try again in 1 s."),
    ],
)
def test_the_429_page_speaks_the_page_language(client, published, tight, lang, text):
    for _ in range(3):
        client.get("/whois/", {"q": "example.kz", "lang": lang})
    limited = client.get("/whois/", {"q": "example.kz", "lang": lang})
    assert limited.status_code == 429 and text in limited.content.decode()


def test_web_limit_is_per_network_and_the_form_alone_is_not_counted(client, published, tight):
    for i in range(3):
        assert client.get("/whois/", {"q": "example.kz"}, REMOTE_ADDR=f"192.0.2.{i + 1}").status_code == 200
    assert client.get("/whois/", {"q": "example.kz"}, REMOTE_ADDR="192.0.2.200").status_code == 429  # same /24
    assert client.get("/whois/", {"q": "example.kz"}, REMOTE_ADDR="192.0.3.1").status_code == 200
    assert client.get("/whois/", {"lang": "en"}, REMOTE_ADDR="192.0.2.200").status_code == 200  # no lookup
    v6 = [client.get("/whois/", {"q": "x.kz"}, REMOTE_ADDR=f"2001:db8:1:2::{i}").status_code for i in range(1, 5)]
    assert v6 == [200, 200, 200, 429]  # one /64


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(client, published, tight, settings):
    forged = {"REMOTE_ADDR": "192.0.2.1"}
    for i in range(3):  # a client that writes a new X-Forwarded-For each time is still one network
        assert client.get("/whois/", {"q": "x.kz"}, HTTP_X_FORWARDED_FOR=f"198.51.{i}.1", **forged).status_code == 200
    assert client.get("/whois/", {"q": "x.kz"}, HTTP_X_FORWARDED_FOR="203.0.113.1", **forged).status_code == 429
    settings.KZREG_WHOIS = {"RATE": 1, "BURST": 3, "TRUSTED_PROXIES": "10.0.0.0/8, ::1"}
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    for i in range(3):  # behind the proxies: the client is the right-most address they did not add
        chain = f"192.0.{i}.77, 203.0.113.{i + 1}, 10.9.9.9"  # the left part is whatever the client wrote
        assert client.get("/whois/", {"q": "x.kz"}, HTTP_X_FORWARDED_FOR=chain, **proxy).status_code == 200
    chain = "198.51.7.7, 203.0.113.50"
    limited = client.get("/whois/", {"q": "x.kz", "lang": "en"}, HTTP_X_FORWARDED_FOR=chain, **proxy)
    assert limited.status_code == 429 and "203.0.113.0/24" in limited.content.decode()
    assert client.get("/whois/", {"q": "x.kz"}, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 200
