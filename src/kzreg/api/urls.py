"""`/api/…`: the NinjaAPI (operations under `v1/`, `openapi.json`, `docs`), and the one error shape for
any other path under `/api/`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from kzreg.api.app import api
from kzreg.api.errors import respond
from kzreg.api.problems import ApiCode
from kzreg.core.errors import Problem


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return respond(request, [Problem("", ApiCode.NOT_FOUND, {"key": request.path})], 404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
