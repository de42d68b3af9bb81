"""Issue 9 §6 through a real HTTP client and `kzreg web` (gunicorn): with an https public URL, plain HTTP
is redirected, and HTTPS answers (TLS ended by a proxy on the machine: `X-Forwarded-Proto`) carry HSTS,
the content security policy and Secure, SameSite cookies; RDAP links follow the public URL whatever the
Host header, and a Host not allowed is a 400."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.server.web_process import kzreg_web

HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front adds (gunicorn trusts it from 127.0.0.1)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    with kzreg_web(tmp_path_factory.mktemp("https"), KZREG_PUBLIC_URL="https://rdap.nic.kz", KZREG_WEB_WORKERS="1") as (
        port,
        _process,
    ):
        yield port


def get(port: int, path: str, host: str = "rdap.nic.kz", **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host, **headers})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_plain_http_is_redirected_to_the_https_site(web):
    response = get(web, "/admin/login/?next=/admin/")
    assert response.status == 301 and response.headers["Location"] == "https://rdap.nic.kz/admin/login/?next=/admin/"
    response = get(web, "/rdap/domain/example.kz")
    assert response.status == 301 and response.headers["Location"] == "https://rdap.nic.kz/rdap/domain/example.kz"


def test_https_page_has_hsts_policy_and_secure_cookies(web):
    response = get(web, "/admin/login/", **HTTPS)
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("csrftoken=") and "; Secure" in cookie and "SameSite=Lax" in cookie


def test_rdap_over_https_links_from_the_public_url_only(web):
    response = get(web, "/rdap/help", **HTTPS, **{"X-Forwarded-Host": "evil.example"})
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert b"evil.example" not in response.body  # type: ignore[attr-defined]
    notices = json.loads(response.body)["notices"]  # type: ignore[attr-defined]
    values = {link["value"] for notice in notices for link in notice.get("links", [])}  # the page they are on
    assert values == {"https://rdap.nic.kz/rdap/help"}


def test_a_host_not_allowed_is_refused(web):
    assert get(web, "/rdap/help", host="evil.example", **HTTPS).status == 400
    assert get(web, "/admin/login/", host="evil.example", **HTTPS).status == 400
