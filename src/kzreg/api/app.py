"""The reseller API (issue 12 §The reseller API): one NinjaAPI mounted at `/api/`, its operations under
`/api/v1/`, the OpenAPI 3 description at `/api/openapi.json` and the browsable docs at `/api/docs`
(Swagger UI from the django-ninja package's own static files: nothing is loaded from the internet, and
the page runs under the site's Content-Security-Policy without inline script).

Every refusal, whatever raised it, leaves in one shape (`errors.py`)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from kzreg.accounts.roles import PERMISSION_NAMES, PermissionMissing
from kzreg.api import errors
from kzreg.api.auth import BearerToken
from kzreg.api.errors import ApiError
from kzreg.api.problems import ApiCode
from kzreg.core.errors import OperationFailed, Problem

api = NinjaAPI(
    title="kzreg reseller API",
    version="1",
    description=(
        "The registrar's JSON API for its resellers (docs/api.md). Authenticate with "
        "`Authorization: Bearer <token>`; calls that cost money need an `Idempotency-Key` header. "
        'Errors: `{"errors": [{"code", "field", "message"}]}` in the language of `Accept-Language` '
        "(kk, ru, en)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings={"persistAuthorization": False}),
    auth=BearerToken(),
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return errors.from_api_error(request, error)


@api.exception_handler(OperationFailed)
def _operation_failed(request: HttpRequest, failure: OperationFailed) -> HttpResponse:
    return errors.from_operation(request, failure)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return errors.from_validation(request, error.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return errors.respond(request, [Problem("Authorization", ApiCode.TOKEN_MISSING)], 401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = ApiCode.NOT_FOUND if error.status_code == 404 else ApiCode.INVALID
    params = {"key": request.path} if code is ApiCode.NOT_FOUND else {"reason": error.message}
    return errors.respond(request, [Problem("", code, params)], error.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    key = str(error) if isinstance(error, Http404) and str(error) else request.path
    return errors.respond(request, [Problem("", ApiCode.NOT_FOUND, {"key": key})], 404)


@api.exception_handler(ObjectDoesNotExist)
def _no_object(request: HttpRequest, error: Exception) -> HttpResponse:
    return _not_found(request, error)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    if isinstance(error, PermissionMissing):
        name = PERMISSION_NAMES[error.permission][errors.language(request)]
        return errors.respond(request, [Problem("", ApiCode.PERMISSION, {"permission": name})], 403)
    return errors.respond(request, [Problem("", ApiCode.NOT_FOUND, {"key": request.path})], 404)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    return errors.server_error(request, error)


def _routes() -> None:
    from kzreg.api.endpoints import ROUTERS

    for prefix, router in ROUTERS:
        api.add_router(f"/v1/{prefix}", router)


_routes()
