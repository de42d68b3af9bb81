"""`/api/…`: the NinjaAPI (operations under `v1/`, `openapi.json`, `docs`), and the one error shape for a
path under `/api/` that does not exist and for a method a path does not take (ninja answers those in
plain text)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path
from ninja.operation import PathView

from kzreg.api import idempotency
from kzreg.api.app import api
from kzreg.api.endpoints.common import IDEMPOTENCY
from kzreg.api.errors import respond
from kzreg.api.problems import ApiCode
from kzreg.core.errors import Problem


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return respond(request, [Problem("", ApiCode.NOT_FOUND, {"key": request.path})], 404)


def keyed_methods(view: Callable[..., HttpResponse]) -> frozenset[str]:
    """The methods of a ninja path whose operation takes an `Idempotency-Key` (`endpoints.common.IDEMPOTENCY`):
    its token's read claims the key in the same statement (`idempotency.wanted`). ninja's view for a path
    is a closure over its `PathView` (tests/api/test_fastpath.py checks every keyed operation is found)."""
    for cell in getattr(view, "__closure__", None) or ():
        found = cell.cell_contents
        if isinstance(found, PathView):
            return frozenset(
                method
                for operation in found.operations
                if any(p.default is IDEMPOTENCY for p in inspect.signature(operation.view_func).parameters.values())
                for method in operation.methods
            )
    return frozenset()


def shaped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    keyed = keyed_methods(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if keyed:
            setattr(request, idempotency.KEYED, keyed)
        try:
            response = view(request, *args, **kwargs)
        finally:
            idempotency.release(request)  # a key claimed with the token's read that the call did not take
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refused = respond(request, [Problem("", ApiCode.METHOD, {"method": request.method})], 405)
            refused["Allow"] = response.get("Allow", "")
            return refused
        return response

    wrapper.keyed = keyed  # type: ignore[attr-defined]
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
