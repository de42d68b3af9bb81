"""Issue 9 §6: `check --deploy` is clean in the production settings, and the HTTPS settings, public URL
and allowed hosts follow the environment (each case a fresh process: settings are read once)."""

from __future__ import annotations

import json

import pytest

from kzreg.config import deployment, security
from tests.config.conftest import environment, production, run

CHECK_DEPLOY = ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
NAMES = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "ALLOWED_HOSTS", "PUBLIC_URL", "CSRF_TRUSTED_ORIGINS",
    "CONTENT_SECURITY_POLICY", "SILENCED_SYSTEM_CHECKS",
]  # fmt: skip
PRINT_SETTINGS = [
    "-c", f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
]  # fmt: skip


def settings_in(env: dict[str, str]) -> dict:
    result = run(PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_in_production(data_dir):
    result = run(CHECK_DEPLOY, production(data_dir, KZREG_ALLOWED_HOSTS="rdap.nic.kz,whois.nic.kz"))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_https(data_dir):
    """The check above can fail: the same production without HTTPS has cookies, HSTS and redirect to fix."""
    result = run(CHECK_DEPLOY, production(data_dir, KZREG_PUBLIC_URL="http://rdap.nic.kz"))
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr


def test_https_turns_on_secure_cookies_hsts_and_redirect(data_dir):
    values = settings_in(production(data_dir))
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # no proxy trusted unless configured
    assert values["ALLOWED_HOSTS"] == ["rdap.nic.kz", "localhost", "127.0.0.1", "[::1]"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://rdap.nic.kz"] and not values["DEBUG"]


def test_https_settings_are_configurable(data_dir):
    env = production(
        data_dir, KZREG_PUBLIC_URL="http://rdap.nic.kz/", KZREG_HTTPS="1", KZREG_HSTS_SECONDS="600",
        KZREG_HSTS_INCLUDE_SUBDOMAINS="0", KZREG_HSTS_PRELOAD="1", KZREG_SSL_REDIRECT="0", KZREG_TRUSTED_PROXY="1",
        KZREG_CSP_IMG_SRC="https://tiles.example.kz", KZREG_CSP_REPORT_URI="/csp-report",
    )  # fmt: skip
    values = settings_in(env)
    assert values["SESSION_COOKIE_SECURE"] and values["PUBLIC_URL"] == "http://rdap.nic.kz"
    assert (values["SECURE_HSTS_SECONDS"], values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (600, False)
    assert values["SECURE_HSTS_PRELOAD"] and not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert sorted(values["SILENCED_SYSTEM_CHECKS"]) == ["security.W005", "security.W008"]  # chosen on purpose
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "https://tiles.example.kz"]
    assert directives["report-uri"] == ["/csp-report"] and directives["script-src"] == ["'self'"]
    assert run(CHECK_DEPLOY, env).returncode == 0


def test_plain_http_demo_keeps_cookies_usable_over_http(data_dir):
    values = settings_in(environment(data_dir))
    assert not values["SESSION_COOKIE_SECURE"] and not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 0 and values["PUBLIC_URL"] == "http://127.0.0.1:8000"
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]  # no DNS-rebinding of the demo


@pytest.mark.parametrize(
    ("variables", "line"),
    [({"KZREG_PUBLIC_URL": "rdap.nic.kz"}, "kzreg: KZREG_PUBLIC_URL: expected http(s)://host"),
     ({"KZREG_HTTPS": "maybe"}, "kzreg: KZREG_HTTPS: expected 1 or 0"),
     ({"KZREG_HSTS_SECONDS": "a year"}, "kzreg: KZREG_HSTS_SECONDS: expected seconds")],
)  # fmt: skip
def test_a_bad_setting_is_one_line_naming_it(data_dir, variables, line):
    result = run(PRINT_SETTINGS, production(data_dir, **variables))
    assert result.returncode == 3 and result.stderr.strip().startswith(line)
    assert len(result.stderr.strip().splitlines()) == 1


def test_public_url_defaults_to_the_bind_address():
    assert deployment.public_url({}, "127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert deployment.public_url({}, "::1", 8080) == "http://[::1]:8080"
    assert deployment.public_url({"KZREG_PUBLIC_URL": "https://nic.kz/registry/"}, "0.0.0.0", 80) == (
        "https://nic.kz/registry"
    )
    assert deployment.origin("https://nic.kz/registry") == "https://nic.kz"


def test_report_only_policy():
    assert security.report_only({"KZREG_CSP_REPORT_ONLY": "1"})
    assert "KZREG_CSP_REPORT_ONLY" not in str(security.content_security_policy({"KZREG_CSP_REPORT_ONLY": "1"}))
