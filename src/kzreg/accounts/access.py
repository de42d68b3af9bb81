"""Who may see what: the checked access functions every staff page goes through (Zulip's `access_*_by_*`).

Requests with their raw mail, confirmations, written authorizations and the outbox belong to the
registry: they carry every registrant's correspondence, including individuals whose data WHOIS redacts
(issue 9 §2). Only registry staff see them. A staff account is registry staff when it is a superuser,
or active `is_staff` with a profile of the registry, or with no profile at all (accounts made by
`createsuperuser` or by registry staff in `/admin/`); a profile tied to a registrar or reseller makes it
another organisation's staff.

What a refused request gets, everywhere (`docs/accounts.md`):
- nobody signed in, an account that is not staff, or registry staff whose second factor is still
  owed → the login page;
- another organisation's staff → 403 with a kk/ru/en message, decided before any row is read, so the
  answer is the same whether the id exists or not;
- an id that does not exist, for registry staff → 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden

from kzreg.accounts import two_factor
from kzreg.accounts.texts import text
from kzreg.notify.models import OutboxMessage
from kzreg.template_mail.models import MailRequest

LOGIN_URL = "/admin/login/"


def is_registry_staff(user) -> bool:
    """The role alone (the second factor is `two_factor.satisfied`)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "staff_profile", None)
    return profile is None or profile.organisation == "registry"


def require_registry_staff(user) -> None:
    """For write paths: raises PermissionDenied unless `user` is registry staff past its second factor."""
    if not (is_registry_staff(user) and two_factor.satisfied(user)):
        raise PermissionDenied(text("forbidden"))


def registry_staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorates a staff page: the login page, a 403, or the page, by the rules in this module's doc."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        if not is_registry_staff(user):
            return HttpResponseForbidden(text("forbidden"), content_type="text/plain; charset=utf-8")
        if not two_factor.satisfied(user):
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        return view(request, *args, **kwargs)

    return page


def access_mail_request_by_tracking(user, tracking: str) -> MailRequest:
    require_registry_staff(user)
    row = MailRequest.objects.filter(tracking=tracking).first()
    if row is None:
        raise Http404(tracking)
    return row


def access_outbox_message_by_id(user, pk: int) -> OutboxMessage:
    require_registry_staff(user)
    row = OutboxMessage.objects.filter(pk=pk).first()
    if row is None:
        raise Http404(str(pk))
    return row
