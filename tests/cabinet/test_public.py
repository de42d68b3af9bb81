"""The public site (issue 13 §The public site): the home page's search in .kz and .қаз with prices, typed in
Cyrillic too; the resellers (S6), the rights links (S5, PS-3.11), the regulation in force (C5), the
language chosen by the browser and then kept, all in kk, ru and en."""

from __future__ import annotations

import datetime as dt
import re

import idna
import pytest

from kzreg.billing.money import Money
from kzreg.billing.price_lists import set_own_retail_price
from kzreg.cabinet import regulation
from kzreg.core import clock
from kzreg.resellers.models import Reseller

pytestmark = pytest.mark.django_db
WORDS = {"kk": "Домендік атау", "ru": "Доменное имя", "en": "Domain name"}


@pytest.fixture
def priced(registrar):
    since = clock.now() - dt.timedelta(days=1)
    set_own_retail_price(registrar, "kz", "create", 1, Money.of("4500.00", "KZT"), "test", since)
    set_own_retail_price(registrar, "xn--80ao21a", "create", 1, Money.of("5200.00", "KZT"), "test", since)
    return registrar


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_speaks_the_browsers_language(client, registrar, lang):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=f"{lang},en;q=0.5")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{lang}">' in html
    assert WORDS[lang] in html
    assert "Internet-company PS LLP" in html  # the sponsoring registrar, named on every page (PS-3.8)


