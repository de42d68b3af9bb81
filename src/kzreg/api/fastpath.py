"""`ApiFastPath`: the reseller API's operations (`/api/v1/…`) without the site's middleware stack.

The first middleware in `MIDDLEWARE`. A call under `/api/v1/` carries a bearer token and no cookie:
sessions, authentication, two-factor, login throttling, CSRF, messages, locale and static files do
nothing for it but cost CPU on every call. Here such a call is resolved against `kzreg.api.urls` and its
view called directly; every other path goes down the stack unchanged (`/api/docs` and `/api/openapi.json`
too: the docs page needs the site's Content-Security-Policy).

What the skipped middleware would do that matters for the API is kept: `ALLOWED_HOSTS` (a bad Host
header is a 400, raised here as CommonMiddleware would), the HTTPS redirect, and the headers the
security, frame and CSP middleware add (HSTS on HTTPS, nosniff, referrer and opener policies,
`X-Frame-Options: DENY`, and the API's own policy, which loads nothing), and the `Content-Length`
CommonMiddleware would set. The message language comes from `Accept-Language` (`api.errors.language`),
so responses say `Vary: Accept-Language` as LocaleMiddleware would. Token, permissions, tenant checks,
rate limits and idempotency are the API's own and run as before: they are in the views. `KZREG_API_FAST_PATH=0` sends the API through the whole stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import URLResolver
from django.urls.resolvers import RegexPattern
from django.utils.cache import patch_vary_headers

from kzreg.config.security import API_POLICY  # JSON loads nothing and is never framed (as RDAP)

PREFIX = "/api/v1/"


def enabled() -> bool:
    return bool(cast(dict[str, Any], settings.KZREG_API).get("FAST_PATH", True))


class ApiFastPath:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.resolver = URLResolver(RegexPattern(r"^/api/"), "kzreg.api.urls")
        self.on = enabled()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.on or not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        host = request.get_host()  # DisallowedHost (a SuspiciousOperation: 400) as CommonMiddleware raises it
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return HttpResponsePermanentRedirect(f"https://{settings.SECURE_SSL_HOST or host}{request.get_full_path()}")
        match = self.resolver.resolve(request.path_info)  # the catch-all answers any path under /api/
        request.resolver_match = match
        response = cast(HttpResponse, match.func(request, *match.args, **match.kwargs))
        return self.secured(request, response)

    def secured(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """The headers SecurityMiddleware, XFrameOptionsMiddleware and CSPMiddleware would add."""
        if settings.SECURE_HSTS_SECONDS and request.is_secure() and "Strict-Transport-Security" not in response:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            response["Strict-Transport-Security"] = value
        response.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.setdefault("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response.setdefault("Cross-Origin-Opener-Policy", str(settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("Content-Security-Policy", API_POLICY)
        patch_vary_headers(response, ("Accept-Language",))
        if not response.streaming and not response.has_header("Content-Length"):
            # As CommonMiddleware: with its length known, gunicorn sends the answer in two writes (head,
            # body) instead of chunked in three (head, chunk, last chunk), and the client reads no framing.
            response["Content-Length"] = str(len(response.content))
        if 400 <= response.status_code < 500:
            # A refusal is an answer (its code and field say why; the access log has its status), not a
            # warning of the server's: Django's handler would log a django.request line for each — one
            # per call of a client hammering past its rate limit. Errors (5xx) are logged as before.
            response._has_been_logged = True  # type: ignore[attr-defined]
        return response
