"""The HTTP security settings: what turns on with HTTPS, and the content security policy.

Served over HTTPS (`KZREG_HTTPS=1`, or a `KZREG_PUBLIC_URL` starting with https), cookies are sent
over TLS only, browsers are told to keep to HTTPS (HSTS) and plain-HTTP requests are redirected. The
policy allows scripts, styles, fonts and frames from kzreg's own origin only: no inline script, and no
page may frame kzreg (clickjacking). `/rdap/` skips the middleware, so `kzreg.rdap.handler` adds the
same headers itself (with `API_POLICY`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kzreg.config.deployment import BadSetting, flag

YEAR = 365 * 24 * 3600
REFERRER_POLICY = "same-origin"
# The policy every HTML page gets; `KZREG_CSP_<DIRECTIVE>` (e.g. KZREG_CSP_IMG_SRC) adds sources.
BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # data: for generated images such as 2FA QR codes
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# JSON APIs (RDAP) load nothing and are never framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class Https:
    """The HTTPS-dependent settings, from the environment."""

    on: bool
    hsts_seconds: int = 0
    hsts_subdomains: bool = False
    hsts_preload: bool = False
    redirect: bool = False
    trusted_proxy: bool = False
    silenced: list[str] = field(default_factory=list)

    @classmethod
    def from_env(cls, env: Mapping[str, str], on: bool) -> Https:
        trusted_proxy = flag("KZREG_TRUSTED_PROXY", env.get("KZREG_TRUSTED_PROXY", "0"))
        if not on:
            return cls(on=False, trusted_proxy=trusted_proxy)
        try:
            seconds = int(env.get("KZREG_HSTS_SECONDS", "").strip() or YEAR)
        except ValueError:
            raise BadSetting(f"KZREG_HSTS_SECONDS: expected seconds, got {env['KZREG_HSTS_SECONDS']!r}") from None
        https = cls(
            on=True,
            hsts_seconds=max(0, seconds),
            hsts_subdomains=flag("KZREG_HSTS_INCLUDE_SUBDOMAINS", env.get("KZREG_HSTS_INCLUDE_SUBDOMAINS", "1")),
            hsts_preload=flag("KZREG_HSTS_PRELOAD", env.get("KZREG_HSTS_PRELOAD", "0")),
            redirect=flag("KZREG_SSL_REDIRECT", env.get("KZREG_SSL_REDIRECT", "1")),
            trusted_proxy=trusted_proxy,
        )
        return replace(https, silenced=https.deliberate_choices())

    def deliberate_choices(self) -> list[str]:
        """`check --deploy` warnings about what the operator turned off on purpose (preload is opt-in: a
        preloaded name cannot quickly leave browsers' lists; a proxy in front may do the redirect)."""
        silenced = []
        if self.hsts_seconds and not self.hsts_preload:
            silenced.append("security.W021")
        if self.hsts_seconds and not self.hsts_subdomains:
            silenced.append("security.W005")
        if not self.redirect:
            silenced.append("security.W008")
        return silenced


def content_security_policy(env: Mapping[str, str]) -> dict[str, object]:
    """django-csp 4's `CONTENT_SECURITY_POLICY`: the base policy plus `KZREG_CSP_*` additions, with
    `KZREG_CSP_REPORT_URI` for violation reports."""
    directives = {name: list(sources) for name, sources in BASE_POLICY.items()}
    for variable, value in sorted(env.items()):
        if not variable.startswith("KZREG_CSP_") or variable == "KZREG_CSP_REPORT_ONLY" or not value.strip():
            continue
        directive = variable.removeprefix("KZREG_CSP_").lower().replace("_", "-")
        directives.setdefault(directive, []).extend(value.split())
    return {"DIRECTIVES": directives}


def report_only(env: Mapping[str, str]) -> bool:
    """`KZREG_CSP_REPORT_ONLY=1`: send the policy as Content-Security-Policy-Report-Only (trying it out)."""
    return flag("KZREG_CSP_REPORT_ONLY", env.get("KZREG_CSP_REPORT_ONLY", "0"))
