"""The web WHOIS page (P1): same lookup as port 43, page in kk/ru/en."""

from __future__ import annotations

import html

import pytest

from kzreg.whois.db import django_database
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
