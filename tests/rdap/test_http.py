"""RDAP over HTTP (RFC 7480): HEAD, OPTIONS/CORS, other methods, 429 with Retry-After on the moved clock,
501 for query types not served, 400 for what is not RDAP."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings

from kzreg.core import clock
from tests.rdap.conftest import get, validate

pytestmark = pytest.mark.django_db


def test_head_has_headers_and_no_body(client, make_domain):
    make_domain("example.kz")
    full = client.get("/rdap/domain/example.kz")
    head = client.head("/rdap/domain/example.kz")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == "application/rdap+json"
    assert head["Content-Length"] == str(len(full.content))
    assert client.head("/rdap/domain/none.kz").status_code == 404


def test_options_answers_cors_preflight(client, db):
    response = client.options("/rdap/domain/example.kz")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_405_json(client, make_domain, method):
    make_domain("example.kz")
    response = getattr(client, method)("/rdap/domain/example.kz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert validate(json.loads(response.content), "error")["errorCode"] == 405


def test_rate_limit_per_address_with_retry_after(client, make_domain, frozen_clock):
    """RFC 7480 §5.5: over the limit → 429 with Retry-After; the window passes on the clock, not a sleep."""
    make_domain("example.kz")
    with override_settings(KZREG_RDAP={"RATE_LIMIT": "3/60"}):
        for _ in range(3):
            get(client, "/rdap/domain/example.kz", "domain")
        response = client.get("/rdap/domain/example.kz")
        assert response.status_code == 429
        assert validate(json.loads(response.content), "error")["errorCode"] == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        # Another client address has its own allowance.
        get(client, "/rdap/domain/example.kz", "domain", REMOTE_ADDR="192.0.2.7")
        clock.advance(dt.timedelta(seconds=int(response["Retry-After"])))
        get(client, "/rdap/domain/example.kz", "domain")


def test_rate_limit_can_be_off(client, make_domain):
    make_domain("example.kz")
    with override_settings(KZREG_RDAP={"RATE_LIMIT": "0"}):
        for _ in range(5):
            get(client, "/rdap/domain/example.kz", "domain")


@pytest.mark.parametrize(
    ("path", "status"), [("ip/192.0.2.1", 501), ("autnum/65500", 501), ("foo/bar", 400), ("", 400)]
)
def test_unsupported_and_unknown_paths(client, db, path, status):
    assert get(client, f"/rdap/{path}", "error", status=status)["errorCode"] == status
