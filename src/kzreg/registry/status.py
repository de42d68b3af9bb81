"""R13 once: the status words a domain shows, and whether DNS delegates it (P2), at a given time.

Every reader goes through here: `Domain.statuses`, the WHOIS record, RDAP (which maps the words to RFC
8056's), the zone export (which runs `DELEGATED_SQL`, the same rule as a WHERE clause) and the staff lists
(`status_q`, the rule as an ORM filter); `tests/registry/test_statuses.py` checks they all agree for every
combination of flags.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db.models import Q

# The flags that combine (R13), in the order they are shown. `registry.models.StatusFlag` has the same values.
FLAGS = ("hold", "suspended", "pending_delete")
# The sponsoring registrar's hold (EPP clientHold): shown and not delegated, like the registry's `hold`.
CLIENT_HOLD = "client_hold"
EXPIRED = "expired"
DELETED = "deleted"
ACTIVE = "active"
WORDS = (ACTIVE, *FLAGS, CLIENT_HOLD, EXPIRED, DELETED)  # every word `domain_statuses` can give


class StatusSource(Protocol):
    """What the rule reads of a domain: a model instance, a read record, or a row bag."""

    @property
    def hold(self) -> bool: ...
    @property
    def suspended(self) -> bool: ...
    @property
    def pending_delete(self) -> bool: ...
    @property
    def client_hold(self) -> bool: ...
    @property
    def expires_at(self) -> dt.datetime: ...
    @property
    def deleted_at(self) -> dt.datetime | None: ...


def domain_statuses(domain: StatusSource, now: dt.datetime) -> list[str]:
    """Status words as users see them: `deleted` alone; else the set flags plus `expired`, or `active`."""
    if domain.deleted_at is not None:
        return [DELETED]
    words = [flag for flag in FLAGS if getattr(domain, flag)]
    if domain.client_hold:
        words.append(CLIENT_HOLD)
    if domain.expires_at <= now:
        words.append(EXPIRED)
    return words or [ACTIVE]


def is_delegated(domain: StatusSource, now: dt.datetime) -> bool:
    """DNS publishes only an active domain: live, no flag, not expired."""
    return domain_statuses(domain, now) == [ACTIVE]


# `is_delegated` as a WHERE clause over a domain table aliased `{d}`; the one parameter is `now`.
DELEGATED_SQL = (
    "{d}.deleted_at IS NULL AND NOT {d}.hold AND NOT {d}.suspended AND NOT {d}.pending_delete "
    "AND NOT {d}.client_hold AND {d}.expires_at > %s"
)


def status_q(word: str, now: dt.datetime) -> Q:
    """The domains whose statuses at `now` include `word`, as an ORM filter (staff lists by status)."""
    if word == DELETED:
        return Q(deleted_at__isnull=False)
    live = Q(deleted_at__isnull=True)
    if word == ACTIVE:
        return live & Q(hold=False, suspended=False, pending_delete=False, client_hold=False, expires_at__gt=now)
    if word == EXPIRED:
        return live & Q(expires_at__lte=now)
    if word in (*FLAGS, CLIENT_HOLD):
        return live & Q(**{word: True})
    raise ValueError(f"not a status word: {word!r} (one of {', '.join(WORDS)})")
