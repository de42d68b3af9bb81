"""`/account/`: sign in and out, the account's page, password change and reset (docs/accounts.md).

Plain pages extending the cabinet's frame (`cabinet/base.html`). A login sets the language cookie to the
user's language, so the pages (and the cabinet) speak it from then on.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kzreg.accounts import passwords, two_factor
from kzreg.accounts.forms_people import (
    PeopleLoginForm,
    PeoplePasswordChangeForm,
    PeopleSetPasswordForm,
    ResetRequestForm,
)
from kzreg.accounts.models import RegistrantLink
from kzreg.accounts.people import record
from kzreg.accounts.roles import permissions_of
from kzreg.accounts.sessions import end_all, rekeyed
from kzreg.accounts.texts_people import ptext

LOGIN_URL = "/account/login/"
HOME_URL = "/account/"


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if wanted and safe else HOME_URL


def _with_language(response: HttpResponse, user) -> HttpResponse:
    language = passwords.language_of(user)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)  # fmt: skip
    return response


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def login_page(request: HttpRequest) -> HttpResponse:
    form = PeopleLoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth.login(request, user)
        target = "/account/two-factor/" if two_factor.owed(user) else _next(request)
        return _with_language(HttpResponseRedirect(target), user)
    return render(request, "accounts/people/login.html", {"form": form, "next": _next(request)})


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect(LOGIN_URL)


def _organisation(user) -> str:
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return ptext("org.registry") if user.is_staff else ""
    if profile.organisation == "reseller" and profile.reseller is not None:
        words = ptext("org.reseller", name=profile.reseller.name)
        return f"{words}, {ptext('org.administrator')}" if profile.administrator else words
    if profile.organisation == "registrar" and profile.registrar is not None:
        return ptext("org.registrar", name=profile.registrar.handle)
    return ptext(f"org.{profile.organisation}")


@login_required(login_url=LOGIN_URL)
def home_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = getattr(user, "staff_profile", None)
    context = {
        "organisation": _organisation(user),
        "permissions": sorted(p.value for p in permissions_of(user)),
        "roles": list(getattr(profile, "roles", None) or []),
        "customers": [
            link.customer
            for link in RegistrantLink.objects.filter(user_id=int(user.pk or 0)).select_related(
                "customer", "customer__reseller"
            )
        ],
        "has_device": two_factor.device_for(user) is not None,
    }
    return render(request, "accounts/people/home.html", context)


@sensitive_post_parameters()
@login_required(login_url=LOGIN_URL)
def password_change_page(request: HttpRequest) -> HttpResponse:
    form = PeoplePasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        old_key = request.session.session_key
        auth.update_session_auth_hash(request, user)  # a new session key: this browser stays signed in
        rekeyed(old_key, request.session.session_key)
        ended = end_all(user, except_key=request.session.session_key)
        record(user.get_username(), "password_changed", user.get_username(), sessions_ended=ended)
        messages.success(request, ptext("password.changed"))
        return redirect(HOME_URL)
    return render(request, "accounts/people/password_change.html", {"form": form})


@csrf_protect
def password_reset_page(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        passwords.request_reset(form.cleaned_data["login"])
        return render(request, "accounts/people/password_reset.html", {"form": None, "sent": True})
    return render(request, "accounts/people/password_reset.html", {"form": form, "sent": False})


@sensitive_post_parameters()
@never_cache
def password_reset_confirm_page(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = passwords.user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/people/password_reset_confirm.html", {"form": None}, status=400)
    form = PeopleSetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        ended = end_all(user)
        record(user.get_username(), "password_reset", user.get_username(), sessions_ended=ended)
        messages.success(request, ptext("reset.done"))
        return redirect(LOGIN_URL)
    return render(request, "accounts/people/password_reset_confirm.html", {"form": form})
