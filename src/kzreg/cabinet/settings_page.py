"""Settings (issue 13 §Settings): the tenant's users and their permissions, links to two-factor and the
sessions, API tokens, webhook URLs, the notification address.

One page shows every section the user may use; each form posts to its own URL and comes back to this
page (with each problem beside its field and what was typed kept, or with a flash message). Users are
read with `registrar.access.users_visible_to` and changed with `accounts.people` (which checks that
nobody grants more than they have); tokens and webhooks live in `settings_keys`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from kzreg.accounts import people
from kzreg.accounts.roles import PERMISSION_NAMES, Permission, RegistrarRole, permissions_of, profile_of
from kzreg.api.tokens import tokens_of
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import Page, SortOption, as_id, keyset_page
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import webhooks
from kzreg.registrar.access import seller_of, users_visible_to

USER_FIELDS = ("username", "email", "language")
TOKENS_SHOWN = 200
USER_SORTS = (SortOption("username", "username", unique=True),)


@dataclass
class Forms:
    """What a failed or finished post brings back to the page: a form as typed, and a secret shown once."""

    user: Typed = field(default_factory=lambda: Typed({"username": "", "email": "", "language": ""}))
    user_choices: set[str] = field(default_factory=set)
    row_errors: dict[int, str] = field(default_factory=dict)
    token: Typed = field(default_factory=lambda: Typed({"name": "", "expires_days": ""}))
    token_secret: str = ""
    hook: Typed = field(default_factory=lambda: Typed({"url": ""}))
    hook_secret: str = ""


def _is_staff(user: Any) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.organisation == "registrar"


def _choices(user: Any) -> list[tuple[str, str]]:
    """What may be granted here: a registrar's roles to its staff, permissions to a reseller's users."""
    lang = current_language()
    if _is_staff(user):
        return [(role.value, text(f"regrole.{role.value}")) for role in RegistrarRole]
    return [(p.value, PERMISSION_NAMES[p][lang]) for p in Permission]


def _granted(target: Any) -> set[str]:
    profile = target.staff_profile
    if profile.organisation == "registrar":
        return set(profile.roles or [])
    return {p.value for p in permissions_of(target)} if profile.administrator else set(profile.permissions or [])


def _users(request: HttpRequest, forms: Forms) -> tuple[list[dict[str, Any]], Page]:
    """One keyset page of the tenant's users by username, each with what it was granted."""
    page = keyset_page(users_visible_to(request.user), USER_SORTS, "", request.GET.get("after", ""))
    rows = [
        {"user": u, "granted": _granted(u), "error": forms.row_errors.get(u.pk, ""), "me": u.pk == request.user.pk}
        for u in page.rows
    ]
    return rows, page


def render_settings(request: HttpRequest, forms: Forms | None = None, status: int = 200) -> HttpResponse:
    """The page, with every section the signed-in user may use."""
    forms = forms or Forms()
    user, has = request.user, permissions_of(request.user)
    profile = profile_of(user)
    context: dict[str, Any] = {"forms": forms, "profile": profile, "is_staff": _is_staff(user)}
    if Permission.USERS in has:
        context["users"], context["page"] = _users(request, forms)
        context["choices"] = _choices(user)
    if Permission.TOKENS in has:
        context["tokens"] = list(tokens_of(user)[:TOKENS_SHOWN])
    if profile is not None and profile.organisation in ("registrar", "reseller") and Permission.VIEW in has:
        context["hooks"] = list(webhooks.list_for(seller_of(user)))
        context["may_change_hooks"] = Permission.ORDER in has
    if profile is not None and profile.organisation == "reseller":
        context["notify_address"] = profile.reseller.email
    answer = render(request, "cabinet/pages/settings.html", context, status=status)
    if forms.token_secret or forms.hook_secret:
        add_never_cache_headers(answer)  # a secret shown once is not kept by the browser or a proxy either
    return answer


@cabinet_page
def settings_page(request: HttpRequest) -> HttpResponse:
    return render_settings(request)


def _checked(request: HttpRequest) -> list[str]:
    return [v for v in request.POST.getlist("grant") if v][:10]


@cabinet_page
@require_POST
def user_add(request: HttpRequest) -> HttpResponse:
    forms = Forms()
    forms.user = Typed({name: request.POST.get(name, "").strip()[:200] for name in USER_FIELDS})
    forms.user_choices = set(_checked(request))
    values, staff = forms.user.values, _is_staff(request.user)
    chosen = sorted(forms.user_choices)
    try:
        added = people.add_user(
            request.user, username=values["username"], email=values["email"], language=values["language"] or "kk",
            roles=chosen if staff else (), permissions=() if staff else chosen,
        )  # fmt: skip
    except OperationFailed as failure:
        forms.user.take(failure, ("username", "email", "language", "permissions", "roles", "administrator"))
        for name in ("permissions", "roles", "administrator"):  # one set of boxes for all three
            if name in forms.user.errors:
                forms.user.add("grant", forms.user.errors.pop(name))
        return render_settings(request, forms, status=400)
    messages.success(request, text("users.added", user=added.get_username()))
    return redirect("cabinet:settings")


@cabinet_page
@require_POST
def user_grant(request: HttpRequest) -> HttpResponse:
    """New permissions (a reseller's user) or roles (registrar staff) for one user of the tenant."""
    user_id = as_id(request.POST.get("user", ""))
    granted = _checked(request)
    try:
        if _is_staff(request.user):
            target = people.set_roles(request.user, user_id, granted)
        else:
            target = people.set_permissions(request.user, user_id, granted)
    except OperationFailed as failure:
        lang = current_language()
        forms = Forms(row_errors={user_id: "; ".join(p.message(lang) for p in failure.problems)})
        return render_settings(request, forms, status=400)
    messages.success(request, text("users.saved", user=target.get_username()))
    return redirect("cabinet:settings")


@cabinet_page
@require_POST
def user_deactivate(request: HttpRequest) -> HttpResponse:
    user_id = as_id(request.POST.get("user", ""))
    try:
        target = people.deactivate(request.user, user_id)
    except OperationFailed as failure:
        lang = current_language()
        forms = Forms(row_errors={user_id: "; ".join(p.message(lang) for p in failure.problems)})
        return render_settings(request, forms, status=400)
    messages.success(request, text("users.deactivated", user=target.get_username()))
    return redirect("cabinet:settings")
