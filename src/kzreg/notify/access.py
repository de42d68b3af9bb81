"""Who may read the outbox: registry staff only (it holds every registrant's mail, C4 confidentiality).

A logged-in `is_staff` user is registry staff unless their profile ties them to a registrar or reseller
(another tenant); superusers always pass.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from kzreg.notify.labels import LABELS, current_language

LOGIN_URL = "/admin/login/"


def is_registry_staff(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "staff_profile", None)
    return profile is None or profile.organisation == "registry"


def refuse(request: HttpRequest) -> HttpResponse | None:
    """None when the request may read the outbox; otherwise the login redirect or a 403 page."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    if not is_registry_staff(user):
        return HttpResponseForbidden(LABELS["forbidden"][current_language()], content_type="text/plain; charset=utf-8")
    return None
