"""Who is calling: `Authorization: Bearer kzr_…` → the token, its user, the seller they act as; every call
is counted against the token's rate limit. Permissions are the user's (`accounts.roles`), read on each
call, so a permission taken away or a user deactivated stops the token at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kzreg.accounts.roles import Permission, permissions_of
from kzreg.api import idempotency
from kzreg.api.errors import language, problem
from kzreg.api.models import ApiToken
from kzreg.api.problems import ApiCode
from kzreg.api.ratelimit import count_call
from kzreg.api.tokens import verify


@dataclass(frozen=True)
class Caller:
    token: ApiToken
    user: Any
    permissions: frozenset[Permission]

    @property
    def principal(self) -> str:
        return f"api:{self.user.username}"


class BearerToken(HttpBearer):
    """ninja's bearer scheme (so the OpenAPI description says how to authenticate); every refusal names
    its reason in the request's language."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise problem(ApiCode.TOKEN_MISSING, "Authorization")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        claim = idempotency.wanted(request)  # an operation that takes an Idempotency-Key: claimed with the read
        if claim is not None:
            setattr(request, idempotency.CLAIMED, claim)  # released when the call ends unless `once` takes it
        found = verify(token, count=True, claim=claim)  # on PostgreSQL the read counts the call too
        count_call(found)
        return Caller(found, found.user, permissions_of(found.user))


def caller(request: HttpRequest) -> Caller:
    auth = getattr(request, "auth", None)
    if not isinstance(auth, Caller):  # every route is authenticated: this is a wiring mistake
        raise RuntimeError("API route without authentication")
    return auth


def need(request: HttpRequest, permission: Permission) -> Caller:
    """The caller, if it has `permission`; otherwise 403 naming the permission."""
    who = caller(request)
    if permission not in who.permissions:
        from kzreg.accounts.roles import PERMISSION_NAMES

        raise problem(ApiCode.PERMISSION, permission=PERMISSION_NAMES[permission][language(request)])
    return who
