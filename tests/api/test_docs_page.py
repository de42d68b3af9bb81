"""`/api/docs` in a real browser (Debian's chromium through Playwright, the cabinet's fixtures): Swagger UI
from the django-ninja package's own files renders every operation of `/api/openapi.json` under the
site's Content-Security-Policy (no inline script), and nothing is fetched from outside loopback."""

from __future__ import annotations

import pytest

from tests.cabinet.browser import browser, watched_page  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_renders_every_operation_under_the_policy(watched_page, live_server, client):  # noqa: F811
    page, watch = watched_page
    described = client.get("/api/openapi.json").json()
    operations = sum(len(methods) for methods in described["paths"].values())
    answer = page.goto(f"{live_server.url}/api/docs")
    assert answer is not None and answer.status == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == operations
    assert "kzreg reseller API" in page.locator(".title").first.inner_text()
    assert watch.csp_errors == [], watch.csp_errors
    assert watch.off_loopback() == [], watch.off_loopback()


def test_openapi_is_at_its_fixed_path_and_describes_the_bearer_scheme(client):
    described = client.get("/api/openapi.json").json()
    assert described["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in described["paths"])
    schemes = described["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    create = described["paths"]["/api/v1/domains"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
