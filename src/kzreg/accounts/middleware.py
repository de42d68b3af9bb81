"""`TwoFactorOwed`: a signed-in registry or registrar staff session without its second factor (codes
required, no device yet) may only enrol, or sign out: every other page sends it to `/account/two-factor/`.
The back-office has its own guard; the API authenticates by token, not by this session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from kzreg.accounts import two_factor

ALLOWED = ("/account/two-factor/", "/account/logout/", "/account/login/", "/static/", "/admin/", "/api/")


class TwoFactorOwed:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED)
            and two_factor.owed(user)
        ):
            return HttpResponseRedirect("/account/two-factor/")
        return self.get_response(request)
