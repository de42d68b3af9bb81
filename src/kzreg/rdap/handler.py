"""A lean WSGI entry for `/rdap/`: the RDAP views without Django's middleware stack (the 2,000/s target).

Sessions, authentication, CSRF, messages and locale do nothing for a public, cookie-less JSON API, yet
they cost more CPU than the lookup. `RdapDispatcher` wraps Django's WSGI application: paths under
`/rdap/` are resolved against `kzreg.rdap.urls` and the view is called directly; everything else goes
to Django unchanged. What Django's handler does that matters here is kept: the script prefix (links),
the `request_started`/`request_finished` signals (database connection upkeep: `close_old_connections`),
`ALLOWED_HOSTS` (a bad Host header is a 400), the HTTPS redirect and the security headers the middleware
would add (HSTS, CSP, nosniff, frame and referrer policies), and an unexpected error is logged to
`django.request` and answered with an RDAP 500 body instead of a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest, get_path_info, get_script_name
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import URLResolver, set_script_prefix
from django.urls.resolvers import RegexPattern

from kzreg.config.security import API_POLICY, REFERRER_POLICY
from kzreg.rdap.http import error_response

PREFIX = "/rdap/"
# What SecurityMiddleware, XFrameOptionsMiddleware and CSPMiddleware add to every Django response (the
# policy made for an API: it loads nothing; kzreg.config.security).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", REFERRER_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", API_POLICY),
)
logger = logging.getLogger("django.request")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def transport_security(request: WSGIRequest) -> list[tuple[str, str]]:
    """Strict-Transport-Security on HTTPS responses, from the same settings as SecurityMiddleware."""
    if not settings.SECURE_HSTS_SECONDS or not request.is_secure():
        return []
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return [("Strict-Transport-Security", value)]


class RdapDispatcher:
    """WSGI application: `/rdap/…` → the RDAP view directly; anything else → `fallback` (Django)."""

    def __init__(self, fallback: WsgiApp):
        self.fallback = fallback
        self.resolver = URLResolver(RegexPattern("^" + PREFIX), "kzreg.rdap.urls")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = get_path_info(environ)
        if not path.startswith(PREFIX):
            return self.fallback(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        response = self.redirect_to_https(request) or self.respond(request, path)
        response._resource_closers.append(request.close)  # as BaseHandler.get_response does
        headers = [*response.items(), *SECURITY_HEADERS, *transport_security(request)]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return response  # the server's close() sends request_finished

    def redirect_to_https(self, request: WSGIRequest) -> HttpResponse | None:
        """SECURE_SSL_REDIRECT, as SecurityMiddleware does it (a bad Host header is a 400 in `respond`)."""
        if not settings.SECURE_SSL_REDIRECT or request.is_secure():
            return None
        try:
            host = settings.SECURE_SSL_HOST or request.get_host()
        except SuspiciousOperation:
            return None
        return HttpResponsePermanentRedirect(f"https://{host}{request.get_full_path()}")

    def respond(self, request: WSGIRequest, path: str) -> HttpResponse:
        try:
            match = self.resolver.resolve(path)  # the catch-all `other` view answers every path
            return match.func(request, *match.args, **match.kwargs)
        except SuspiciousOperation as exc:  # e.g. a Host header not in ALLOWED_HOSTS
            logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
            return error_response(400, request)
        except Exception:
            logger.exception("Internal Server Error: %s", path, extra={"status_code": 500, "request": request})
            signals.got_request_exception.send(sender=self.__class__, request=request)
            return error_response(500, request)
