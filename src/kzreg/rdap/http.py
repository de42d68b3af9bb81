"""The HTTP side of RDAP (RFC 7480): content type, CORS, HEAD, OPTIONS, 405, 429 and error bodies.

`rdap_view` wraps a query function `(request, ctx, **path) -> body dict` (or the body already encoded,
from the answer cache); the function raises `NotFound`,
`NotImplementedQuery` or `BadQuery` for the RFC 9083 error responses and never sees other methods.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kzreg.core import clock
from kzreg.rdap import config, ratelimit, texts
from kzreg.rdap.objects import CONFORMANCE, RDAP_JSON, Context, Json, notices
from kzreg.rdap.patterns import BadQuery

ALLOWED = "GET, HEAD, OPTIONS"
QueryFunction = Callable[..., Json | bytes]


class NotFound(LookupError):
    """No such object (404)."""


class NotImplementedQuery(LookupError):
    """A well-formed RDAP query this server does not answer (501): ip, autnum, some searches."""


@lru_cache(maxsize=1)
def _links() -> tuple[str, str]:
    """(base URL, port43 host), from configuration only (`kzreg.rdap.config`)."""
    return config.base_url(), config.port43()


_hosts: set[tuple] = set()  # Host headers already checked against ALLOWED_HOSTS
MAX_HOSTS = 256  # distinct ones remembered (a client may send any Host header ALLOWED_HOSTS accepts)


def _forget(**_: Any) -> None:
    """Settings (ALLOWED_HOSTS, PUBLIC_URL, KZREG_RDAP, …) changed, in tests: work it out again."""
    _links.cache_clear()
    _hosts.clear()


setting_changed.connect(_forget)


def context(request: HttpRequest) -> Context:
    """The configured base URL and port43 host, and the time. The Host header is only checked against
    ALLOWED_HOSTS (DisallowedHost → 400; a check costs as much as a cached answer, so a passed one is
    remembered): links are never built from it, or any client could choose them."""
    meta = request.META
    key = (meta.get("HTTP_HOST"), meta.get("HTTP_X_FORWARDED_HOST"), meta.get("SERVER_NAME"), meta.get("SERVER_PORT"))
    if key not in _hosts:
        request.get_host()  # raises DisallowedHost; not remembered then
        if len(_hosts) >= MAX_HOSTS:
            _hosts.clear()
        _hosts.add(key)
    base, port43 = _links()
    return Context(base=base, port43=port43, now=clock.now())


def encode(body: Json) -> bytes:
    """Compact UTF-8 JSON (orjson: several times faster than the json module on these bodies)."""
    return orjson.dumps(body)


def json_response(status: int, body: Json | bytes, method: str) -> HttpResponse:
    content = body if isinstance(body, bytes) else encode(body)
    response = HttpResponse(b"" if method == "HEAD" else content, status=status, content_type=RDAP_JSON)
    response["Content-Length"] = str(len(content))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_body(status: int, ctx: Context | None, description: list[str] | None = None) -> Json:
    title, default = texts.ERRORS[status]
    body: Json = {
        "rdapConformance": CONFORMANCE,
        "errorCode": status,
        "title": title,
        "description": description or texts.lines(default),
    }
    if ctx is not None:
        body["notices"] = notices(ctx)[:1]
    return body


def error_response(status: int, request: HttpRequest, description: list[str] | None = None) -> HttpResponse:
    try:
        ctx: Context | None = context(request)
    except Exception:  # a bad Host header must not turn an error reply into a traceback
        ctx = None
    return json_response(status, error_body(status, ctx, description), request.method or "GET")


def rdap_view(query: QueryFunction) -> Callable[..., HttpResponse]:
    @csrf_exempt
    @functools.wraps(query)
    def view(request: HttpRequest, **path: Any) -> HttpResponse:
        method = request.method or "GET"
        if method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = ALLOWED
            response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            return response
        if method not in ("GET", "HEAD"):
            response = error_response(405, request)
            response["Allow"] = ALLOWED
            return response
        wait = ratelimit.check(request.META.get("REMOTE_ADDR", ""), config.rate_limit())
        if wait:
            response = error_response(429, request)
            response["Retry-After"] = str(wait)
            return response
        ctx = context(request)
        try:
            body = query(request, ctx, **path)
        except BadQuery as exc:
            return json_response(400, error_body(400, ctx, exc.lines), method)
        except NotFound:
            return json_response(404, error_body(404, ctx), method)
        except NotImplementedQuery:
            return json_response(501, error_body(501, ctx), method)
        return json_response(200, body, method)

    return view
