"""Issue 13, "tested as a person would": two journeys through the cabinet in a real browser (Debian's
chromium, tests/cabinet/browser.py), each step asserting what the person sees.

1. A reseller's day: `altyn-admin` signs in; orders a new domain (form → price → confirmation dialog) and
   finds it in the domain list and in WHOIS (the real port-43 server, on loopback); renews it (the new
   expiry on its page and in WHOIS); changes the name servers of two domains in one bulk job and watches
   the htmx progress bar reach a result per line (the job left to the worker, which the test runs); the
   registry and WHOIS have the new servers; downloads an invoice (a PDF with its number); switches the
   language; tries the other reseller's domain (404); signs out, and the cabinet sends it to the login.
2. Registrar staff with two-factor required: password alone refused, a wrong code refused, the code of
   its TOTP device (computed from the device's key) lets it in; signs out.

A failing step leaves a screenshot in `$KZREG_DATA_DIR/screenshots/` (the `watched_page` fixture).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django_otp.oath import TOTP
from pypdf import PdfReader

from kzreg.accounts import two_factor
from kzreg.accounts.texts import TEXTS
from kzreg.api.jobs import run_bulk_jobs
from kzreg.core.actor import Actor, Channel, Role
from kzreg.registrar.models import BulkJob, Order
from kzreg.registry import commands as c
from kzreg.registry.operations import create_host
from tests.cabinet.browser import axe_violations, browser, download, explain, navigating, squeezed, watched_page  # noqa: F401
from tests.cabinet.money_objects import invoice_to
from tests.epp.objects import zones  # noqa: F401  (autouse: the seed zones after each flush)
from tests.tenants import two_tenants_fixture  # noqa: F401
from tests.whois.conftest import whois_server_factory  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "kzreg-demo"
ALMATY = ZoneInfo("Asia/Almaty")
NEW = "altyn-journey.kz"
NEW_NS = ("ns1.hoster.net", "ns2.hoster.net")
GAP_BEFORE_HEADING = """() => { const h = document.querySelector('.facts + h2');
  return h.getBoundingClientRect().top - h.previousElementSibling.getBoundingClientRect().bottom; }"""
LOOKS_REFUSED = """() => { const probe = document.createElement('i'); probe.style.color = 'var(--color-bad)';
  document.body.append(probe); const bad = getComputedStyle(probe).color; probe.remove();
  return getComputedStyle(document.querySelector('.form-errors')).borderLeftColor === bad; }"""


def sign_in(page, site: str, username: str, code: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """From a cabinet URL: the login form, as a person fills it in (Enter in the last field)."""
    page.goto(f"{site}/cabinet/")
    assert "/account/login/" in page.url, page.url  # signed out: sent to the login first
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    if code is not None:
        page.fill("input[name=otp_token]", code)
    navigating(page, "press", "input[name=password]" if code is None else "input[name=otp_token]", "Enter")


def confirm(page, button: str) -> None:  # type: ignore[no-untyped-def]
    """Clicks a button whose form asks first, and says yes in the dialog."""
    page.click(button)
    page.wait_for_selector("#confirm-dialog[open]")
    navigating(page, "click", "#confirm-dialog button[value=confirm]")


def clean(page, watch) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds nothing serious on the page as it is now (pages only a journey reaches: a quote, a
    bulk job's results swapped in by htmx, a refused login), and nothing broke the policy or left loopback."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {explain(violations)}"
    assert watch.csp_errors == [] and watch.off_loopback() == [], (watch.csp_errors, watch.off_loopback())


def menu_current(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The menu entries marked as the page one is on (one, or none on a page outside the menu)."""
    return [e.strip() for e in page.eval_on_selector_all("nav [aria-current=page]", "es => es.map(e => e.textContent)")]


def flash(page) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text(".flash-list")


