"""`/api/v1/` past the site's middleware (`kzreg.api.fastpath`): the same answers, the same security
headers and host check, no session or cookie machinery; `/api/docs` keeps the whole stack."""

from __future__ import annotations

import pytest
from django.test import Client

from kzreg.api.fastpath import ApiFastPath
from kzreg.config.security import API_POLICY

pytestmark = pytest.mark.django_db


def test_api_calls_carry_the_security_headers_and_no_cookie(api_a):
    for answer in (api_a.get("/orders"), api_a.get("/domains/nope.kz"), api_a.get("/api/v1/nowhere"),
                   api_a.call("PUT", "/orders")):  # fmt: skip
        assert answer["Content-Security-Policy"] == API_POLICY  # the API's policy, not the site's
        assert answer["X-Content-Type-Options"] == "nosniff" and answer["X-Frame-Options"] == "DENY"
        assert answer["Referrer-Policy"] and answer["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Accept-Language" in answer["Vary"]
        assert not answer.cookies  # no session, CSRF or language cookie
        assert "Strict-Transport-Security" not in answer  # plain HTTP in tests
        assert answer["Content-Length"] == str(len(answer.content))  # as CommonMiddleware: not sent chunked


def test_the_docs_page_keeps_the_site_stack(api_a):
    page = Client().get("/api/docs")
    assert page.status_code == 200 and page["Content-Security-Policy"] != API_POLICY


def test_a_host_not_allowed_is_a_400(api_a, settings):
    settings.ALLOWED_HOSTS = ["api.nic.kz"]
    assert api_a.client.get("/api/v1/orders", HTTP_HOST="evil.example").status_code == 400
    assert api_a.client.get("/api/v1/orders", HTTP_HOST="api.nic.kz", headers=api_a.headers()).status_code == 200


def test_https_redirect_and_hsts(api_a, settings):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD = True, False
    plain = api_a.get("/orders", limit=1)
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/api/v1/orders?limit=1"
    secure = api_a.client.get("/api/v1/orders", secure=True, headers=api_a.headers())
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_the_stack_below_is_skipped_only_under_api_v1(rf):
    seen = []

    def stack(request):
        seen.append(request.path)
        from django.http import HttpResponse

        return HttpResponse("site")

    fast = ApiFastPath(stack)
    for path in ("/api/docs", "/api/openapi.json", "/cabinet/", "/api/v1x"):
        assert fast(rf.get(path)).content == b"site"
    assert fast(rf.get("/api/v1/orders")).status_code == 401  # the API itself: no token
    assert seen == ["/api/docs", "/api/openapi.json", "/cabinet/", "/api/v1x"]


def test_refusals_are_not_logged_as_server_warnings_but_errors_are(api_a, caplog, monkeypatch):
    """A 4xx under /api/v1/ is an answer, not a django.request warning (a client past its rate limit would
    write a line per call); the site's own 404s and the API's 500s are still logged."""
    with caplog.at_level("WARNING", logger="django.request"):
        assert api_a.get("/domains/nope.kz").status_code == 404
        assert api_a.client.get("/api/v1/orders").status_code == 401
        assert [r for r in caplog.records if r.name == "django.request"] == []
        assert Client().get("/no-such-page/").status_code == 404
        assert [r.status_code for r in caplog.records if r.name == "django.request"] == [404]

        def broken(*args, **kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr("kzreg.api.endpoints.orders.orders_visible_to", broken)
        assert api_a.get("/orders").status_code == 500
        assert [r.status_code for r in caplog.records if r.name == "django.request"] == [404, 500]
