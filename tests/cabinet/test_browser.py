"""A few end-to-end tests in a real browser (Debian's chromium through Playwright) against the live
server: the home search typed in Cyrillic on a phone-sized screen, the language switch, signing in as
`altyn-admin`, the dashboard, the domains list with its live filter, a domain and its authorization code
behind a confirmation, another reseller's domain → 404. On every page: axe-core finds no serious or
critical violation, the content security policy blocks nothing, and no request leaves loopback."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.money import Money
from kzreg.billing.price_lists import set_own_retail_price
from kzreg.core import clock
from tests.cabinet.browser import axe_violations, browser, explain, watched_page  # noqa: F401
from tests.epp.objects import zones  # noqa: F401  (autouse: the seed zones after each flush)
from tests.tenants import two_tenants_fixture  # noqa: F401

# Transactional (the live server's thread reads committed rows), restoring the migrations' rows afterwards
# as the other transactional tests expect (`serialized_rollback`).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def clean(page, watch) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now passes axe, and nothing so far broke the policy or left loopback."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {explain(violations)}"
    assert watch.csp_errors == [], watch.csp_errors
    assert watch.off_loopback() == [], watch.off_loopback()


def test_home_search_in_cyrillic_on_a_phone_then_the_language_switch(watched_page, live_server, registrar):  # noqa: F811
    page, watch = watched_page
    since = clock.now() - dt.timedelta(days=1)
    for zone in ("kz", "xn--80ao21a"):
        set_own_retail_price(registrar, zone, "create", 1, Money.of("4500.00", "KZT"), "test", since)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/")
    assert page.get_attribute("html", "lang") == "en"  # the browser's language (en-US)
    page.keyboard.press("Tab")  # the keyboard's first stop skips the menus
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.fill("#search-q", "мысал")
    page.evaluate("window.kzregStayed = true")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results .result")
    assert page.evaluate("window.kzregStayed === true")  # htmx swapped the results in: no new page
    assert "q=%D0%BC%D1%8B%D1%81%D0%B0%D0%BB" in page.url  # and put the search in the address (hx-push-url)
    results = page.inner_text("#search-results")
    assert "мысал.қаз" in results and "₸4,500.00 a year" in results
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    clean(page, watch)
    page.click("button[lang=ru]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru" and page.is_visible("text=Проверить")
    page.goto(f"{live_server.url}/regulation/")
    assert page.get_attribute("html", "lang") == "ru"  # the choice is kept over the browser's language
    clean(page, watch)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=/static/none.png>')")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]  # the check itself sees a broken page


def test_a_reseller_signs_in_and_works_with_the_keyboard(watched_page, live_server, two_tenants):  # noqa: F811
    a, b = two_tenants.a, two_tenants.b
    a.admin.set_password("kzreg-demo")
    a.admin.save(update_fields=["password"])
    page, watch = watched_page
    page.goto(f"{live_server.url}/cabinet/")
    assert "/account/login/" in page.url
    page.fill("input[name=username]", "altyn-admin")
    page.fill("input[name=password]", "kzreg-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cabinet/")
    assert page.inner_text("h1") == "Dashboard" and "$960.00" in page.inner_text("main")
    clean(page, watch)

    page.click("nav >> text=Domains")
    page.wait_for_url(f"{live_server.url}/cabinet/domains/")
    table = page.inner_text("#domain-table")
    assert "altyn-tenant.kz" in table and "sibhost-tenant.kz" not in table
    clean(page, watch)
    page.fill("#f-q", "no-such-name")  # typing filters through htmx, without a submit
    page.wait_for_selector("#domain-table .empty-state")
    assert "no-such-name" in page.url
    clean(page, watch)

    page.goto(f"{live_server.url}/cabinet/domains/{a.service.name}/")
    assert "Internet-company PS LLP (PS-KZ)" in page.inner_text("main")
    page.click("text=Show the code")
    assert page.is_visible("#confirm-dialog")  # asked first
    clean(page, watch)
    page.click("#confirm-dialog >> text=Confirm")
    page.wait_for_selector(".secret")
    assert len(page.inner_text(".secret")) >= 8

    answer = page.goto(f"{live_server.url}/cabinet/domains/{b.service.name}/")
    assert answer is not None and answer.status == 404
    clean(page, watch)
