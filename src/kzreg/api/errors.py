"""One error shape for every answer that is not a success:

    {"errors": [{"code": "...", "field": "...", "message": "..."}]}

`code` is a problem code (any app's: `registrar_…`, `billing_…`, the registry's, or `api_…`), `field` a
path into the request (`nameservers.1`, `location.city`, `line 7`, or "" for the request as a whole), and
`message` its text in the language of `Accept-Language` (kk, ru or en; English when none is asked).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from kzreg.api.problems import ApiCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import LANGUAGES, Code

log = logging.getLogger("kzreg.api")
DEFAULT_LANGUAGE = "en"
# Where ninja says a parameter came from; the rest of its location is the field path.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ApiError(Exception):
    """A refusal with its problems, an HTTP status and any extra headers (Retry-After)."""

    def __init__(
        self, problems: Sequence[Problem], status: int | None = None, headers: Mapping[str, str] | None = None
    ):
        self.problems = tuple(problems)
        self.status = status or self.problems[0].http_status
        self.headers = dict(headers or {})
        super().__init__("; ".join(p.render() for p in self.problems))


def problem(code: ApiCode | Code, field: str = "", **params: object) -> ApiError:
    return ApiError([Problem(field, code, params)])


def not_found(key: object, field: str = "") -> ApiError:
    return problem(ApiCode.NOT_FOUND, field, key=key)


def language(request: HttpRequest) -> str:
    """The first of kk, ru, en that `Accept-Language` asks for, by its q-values."""
    header = request.headers.get("Accept-Language", "")
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LANGUAGE


def body(problems: Iterable[Problem], lang: str) -> dict[str, Any]:
    return {"errors": [{"code": str(p.code), "field": p.field, "message": p.message(lang)} for p in problems]}


def respond(
    request: HttpRequest, problems: Sequence[Problem], status: int, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(json.dumps(body(problems, language(request)), ensure_ascii=False),
                            status=status, content_type="application/json")  # fmt: skip
    response["Content-Language"] = language(request)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return respond(request, error.problems, error.status, error.headers)


def from_operation(request: HttpRequest, failure: OperationFailed) -> HttpResponse:
    """A refusal of the registrar wing, billing or the registry: its problems and their own status. A
    refusal of the registry's that is not found (another tenant's object) stays a 404."""
    return respond(request, failure.problems, failure.http_status)


def field_path(location: Sequence[object]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body":
            parts = parts[1:]  # the body parameter's own name
    return ".".join(parts)


def from_validation(request: HttpRequest, errors: Sequence[Mapping[str, Any]]) -> HttpResponse:
    """Pydantic's findings (ninja's ValidationError) as problems that name their field."""
    problems = []
    for error in errors:
        field = field_path(error.get("loc", ()))
        if error.get("type") == "missing":
            problems.append(Problem(field, Code.REQUIRED))
        else:
            reason = str(error.get("msg", "")).removeprefix("Value error, ")
            problems.append(Problem(field, ApiCode.INVALID, {"reason": reason}))
    return respond(request, problems or [Problem("", ApiCode.INVALID, {"reason": "request"})], 400)


def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    log.exception("API %s %s failed", request.method, request.path, exc_info=error)
    return respond(request, [Problem("", ApiCode.SERVER_ERROR)], 500)
