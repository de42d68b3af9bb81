"""Issue 9 §6: every HTML page kzreg serves works under its content security policy — `default-src 'self'`,
no inline script or style, no event-handler attributes, nothing loaded from another origin, never framed —
and carries the policy and the other security headers. The admin pages are swept from the admin site's
registry, so a new model's pages are checked too."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from lxml import html

from kzreg.config import security

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/whois/",
    "/whois/?q=example.kz",
    "/staff/outbox/",
    "/staff/requests/",
    "/staff/requests/authorizations/",
]


def admin_pages(request) -> list[str]:
    """The index, and each registered model's list and (where adding is allowed) add form."""
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        views = ("changelist", "add") if model_admin.has_add_permission(request) else ("changelist",)
        for view in views:
            with contextlib.suppress(NoReverseMatch):
                pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
    return pages


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def inline_code(document) -> list[str]:
    """What a `'self'`-only policy blocks in a page: inline scripts and styles, handler attributes,
    `javascript:` URLs, and scripts, styles or images from another origin."""
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and not element.get("src"):
            found.append(f"inline <script>: {(element.text or '')[:60]!r}")
        if element.tag == "style":
            found.append(f"inline <style>: {(element.text or '')[:60]!r}")
        for name, value in element.attrib.items():
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}=…>")
            if name == "style":
                found.append(f"<{element.tag} style=…>")
            if name in ("href", "src", "action") and value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}=javascript:…>")
        for name in ("src",) if element.tag in ("script", "img") else ("href",) if element.tag == "link" else ():
            url = urlsplit(element.get(name, ""))
            if url.netloc:
                found.append(f"<{element.tag}> from {url.netloc}")
    return found


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("csp-admin", "csp@nic.kz", "a-long-passphrase-1")
    client.force_login(user)
    client.user = user
    return client


def test_admin_and_staff_pages_have_nothing_the_policy_blocks(staff_client):
    problems = []
    request = RequestFactory().get("/admin/")
    request.user = staff_client.user
    pages = [reverse("admin:login"), *admin_pages(request), *STAFF_PAGES]
    for page in pages:
        response = staff_client.get(page, follow=True)
        if response.status_code != 200:
            problems.append(f"{page}: {response.status_code}")
            continue
        directives = policy(response)
        if directives.get("default-src") != ["'self'"] or "'unsafe-inline'" in str(directives):
            problems.append(f"{page}: policy {response.headers.get('Content-Security-Policy')!r}")
        problems += [f"{page}: {p}" for p in inline_code(html.fromstring(response.content))]
    assert len(pages) > 10 and problems == []


def test_headers_on_every_page(client, db):
    response = client.get(reverse("admin:login"))
    directives = policy(response)
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == security.REFERRER_POLICY
    cookie = response.cookies["csrftoken"]
    assert cookie["samesite"] == "Lax"


def test_the_checker_sees_what_the_policy_would_block():
    """The sweep above can fail: each kind of blocked content is found."""
    page = html.fromstring(
        "<html><head><script>alert(1)</script><style>p{}</style><script src='https://cdn.example/x.js'></script>"
        "</head><body onload='x()'><a href='javascript:x()' style='color:red'>x</a></body></html>"
    )
    assert len(inline_code(page)) == 6
