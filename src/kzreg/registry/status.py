"""R13 once: the status words a domain shows, and whether DNS delegates it (P2), at a given time.

Every reader goes through here: `Domain.statuses`, the WHOIS record, RDAP (which maps the words to RFC
8056's), the zone export (which runs `DELEGATED_SQL`, the same rule as a WHERE clause) and the staff lists
(`status_q`, the rule as an ORM filter); `tests/registry/test_statuses.py` checks they all agree for every
combination of flags.

`pending_transfer` (a registrar transfer waiting for its decision, R15) is shown as EPP info shows it: it
stands in for `active` (RFC 5731: `ok` combines with no other status) and does not stop the delegation. It
is not a column of the domain: the read records and views carry it, read with the domain
(`PENDING_TRANSFER_SQL`), as does a model instance whose query was annotated (`with_pending_transfer`);
a model instance read without it asks the transfer table once.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

M = TypeVar("M", bound=Model)

# The flags that combine (R13), in the order they are shown. `registry.models.StatusFlag` has the same values.
FLAGS = ("hold", "suspended", "pending_delete")
# The sponsoring registrar's hold (EPP clientHold): shown and not delegated, like the registry's `hold`.
CLIENT_HOLD = "client_hold"
PENDING_TRANSFER = "pending_transfer"
EXPIRED = "expired"
DELETED = "deleted"
ACTIVE = "active"
WORDS = (ACTIVE, *FLAGS, CLIENT_HOLD, PENDING_TRANSFER, EXPIRED, DELETED)  # every word `domain_statuses` gives
TRANSFER_PENDING = "pending"  # `models.TransferStatus.PENDING`, whose partial index the reads below use
# Words that leave a domain delegated.
DELEGATED_WORDS = frozenset((ACTIVE, PENDING_TRANSFER))


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
    """Status words as users see them: `deleted` alone; else the set flags, `pending_transfer` and
    `expired`, or `active`."""
    if domain.deleted_at is not None:
        return [DELETED]
    words = [flag for flag in FLAGS if getattr(domain, flag)]
    if domain.client_hold:
        words.append(CLIENT_HOLD)
    if _pending_transfer(domain):
        words.append(PENDING_TRANSFER)
    if domain.expires_at <= now:
        words.append(EXPIRED)
    return words or [ACTIVE]


def _pending_transfer(domain: StatusSource) -> bool:
    known = getattr(domain, PENDING_TRANSFER, None)
    if known is not None:
        return bool(known)
    if isinstance(domain, Model) and domain.pk is not None:  # a `Domain` (the models import this module)
        pending = domain.transfers.filter(status=TRANSFER_PENDING).exists()  # type: ignore[attr-defined]
        domain.pending_transfer = pending  # type: ignore[attr-defined]  # asked once per instance
        return bool(pending)
    return False


def is_delegated(domain: StatusSource, now: dt.datetime) -> bool:
    """DNS publishes only an active domain: live, no flag, not expired (a pending transfer changes nothing)."""
    return DELEGATED_WORDS.issuperset(domain_statuses(domain, now))


# Whether a domain table aliased `{d}` has a pending transfer, as an SQL expression (the one pending
# transfer a domain can have: `one_pending_transfer_per_domain`, whose partial index answers it).
PENDING_TRANSFER_SQL = (
    f"EXISTS (SELECT 1 FROM registry_domaintransfer t WHERE t.domain_id = {{d}}.id AND t.status = '{TRANSFER_PENDING}')"
)


def with_pending_transfer(query: QuerySet[M]) -> QuerySet[M]:
    """Domains annotated with `pending_transfer`, so `domain_statuses` shows it for model instances too."""
    transfers = query.model._meta.get_field("transfers").related_model  # DomainTransfer
    pending = transfers._default_manager.filter(domain=OuterRef("pk"), status=TRANSFER_PENDING)  # type: ignore[union-attr]
    return query.annotate(**{PENDING_TRANSFER: Exists(pending)})


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
    pending = Q(transfers__status=TRANSFER_PENDING)  # at most one row per domain: no duplicates
    if word == ACTIVE:
        flags = Q(hold=False, suspended=False, pending_delete=False, client_hold=False, expires_at__gt=now)
        return live & flags & ~pending
    if word == PENDING_TRANSFER:
        return live & pending
    if word == EXPIRED:
        return live & Q(expires_at__lte=now)
    if word in (*FLAGS, CLIENT_HOLD):
        return live & Q(**{word: True})
    raise ValueError(f"not a status word: {word!r} (one of {', '.join(WORDS)})")
