"""The users of the caller's own tenant and their permissions (Permission.USERS), and API tokens
(Permission.TOKENS): the caller's own, made (the secret shown once), listed, revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from kzreg.accounts.roles import Permission, permissions_of
from kzreg.api import tokens
from kzreg.api.endpoints.common import Body, acting, responses
from kzreg.api.errors import not_found
from kzreg.registrar.access import access_user_by_id, users_visible_to

users = Router(tags=["users"])
api_tokens = Router(tags=["API tokens"])
PermissionName = Literal["view", "order", "pay", "users", "tokens"]


class UserOut(Schema):
    id: int
    username: str
    email: str
    active: bool
    administrator: bool
    permissions: list[str]


def user_out(user: Any) -> dict[str, Any]:
    profile = getattr(user, "staff_profile", None)
    return {"id": user.pk, "username": user.get_username(), "email": user.email, "active": user.is_active,
            "administrator": bool(getattr(profile, "administrator", False)),
            "permissions": sorted(str(p) for p in permissions_of(user))}  # fmt: skip


@users.get("", response=responses({200: list[UserOut]}), operation_id="users_list")
def users_list(request: HttpRequest) -> Any:
    who = acting(request, Permission.USERS).who
    return [user_out(u) for u in users_visible_to(who.user).order_by("username")]


@users.get("/{user_id}", response=responses({200: UserOut}), operation_id="users_get")
def users_get(request: HttpRequest, user_id: int) -> Any:
    who = acting(request, Permission.USERS).who
    return user_out(access_user_by_id(who.user, user_id))


class UserIn(Body):
    username: str = Field(..., max_length=150)
    email: str = Field(..., max_length=254)
    language: Literal["kk", "ru", "en"] = "kk"
    permissions: list[PermissionName] = Field(default_factory=list, max_length=5)
    administrator: bool = False


@users.post("", response=responses({201: UserOut}), operation_id="users_create")
def users_create(request: HttpRequest, payload: UserIn) -> Any:
    """A new user of the caller's tenant (mailed a link to set its password); never with more than the
    caller has."""
    from kzreg.accounts import people

    who = acting(request, Permission.USERS).who
    user = people.add_user(who.user, username=payload.username, email=payload.email, language=payload.language,
                           permissions=payload.permissions, administrator=payload.administrator)  # fmt: skip
    return Status(201, user_out(user))


class PermissionsIn(Body):
    permissions: list[PermissionName] = Field(..., max_length=5)


@users.put("/{user_id}/permissions", response=responses({200: UserOut}), operation_id="users_set_permissions")
def users_set_permissions(request: HttpRequest, user_id: int, payload: PermissionsIn) -> Any:
    """What the user may do (never more than the caller has; an administrator's only by an administrator)."""
    from kzreg.accounts import people

    who = acting(request, Permission.USERS).who
    access_user_by_id(who.user, user_id)
    user = people.set_permissions(who.user, user_id, payload.permissions)
    user.staff_profile.refresh_from_db()
    return user_out(user)


@users.delete("/{user_id}", response=responses({200: UserOut}), operation_id="users_deactivate")
def users_deactivate(request: HttpRequest, user_id: int) -> Any:
    """Signs the user out everywhere and keeps it out (its tokens stop working at once)."""
    from kzreg.accounts import people

    who = acting(request, Permission.USERS).who
    access_user_by_id(who.user, user_id)
    return user_out(people.deactivate(who.user, user_id))


class TokenIn(Body):
    name: str = Field("", max_length=100)
    expires_days: int | None = Field(None, ge=1, le=tokens.MAX_EXPIRES_DAYS)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="Shown this once: send it as 'Authorization: Bearer <token>'")


@api_tokens.get("", response=responses({200: list[TokenOut]}), operation_id="tokens_list")
def tokens_list(request: HttpRequest) -> Any:
    who = acting(request, Permission.TOKENS).who
    return list(tokens.tokens_of(who.user))


@api_tokens.post("", response=responses({201: TokenCreated}), operation_id="tokens_create")
def tokens_create(request: HttpRequest, payload: TokenIn) -> Any:
    who = acting(request, Permission.TOKENS).who
    token, secret = tokens.create_token(who.user, payload.name, payload.expires_days, created_by=who.principal)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": secret})


@api_tokens.delete("/{token_id}", response=responses({204: None}), operation_id="tokens_revoke")
def tokens_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    who = acting(request, Permission.TOKENS).who
    token = tokens.tokens_of(who.user).filter(pk=token_id).first() if 0 < token_id < 2**63 else None
    if token is None:
        raise not_found(token_id)
    tokens.revoke(token)
    return HttpResponse(status=204)
