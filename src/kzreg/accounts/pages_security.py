"""`/account/two-factor/` (enrol with a QR code and a code check; turn off, for non-staff) and
`/account/sessions/` (list the open sessions, end one)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kzreg.accounts import two_factor
from kzreg.accounts.forms_people import CodeForm
from kzreg.accounts.people import record
from kzreg.accounts.problems import AccountsCode
from kzreg.accounts.sessions import end_session, open_sessions
from kzreg.accounts.texts import language
from kzreg.accounts.texts_people import ptext
from kzreg.core.errors import Problem

LOGIN_URL = "/account/login/"
PENDING = "kzreg_totp_pending"  # the session's unconfirmed device id


def _pending(request: HttpRequest) -> TOTPDevice:
    """The device being enrolled in this session, made on first view (a reload keeps its key)."""
    device_id = request.session.get(PENDING)
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first() if device_id else None
    if device is None:
        device = two_factor.start_enrolment(request.user)
        request.session[PENDING] = device.pk
    return device


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, title="TOTP", omitsize=False)


@never_cache
@login_required(login_url=LOGIN_URL)
def two_factor_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = two_factor.device_for(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if device is not None and not two_factor.owed(user):
        context = {"enrolled": True, "form": form, "may_remove": not two_factor.is_staff_person(user)}
        return render(request, "accounts/people/two_factor.html", context)
    pending = _pending(request)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.confirm_enrolment(user, pending.pk, form.cleaned_data["code"])
        if confirmed is not None:
            otp_login(request, confirmed)
            request.session.pop(PENDING, None)
            record(user.get_username(), "totp_enrolled", user.get_username())
            messages.success(request, ptext("tfa.enrolled"))
            return redirect("/account/")
        form.add_error("code", Problem("code", AccountsCode.TOTP_WRONG).message(language()))
    context = {
        "enrolled": False, "form": form, "required": two_factor.required_for(user), "qr": mark_safe(_qr_svg(pending.config_url)),
        "key": _base32(pending.bin_key),
    }  # fmt: skip
    return render(request, "accounts/people/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
@login_required(login_url=LOGIN_URL)
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Non-staff may turn the second factor off, with a current code."""
    user = request.user
    device = two_factor.device_for(user)
    form = CodeForm(request.POST)
    if device is None:
        return redirect("/account/two-factor/")
    if two_factor.is_staff_person(user):
        form.add_error(None, Problem("", AccountsCode.TOTP_REQUIRED).message(language()))
    elif form.is_valid() and two_factor.verify(device, form.cleaned_data["code"]):
        TOTPDevice.objects.filter(user=user).delete()
        record(user.get_username(), "totp_removed", user.get_username())
        messages.success(request, ptext("tfa.removed"))
        return redirect("/account/")
    elif form.is_valid():
        form.add_error("code", Problem("code", AccountsCode.TOTP_WRONG).message(language()))
    context = {"enrolled": True, "form": form, "may_remove": not two_factor.is_staff_person(user)}
    return render(request, "accounts/people/two_factor.html", context, status=400)


@never_cache
@login_required(login_url=LOGIN_URL)
def sessions_page(request: HttpRequest) -> HttpResponse:
    rows = open_sessions(request.user)
    return render(request, "accounts/people/sessions.html", {"rows": rows, "current": request.session.session_key})


@require_POST
@login_required(login_url=LOGIN_URL)
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    if not end_session(request.user, session_id, request.user.get_username()):
        raise Http404(str(session_id))
    messages.success(request, ptext("sessions.ended"))
    return redirect("/account/sessions/")
