"""`/api/…`: the NinjaAPI (operations under `v1/`, `openapi.json`, `docs`), and the one error shape for a
path under `/api/` that does not exist and for a method a path does not take (ninja answers those in
plain text)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path

from kzreg.api.app import api
from kzreg.api.errors import respond
from kzreg.api.problems import ApiCode
from kzreg.core.errors import Problem


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return respond(request, [Problem("", ApiCode.NOT_FOUND, {"key": request.path})], 404)


def shaped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refused = respond(request, [Problem("", ApiCode.METHOD, {"method": request.method})], 405)
            refused["Allow"] = response.get("Allow", "")
            return refused
        return response

    return wrapper


# (Not unpacked into module names: `include()` would read a module-level `app_name` as this urlconf's.)
NINJA = api.urls
for pattern in NINJA[0]:
    if isinstance(pattern, URLPattern):
        pattern.callback = shaped(pattern.callback)

urlpatterns = [
    path("", NINJA),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
