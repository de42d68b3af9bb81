"""The one wrapper every cabinet page has: signed in, or the login page; what the access functions refuse
becomes the cabinet's own 403 or 404 page, in the user's language.

Pages decide nothing themselves: `registrar.access` says what a user may see (another tenant's id and an
id that does not exist are the same 404), `accounts.roles` what they may do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.cabinet.texts import text

Page = Callable[..., HttpResponse]


def cabinet_page(view: Page) -> Page:
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            context = {"title": text("frame.not_found"), "detail": text("frame.not_found_hint")}
            return render(request, "cabinet/pages/refused.html", context, status=404)
        except PermissionDenied as denied:
            context = {"title": text("frame.forbidden"), "detail": str(denied) or text("frame.forbidden_hint")}
            return render(request, "cabinet/pages/refused.html", context, status=403)

    return guarded
