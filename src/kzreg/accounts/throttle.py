"""Failed logins pause further tries, per account and per address (django-axes), on every login form.

`KZREG_LOGIN_FAILURES` (5) failures for one account from anywhere, or from one address for any
accounts, pause logins for that account or address for `KZREG_LOGIN_COOLOFF_MINUTES` (15) after the last
counted failure; while paused even the right password is refused, and tries are not counted, so the
pause does not grow. Every refused login counts: a wrong password, and a right password with a wrong
or missing code or for an account that may not use the form (so the count says nothing about which
part was wrong).

The trade-off: anyone who knows a staff username can keep that account paused by failing on purpose.
The pause is short, the counter per address stops one address from doing it for long, and
`kzreg user unlock NAME` lifts a pause at once. Addresses are `REMOTE_ADDR`: behind a reverse proxy,
see `docs/accounts.md`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse

from kzreg.accounts.texts import text
from kzreg.core import clock

log = logging.getLogger("kzreg.accounts.login")


class AttemptClock:
    """Middleware: login attempts are timed by kzreg's clock, so tests move time instead of sleeping.

    (django-axes reads the attempt time from the request; it is set here before any form authenticates.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            AxesProxyHandler.update_request(request)
            request.axes_attempt_time = clock.now()  # type: ignore[attr-defined]
        return self.get_response(request)


def minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def count_failure(request: HttpRequest | None, username: str) -> None:
    """A refusal after the password was right (wrong code, not allowed here) counts like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def lockout_response(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`: the login page the view rendered (its form already says why), as 429."""
    if response is None:
        response = HttpResponse(text("locked", minutes=minutes()), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    return response


def unlock(username: str | None = None, address: str | None = None) -> int:
    """Forgets the counted failures of an account and/or an address; returns how many records went."""
    if not (username or address):
        raise ValueError("unlock: give an account or an address")
    return AxesProxyHandler.reset_attempts(username=username, ip_address=address)


def log_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is None:
        return
    account = str(credentials.get("username") or "")[:150]
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        log.warning("login refused while paused: account %r from %s on %s", account, address, request.path)
    else:
        limit = settings.AXES_FAILURE_LIMIT
        log.warning(
            "login failed: account %r from %s on %s (%s of %s)", account, address, request.path, failures, limit
        )


def log_lockout(sender, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs) -> None:
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # a try while already paused: log_failure says so
    log.warning(
        "login paused for %d min: account %r or address %s reached %s failures",
        minutes(), str(username or "")[:150], ip_address, settings.AXES_FAILURE_LIMIT,
    )  # fmt: skip