def fact(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """The value beside `label` in a page's facts list."""
    return page.inner_text(f"dl.facts dt:text-is('{label}') + dd")


def test_a_resellers_day(watched_page, live_server, two_tenants, whois_server_factory, settings):  # noqa: F811
    a, b = two_tenants.a, two_tenants.b
    a.admin.set_password(PASSWORD)
    a.admin.save(update_fields=["password"])
    invoice = invoice_to(a)
    registrar = Actor(
        principal="ps-noc", role=Role.REGISTRAR, channel=Channel.EPP, registrar_id=a.reseller.registrar_id
    )
    for n, host in enumerate(NEW_NS):  # the hosting's own name servers, registered with the registry before
        create_host(c.CreateHost(host, (f"91.201.215.{10 + n}",)), registrar)
    settings.KZREG_API = {**settings.KZREG_API, "BULK_IN_REQUEST": 0}  # every bulk job waits for the worker
    whois = whois_server_factory()
    page, watch = watched_page
    site = live_server.url
    assert "*** Nothing found for this query." in whois.query(NEW)

    sign_in(page, site, a.admin.username)
    assert page.url == f"{site}/cabinet/" and page.inner_text("h1") == "Dashboard"
    assert menu_current(page) == ["Dashboard"]

    # Order a new domain: the form, the price on a confirmation page, the dialog, the domain's page.
    navigating(page, "click", "nav >> text=New domain")
    assert page.inner_text("h1") == "Order a new domain" and menu_current(page) == ["New domain"]
    page.fill("#o-name", NEW)
    page.select_option("#o-customer", label=a.customer.name)
    page.fill("#o-ns", "ns1.ps.kz\nns2.ps.kz")
    page.fill("#o-address", "Abay avenue 10")
    page.fill("#o-city", "Almaty")
    page.fill("#o-region", "Almaty")
    navigating(page, "click", "text=See the price")
    assert page.inner_text("h1") == "Confirm the order"
    assert page.inner_text("#q-what") == NEW and fact(page, "You pay") == "$40.00"
    clean(page, watch)
    confirm(page, "text=Confirm and pay $40.00")
    assert page.url == f"{site}/cabinet/domains/{NEW}/", page.url
    assert f"Registration of {NEW}: done." in flash(page) and page.inner_text("h1") == NEW
    assert squeezed(page) == []  # its facts readable, three cards to a row
    assert page.evaluate(GAP_BEFORE_HEADING) >= 8  # "Name servers" set apart from the contacts above it
    registered_until = fact(page, "Registered until")

    navigating(page, "click", "nav >> text=Domains")
    table = page.inner_text("#domain-table")
    assert NEW in table and a.service.name in table and b.service.name not in table
    assert menu_current(page) == ["Domains"]  # the dashboard's entry is not marked on every page
    answer = whois.query(NEW)
    assert f"Domain Name............: {NEW}" in answer and "Current Registar: PS-KZ" in answer

    # Renew it for two years: the price, the dialog, the new expiry on its page and in WHOIS.
    navigating(page, "click", f"#domain-table >> text={NEW}")
    navigating(page, "click", "main a:text-is('Renew')")
    page.select_option("#o-years", "2")
    navigating(page, "click", "text=See the price")
    assert fact(page, "Period, years") == "2" and fact(page, "You pay") == "$80.00"
    confirm(page, "text=Confirm and pay $80.00")
    assert f"Renewal of {NEW}: done." in flash(page)
    renewed_until = fact(page, "Registered until")
    assert int(renewed_until[:4]) == int(registered_until[:4]) + 2, (registered_until, renewed_until)
    whois_expires = re.search(r"Domain expires: (\S+ \S+) \(GMT\+0:00\)", whois.query(NEW))
    assert whois_expires, "no expiry in WHOIS"  # WHOIS says UTC, the page Almaty's day: the same moment
    moment = dt.datetime.strptime(whois_expires[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    assert moment.astimezone(ALMATY).date().isoformat() == renewed_until

    # Change the name servers of both domains in one job; the worker runs it while the page polls.
    navigating(page, "click", "nav >> text=Bulk actions")
    page.check("#b-ns")
    page.fill("#b-names", f"{NEW}\n{a.service.name}")
    page.fill("#b-nameservers", "\n".join(NEW_NS))
    navigating(page, "click", "text=Preview")
    lines = page.inner_text("main table")
    assert lines.count(f"→ {', '.join(NEW_NS)}") == 2 and "Free" in lines
    confirm(page, "main button:text-is('Confirm')")
    job = BulkJob.objects.get()
    assert page.url == f"{site}/cabinet/bulk/{job.pk}/"
    progress = page.inner_text("#bulk-progress")
    assert "0 of 2 processed: 0 succeeded, 0 failed" in progress and "Running." in page.inner_text("main")
    assert page.get_attribute("#bulk-bar", "value") == "0"
    page.evaluate("window.kzregStayed = true")
    assert run_bulk_jobs() == {"bulk jobs": 1}  # the worker's job, as `kzreg worker` runs it
    page.wait_for_selector("#bulk-progress >> text=2 of 2 processed: 2 succeeded, 0 failed")  # htmx's next poll
    assert page.evaluate("window.kzregStayed === true")  # swapped in place, not reloaded
    assert page.get_attribute("#bulk-bar", "value") == "100" and "Running." not in page.inner_text("main")
    rows = page.inner_text("#bulk-progress tbody")
    assert rows.count("Done") == 2 and NEW in rows and a.service.name in rows, rows
    assert not page.is_visible("#bulk-progress[hx-trigger]")  # finished: the polling stopped
    clean(page, watch)
    for name in (NEW, a.service.name):
        answer = whois.query(name)
        assert re.search(rf"Primary server\.+: {NEW_NS[0]}\n", answer) and re.search(
            rf"Secondary server\.+: {NEW_NS[1]}\n", answer
        ), answer
    navigating(page, "click", f"#bulk-progress >> text={NEW}")
    assert [ns.strip() for ns in page.inner_text("#d-contacts ~ ul").splitlines()] == list(NEW_NS)

    # Download an invoice: a PDF named by its number, with the number printed in it.
    navigating(page, "click", "nav >> text=Money")
    assert "$840.00" in page.inner_text("main")  # 1,000 paid in, less 40 (the first domain), 40 and 80
    navigating(page, "click", "main >> text=Invoices")
    navigating(page, "click", f"main >> text={invoice.number}")
    assert invoice.number in page.inner_text("h1") and squeezed(page) == []
    filename, pdf = download(page, "text=Download PDF")
    assert filename == f"{invoice.number}.pdf" and pdf.startswith(b"%PDF-")
    assert invoice.number in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    # Switch to Russian; the choice stays on the next page.
    navigating(page, "click", "button[lang=ru]")
    assert page.get_attribute("html", "lang") == "ru" and "Скачать PDF" in page.inner_text("main")
    navigating(page, "click", "nav >> text=Домены")
    assert page.inner_text("h1") == "Домены"

    # Another reseller's domain, by its URL: not found, and said so in Russian.
    answer = page.goto(f"{site}/cabinet/domains/{b.service.name}/")
    assert answer is not None and answer.status == 404
    assert page.inner_text("h1") == "Страница не найдена" and b.service.name not in page.inner_text("main")

    # Sign out: the cabinet sends the person to the login again.
    navigating(page, "click", "header >> text=Выйти")
    page.goto(f"{site}/cabinet/domains/")
    assert "/account/login/" in page.url and page.is_visible("input[name=username]")
    kinds = sorted(Order.objects.filter(domain=NEW, state="done").values_list("kind", flat=True))
    assert kinds == ["create", "modify", "renew"]  # each step one order, however the pages were sent


def code_of(device) -> str:  # type: ignore[no-untyped-def]
    """What the staff member's authenticator app shows now (the device's key, django-otp's TOTP)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_registrar_staff_sign_in_with_a_one_time_code_and_sign_out(watched_page, live_server, two_tenants, settings):  # noqa: F811
    settings.KZREG_STAFF_2FA = "required"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off after the wrong code runs on real time
    staff = two_tenants.registrar_staff
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    device = two_factor.enrol(staff)
    page, watch = watched_page
    site = live_server.url

    refused = TEXTS["invalid_login_people"]["en"]
    sign_in(page, site, staff.username)  # the password alone
    assert "/account/login/" in page.url and page.inner_text(".form-errors") == refused
    assert page.evaluate(LOOKS_REFUSED)  # said as a refusal, in the frame's error colours
    clean(page, watch)
    assert page.input_value("input[name=username]") == staff.username  # kept for the next try
    wrong = f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"
    sign_in(page, site, staff.username, code=wrong)
    assert "/account/login/" in page.url and page.inner_text(".form-errors") == refused
    sign_in(page, site, staff.username, code=code_of(device))
    assert page.url == f"{site}/cabinet/", page.url
    assert page.inner_text("h1") == "Dashboard" and f"Signed in as {staff.username}" in page.inner_text("header")

    navigating(page, "click", "nav >> text=Manage resellers")
    assert "Altyn Hosting" in page.inner_text("main") and "Sibir Hosting" in page.inner_text("main")

    navigating(page, "click", "header >> text=Sign out")
    page.goto(f"{site}/cabinet/staff/resellers/")
    assert "/account/login/" in page.url


def test_the_menu_marks_only_the_entry_of_the_page_one_is_on(client, two_tenants):
    """The journey's finding without a browser (transactional like the module's other tests: `zones` makes
    it so anyway, and one emptied without serialized rollback breaks the next one restoring its rows)."""
    a, staff = two_tenants.a, two_tenants.registrar_staff
    pages = {a.admin: (("/cabinet/", "Dashboard"), ("/cabinet/order/", "New domain"), ("/cabinet/bulk/", "Bulk actions"),
                       (f"/cabinet/domains/{a.service.name}/renew/", "Domains"), ("/cabinet/money/invoices/", "Money")),
             staff: (("/cabinet/staff/resellers/", "Manage resellers"), ("/cabinet/staff/data-views/", "Manage resellers"),
                     (f"/cabinet/staff/reseller/?reseller={a.reseller.pk}", "Manage resellers"))}  # fmt: skip
    for user, visits in pages.items():
        client.force_login(user)
        for url, entry in visits:
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert re.findall(r'<li><a href="[^"]+" aria-current="page">([^<]+)</a></li>', html) == [entry], url