def test_the_chosen_language_is_kept_over_the_browsers(client, registrar):
    answer = client.post("/i18n/setlang/", {"language": "ru", "next": "/resellers/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 302 and answer["Location"] == "/resellers/"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in page.content.decode()


def test_search_typed_in_cyrillic_checks_both_zones_with_prices(client, priced, make_domain):
    make_domain(idna.encode("пример.kz").decode())  # taken
    page = client.get("/", {"q": "Пример"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    results = page[page.index('id="search-results"') :]
    assert "пример.kz" in results and "пример.қаз" in results
    kz, kaz = results.index("пример.kz"), results.index("пример.қаз")
    assert "Недоступно" in results[kz:kaz]  # taken in .kz
    assert "Свободно" in results[kaz:] and "5\u202f200,00\u00a0₸ в год" in results[kaz:]


def test_search_of_one_zone_puts_it_first_and_shows_english_amounts(client, priced):
    page = client.get("/", {"q": "Free-Name.қаз"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    results = page[page.index('id="search-results"') :]
    assert results.index("free-name.қаз") < results.index("free-name.kz")
    kaz = results[: results.index("free-name.kz")]
    assert "Not available" in kaz and "Latin letters are not allowed" in kaz  # the registry's rule, its words
    assert "₸4,500.00 a year" in results[results.index("free-name.kz") :]


def test_htmx_asks_for_the_results_alone(client, priced):
    part = client.get("/", {"q": "example"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    html = part.content.decode()
    assert part.status_code == 200 and "<html" not in html
    assert "example.kz" in html and "example.қаз" in html


@pytest.mark.parametrize(
    ("term", "says"),
    [("bad name!", "cannot be a domain name"), ("x" * 64, "too long"), ("", "Type a name"), ("a.b.kz", "cannot be")],
)
def test_a_bad_search_names_its_problem_beside_the_field(client, registrar, term, says):
    html = client.get("/", {"q": term}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert says in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="search-hint search-error"' in html
    assert 'value="' + term.replace("!", "!") + '"' in html  # what was typed stays in the field


def test_resellers_are_published_and_inactive_ones_are_not(client, registrar):
    for handle, active in (("ALPHA", True), ("GONE", False)):
        Reseller.objects.create(
            registrar=registrar, handle=handle, name=f"{handle} Hosting", legal_name=f"{handle} LLP",
            email=f"info@{handle.lower()}.kz", active=active, contract_number=f"C-{handle}", created_at=clock.now(),
        )  # fmt: skip
    for url in ("/", "/resellers/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "ALPHA Hosting" in html and "Contract no. C-ALPHA" in html
        assert "GONE Hosting" not in html


def test_no_resellers_is_an_empty_state_that_says_what_to_do(client, registrar):
    html = client.get("/resellers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "register your name with us directly" in html


def test_rights_links_are_on_the_home_page_and_every_page_footer(client, registrar):
    for url in ("/", "/rights/", "/regulation/", "/resellers/"):
        html = client.get(url).content.decode()
        assert "http://www.icann.org/en/registrars/registrant-rights-responsibilities-en.htm" in html, url
        assert "https://www.icann.org/resources/pages/approved-with-specs-2013-09-17-en" in html, url


def test_the_regulation_in_force_is_published_from_kzregs_own_file(client, registrar):
    current = regulation.in_force()
    assert current.version == dt.date(2022, 2, 16) and current.language == "kk"
    html = client.get("/regulation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Редакция от 2022-02-16, действует" in html
    assert "<h2>Реселлермен өзара іс-қимыл регламенті</h2>" in html
    assert '<article class="document" lang="kk">' in html
    assert "<strong>Реселлер</strong>" in html  # the seed's bold terms


def test_the_regulation_text_cannot_become_markup():
    html = regulation.render('# T <script>alert(1)</script>\n- a **b** [x](javascript:alert(1))\n\ntext "q"')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert html.count("<ul>") == 1 and "<strong>b</strong>" in html


def test_pages_carry_the_strict_policy_and_no_inline_script_or_style(client, registrar):
    for url in ("/", "/regulation/", "/rights/", "/resellers/", "/?q=example"):
        page = client.get(url)
        policy = page["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert page["X-Frame-Options"] == "DENY"
        html = page.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=|<style", html), url
        loaded = re.findall(r'\ssrc="([^"]*)"', html) + re.findall(r'<link[^>]*\shref="([^"]*)"', html)
        assert loaded and all(src.startswith("/static/") for src in loaded), loaded  # nothing from another host


def test_a_page_that_does_not_exist_is_404(client, registrar):
    assert client.get("/no-such-page/").status_code == 404


@pytest.mark.parametrize(
    ("lang", "says"),
    [("kk", "домендік атауы тіркелген"), ("ru", "уже зарегистрировано"), ("en", "is already registered")],
)
def test_why_a_name_is_taken_is_said_in_the_readers_language(client, priced, make_domain, lang, says):
    make_domain("taken-name.kz")
    page = client.get("/", {"q": "taken-name.kz"}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    results = page[page.index('id="search-results"') :]
    assert says in results[: results.index("taken-name.қаз")]
    assert lang == "en" or "is already registered" not in results  # no English reason for kk or ru readers


@pytest.fixture
def one_search_a_minute(settings):
    """The web WHOIS bucket, shared by the search: one at once, one more a minute."""
    clock.freeze(clock.now())
    settings.KZREG_WHOIS = {"RATE": 1 / 60, "BURST": 1}  # a changed setting empties the buckets


LIMITED = {"kk": "тексерулер тым көп", "ru": "Слишком много проверок", "en": "Too many checks"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_search_is_limited_per_network_like_the_whois_page(client, priced, one_search_a_minute, lang):
    assert client.get("/", {"q": "first"}, HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
    assert client.get("/", HTTP_ACCEPT_LANGUAGE=lang).status_code == 200  # the page without a search is free
    limited = client.get("/", {"q": "second"}, HTTP_ACCEPT_LANGUAGE=lang)
    html = limited.content.decode()
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert LIMITED[lang] in html and "127.0.0.0/24" in html and "second.kz" not in html
    assert 'value="second"' in html  # what was typed stays in the field
    part = client.get("/", {"q": "third"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=lang)
    assert part.status_code == 200 and LIMITED[lang] in part.content.decode()  # htmx swaps no 4xx
    clock.advance(dt.timedelta(seconds=60))
    again = client.get("/", {"q": "second"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert again.status_code == 200 and "second.kz" in again.content.decode()
