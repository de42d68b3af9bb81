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
from kzreg.rdap import lookup
from kzreg.rdap.handler import RdapDispatcher
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
