"""`/api/docs` in a real browser (Debian's chromium through Playwright, the cabinet's fixtures): Swagger UI
from the django-ninja package's own files renders every operation of `/api/openapi.json` under the
site's Content-Security-Policy (no inline script), and nothing is fetched from anywhere else.

The browser's requests are answered from answers made in process (Django's test client; static files as
the static files finder finds them), so the test needs no live server and no committed database."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.cabinet.browser import browser, watched_page  # noqa: F401

pytestmark = pytest.mark.django_db
ORIGIN = "http://127.0.0.1:8000"


def answer_in_process(page, client: Client, paths: list[str], outside: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The answers to `paths` are made now, in the test's thread (Django's test client); the browser's
    requests are then served from them, and static files as the static files finder finds them."""
    made = {path: client.get(path) for path in paths}
    answers = {path: (r.status_code, r.content, dict(r.items())) for path, r in made.items()}

    async def handle(route) -> None:  # type: ignore[no-untyped-def]  # on Playwright's own thread
        url = urlsplit(route.request.url)
        if f"{url.scheme}://{url.netloc}" != ORIGIN:
            outside.append(route.request.url)
            await route.abort()
        elif url.path in answers:
            status, body, headers = answers[url.path]
            await route.fulfill(status=status, body=body, headers=headers)
        elif url.path.startswith("/static/") and (found := finders.find(url.path.removeprefix("/static/"))):
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            await route.fulfill(status=200, body=Path(found).read_bytes(), headers={"Content-Type": kind})
        else:
            outside.append(route.request.url)
            await route.fulfill(status=404, body="")

    page.route("**/*", handle)


def test_the_docs_page_renders_every_operation_under_the_policy(watched_page, client):  # noqa: F811
    page, watch = watched_page
    outside: list[str] = []
    answer_in_process(page, client, ["/api/docs", "/api/openapi.json"], outside)
    described = client.get("/api/openapi.json").json()
    operations = sum(len(methods) for methods in described["paths"].values())
    answer = page.goto(f"{ORIGIN}/api/docs")
    assert answer is not None and answer.status == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == operations
    assert "kzreg reseller API" in page.locator(".title").first.inner_text()
    assert watch.csp_errors == [], watch.csp_errors
    assert outside == [] and watch.off_loopback() == [], (outside, watch.off_loopback())


def test_openapi_is_at_its_fixed_path_and_describes_the_bearer_scheme(client):
    described = client.get("/api/openapi.json").json()
    assert described["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in described["paths"])
    schemes = described["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    create = described["paths"]["/api/v1/domains"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
