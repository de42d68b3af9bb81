"""Sessions a person can see and end (`/account/sessions/`): each login records its session key, address,
user agent and time (`LoginSession`, from Django's `user_logged_in` signal, so every login form counts:
the back-office's too). Ending one deletes its Django session, so that browser is signed out at its next
request; logging out marks the row ended.
"""

from __future__ import annotations

import ipaddress
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from kzreg.accounts.models import LoginSession, PeopleEvent
from kzreg.core import clock


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def client_address(request: HttpRequest) -> str | None:
    from kzreg.whois.pagelimit import client_address as address

    value = address(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    if key is None:
        return
    LoginSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user, "address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300], "created_at": clock.now(), "ended_at": None,
        },
    )  # fmt: skip


def record_logout(sender, request: HttpRequest | None, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        LoginSession.objects.filter(session_key=key, ended_at=None).update(ended_at=clock.now())


def rekeyed(old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (a password change keeps the browser signed in): the row follows it."""
    if old_key and new_key and old_key != new_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=new_key)


def open_sessions(user) -> list[LoginSession]:
    """The user's sessions that have not ended (those Django has expired are ended on the way)."""
    rows = list(LoginSession.objects.filter(user=user, ended_at=None).order_by("-created_at", "-id"))
    alive = []
    for row in rows:
        if _store(row.session_key).exists(row.session_key):
            alive.append(row)
        else:
            LoginSession.objects.filter(pk=row.pk).update(ended_at=clock.now())
    return alive


def end_session(user, session_id: int, principal: str) -> bool:
    """Ends one of the user's own sessions; False when it is not the user's or already ended."""
    row = LoginSession.objects.filter(pk=session_id, user=user, ended_at=None).first()
    if row is None:
        return False
    _store(row.session_key).delete(row.session_key)
    LoginSession.objects.filter(pk=row.pk).update(ended_at=clock.now())
    PeopleEvent.objects.create(
        at=clock.now(), principal=principal, action="session_ended", target=user.get_username(),
        detail={"address": row.address, "started": row.created_at.isoformat()},
    )  # fmt: skip
    return True


def end_all(user, except_key: str | None = None) -> int:
    """Ends every session of the user (but the one named): a deactivation, a password reset."""
    ended = 0
    for row in LoginSession.objects.filter(user=user, ended_at=None).exclude(session_key=except_key or ""):
        _store(row.session_key).delete(row.session_key)
        ended += 1
    LoginSession.objects.filter(user=user, ended_at=None).exclude(session_key=except_key or "").update(
        ended_at=clock.now()
    )
    return ended
