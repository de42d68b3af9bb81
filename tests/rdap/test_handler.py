"""The lean `/rdap/` WSGI entry (`kzreg.rdap.handler`, what `kzreg web` serves): the same answers as
Django's full stack for P1 domain lookups, security headers, a 400 for a bad Host, an RDAP 500 body
instead of a traceback, and every other path left to Django."""

from __future__ import annotations

import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from kzreg.config.wsgi import application
from kzreg.rdap.handler import RdapDispatcher
from kzreg.registry.reads import lookup
from tests.rdap.conftest import validate

pytestmark = pytest.mark.django_db


def call(app, method: str, path: str, **extra) -> tuple[int, dict[str, str], bytes]:
    """One request through the WSGI application, as a WSGI server would make it (keeping the test's
    database connection open, as Django's test client does)."""
    environ = getattr(RequestFactory(), method.lower())(path, **extra).environ
    started: list = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, lambda status, headers: started.extend([status, headers]))
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started[0].split()[0]), dict(started[1]), body


def test_p1_domain_lookup_same_as_django_stack(client, make_domain, frozen_clock):
    make_domain("example.kz")
    status, headers, body = call(application, "GET", "/rdap/domain/EXAMPLE.kz")
    assert status == 200
    assert body == client.get("/rdap/domain/EXAMPLE.kz").content
    validate(json.loads(body), "domain")
    assert headers["Content-Type"] == "application/rdap+json"
    assert headers["Content-Length"] == str(len(body))
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers


def test_head_404_and_405_through_the_lean_entry(make_domain):
    make_domain("example.kz")
    _, _, full = call(application, "GET", "/rdap/domain/example.kz")
    status, headers, body = call(application, "HEAD", "/rdap/domain/example.kz")
    assert (status, body, headers["Content-Length"]) == (200, b"", str(len(full)))
    status, _, body = call(application, "GET", "/rdap/domain/absent.kz")
    assert status == 404 and validate(json.loads(body), "error")["errorCode"] == 404
    status, headers, _ = call(application, "POST", "/rdap/domain/example.kz")
    assert status == 405 and headers["Allow"] == "GET, HEAD, OPTIONS"


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_host_not_allowed_is_400(db):
    status, _, body = call(application, "GET", "/rdap/help", HTTP_HOST="evil.example")
    assert status == 400 and validate(json.loads(body), "error")["errorCode"] == 400


def test_unexpected_error_is_rdap_500(make_domain, monkeypatch):
    make_domain("example.kz")

    def broken(name):
        raise RuntimeError("database went away")

    monkeypatch.setattr(lookup, "domain_with_hosts", broken)
    status, _, body = call(application, "GET", "/rdap/domain/example.kz")
    assert status == 500 and validate(json.loads(body), "error")["errorCode"] == 500
    assert b"Traceback" not in body and b"database went away" not in body


@pytest.mark.parametrize("path", ["/", "/rdap", "/rdapx/domain/example.kz", "/admin/"])
def test_other_paths_go_to_django(db, path):
    seen: list[str] = []

    def django_app(environ, start_response):
        seen.append(environ["PATH_INFO"])
        start_response("204 No Content", [])
        return [b""]

    assert call(RdapDispatcher(django_app), "GET", path)[0] == 204
    assert seen == [path]


@override_settings(ALLOWED_HOSTS=["*"], PUBLIC_URL="https://rdap.nic.kz")
def test_links_and_port43_come_from_configuration_not_the_host_header(make_domain):
    """Issue 9 §6: with any Host accepted, `Host: evil.example` (or X-Forwarded-Host) does not choose the
    links or port43 a client is given, through the lean entry or Django's stack."""
    make_domain("example.kz")
    for app in (application, application.fallback):
        for header in ({"HTTP_HOST": "evil.example"}, {"HTTP_X_FORWARDED_HOST": "evil.example"}):
            status, _, body = call(app, "GET", "/rdap/domain/example.kz", **header)
            answer = validate(json.loads(body), "domain")
            assert status == 200 and b"evil.example" not in body
            assert answer["port43"] == "rdap.nic.kz"
            assert answer["links"][0]["href"] == "https://rdap.nic.kz/rdap/domain/example.kz"
        status, _, body = call(app, "GET", "/rdap/domain/absent.kz", HTTP_HOST="evil.example")
        assert status == 404 and b"evil.example" not in body  # error bodies' notice links too


@override_settings(KZREG_RDAP={"BASE_URL": "https://rdap.example.kz/v1/", "PORT43": "whois.nic.kz"})
def test_configured_rdap_base_and_port43_win_over_the_public_url(make_domain):
    make_domain("example.kz")
    _, _, body = call(application, "GET", "/rdap/domain/example.kz")
    answer = json.loads(body)
    assert answer["port43"] == "whois.nic.kz"
    assert answer["links"][0]["href"] == "https://rdap.example.kz/v1/domain/example.kz"


def test_lean_entry_sends_the_api_policy_and_hsts_only_over_https(db, settings):
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = 3600, True
    _, headers, _ = call(application, "GET", "/rdap/help")
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "Strict-Transport-Security" not in headers  # as SecurityMiddleware: never over plain HTTP
    _, headers, _ = call(application, "GET", "/rdap/help", secure=True)
    assert headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_lean_entry_redirects_plain_http_when_told_to(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    status, headers, _ = call(application, "GET", "/rdap/domain/example.kz?x=1")
    assert status == 301 and headers["Location"] == "https://testserver/rdap/domain/example.kz?x=1"
    status, _, _ = call(application, "GET", "/rdap/help", secure=True)
    assert status == 200
