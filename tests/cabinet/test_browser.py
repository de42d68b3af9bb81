"""A few end-to-end tests in a real browser (Debian's chromium through Playwright) against the live
server: the home search typed in Cyrillic on a phone-sized screen, the language switch, signing in as
`altyn-admin`, the dashboard, the domains list with its live filter, a domain and its authorization code
behind a confirmation, another reseller's domain → 404; then every cabinet page with data (as a reseller's
administrator and as registrar staff) at desktop width and at 375 px, where nothing scrolls sideways and a
long secret wraps. On every page: axe-core finds no serious or
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


PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The innermost elements reaching past the right edge: what to fix when a page scrolls sideways.
TOO_WIDE = """[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth
  && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth)).slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + (e.id || e.textContent.trim().slice(0, 40)))"""


def sign_in(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{url}/account/login/?next=/cabinet/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "kzreg-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/cabinet/")


def clean_at_both_widths(page, watch) -> None:  # type: ignore[no-untyped-def]
    """The page passes `clean` at desktop width and again at 375 px, where nothing scrolls sideways."""
    page.set_viewport_size(DESKTOP)
    clean(page, watch)
    page.set_viewport_size(PHONE)
    wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url}: {wide} px of sideways scrolling at 375 px, from {page.evaluate(TOO_WIDE)}"
    clean(page, watch)


def visit(page, watch, url: str) -> None:  # type: ignore[no-untyped-def]
    answer = page.goto(url)
    assert answer is not None and answer.status == 200, f"{url}: {answer and answer.status}"
    clean_at_both_widths(page, watch)


def test_every_cabinet_page_at_desktop_and_phone_width(watched_page, live_server, two_tenants):  # noqa: F811
    """Issue 13: every page with data passes axe at both widths, fits a 375 px screen, and loads nothing
    off loopback nor anything the policy blocks; one browser session, signed in as a reseller's
    administrator, then as a registrant (its domain, its name servers, its renewal's confirmation), then
    as registrar staff."""
    from tests.cabinet.money_objects import invoice_to

    a = two_tenants.a
    for user in (a.admin, two_tenants.registrar_staff, two_tenants.registrant):
        user.set_password("kzreg-demo")
        user.save(update_fields=["password"])
    invoice = invoice_to(a)
    page, watch = watched_page
    site, name, customer = live_server.url, a.service.name, a.customer.pk
    sign_in(page, site, a.admin.username)
    reseller_pages = [
        "/cabinet/", "/cabinet/domains/", f"/cabinet/domains/{name}/", f"/cabinet/domains/{name}/modify/",
        f"/cabinet/domains/{name}/delete/", f"/cabinet/domains/{name}/registrant/", "/cabinet/transfer/",
        "/cabinet/order/", f"/cabinet/domains/{name}/renew/", "/cabinet/registrants/",
        f"/cabinet/registrants/{customer}/", f"/cabinet/registrants/{customer}/edit/", "/cabinet/money/",
        "/cabinet/money/invoices/", f"/cabinet/money/invoices/{invoice.number}/", "/cabinet/money/payments/",
        "/cabinet/money/prices/", "/cabinet/settings/", "/cabinet/bulk/",
    ]  # fmt: skip
    for url in reseller_pages:
        visit(page, watch, f"{site}{url}")

    page.set_viewport_size(DESKTOP)  # the bulk preview: a POST answer, reached through the form
    page.check("#b-renew")
    page.fill("#b-names", f"{name}\n{name},2")
    page.click("main form[method=post] button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    assert name in page.inner_text("main") and "/cabinet/bulk/" in page.url
    clean_at_both_widths(page, watch)

    page.set_viewport_size(DESKTOP)  # the authorization code: a long secret still fits a phone
    page.goto(f"{site}/cabinet/domains/{name}/")
    page.click("text=Show the code")
    page.click("#confirm-dialog >> text=Confirm")
    page.wait_for_selector(".secret")
    page.evaluate("document.querySelector('.secret').textContent = 'X'.repeat(64)")
    clean_at_both_widths(page, watch)

    sign_in(page, site, two_tenants.registrant.username)  # what its registrar allows it (the default)
    for url in (f"/cabinet/domains/{name}/", f"/cabinet/domains/{name}/modify/"):
        visit(page, watch, f"{site}{url}")
    page.set_viewport_size(DESKTOP)  # its renewal's confirmation: who pays, no wholesale price
    page.goto(f"{site}/cabinet/domains/{name}/renew/")
    page.click("main form[method=post] button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    assert "pays for the renewal from its deposit" in page.inner_text("main")
    clean_at_both_widths(page, watch)

    sign_in(page, site, two_tenants.registrar_staff.username)
    reseller = a.reseller.pk
    for url in ("/cabinet/staff/resellers/", f"/cabinet/staff/reseller/?reseller={reseller}",
                f"/cabinet/staff/audit/?reseller={reseller}", "/cabinet/staff/data-views/"):  # fmt: skip
        visit(page, watch, f"{site}{url}")
