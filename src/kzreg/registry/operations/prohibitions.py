"""What the sponsor's client statuses (RFC 5731–5733) and a pending transfer forbid, checked by every
operation they concern.

Client statuses bind the registrars (and the mail channel): registry staff and the system act through
them, as a registry's server-side commands do. `clientHold` is a domain flag (`Domain.client_hold`,
`registry.status` reads it); the prohibitions are EPP words in `client_statuses`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Contact, ContactTransfer, Domain, DomainTransfer, TransferStatus
from kzreg.registry.operations.base import Context

CLIENT_HOLD = "clientHold"
UPDATE = "clientUpdateProhibited"
DELETE = "clientDeleteProhibited"
TRANSFER = "clientTransferProhibited"
RENEW = "clientRenewProhibited"
DOMAIN_STATUSES = (CLIENT_HOLD, UPDATE, DELETE, TRANSFER, RENEW)
CONTACT_STATUSES = (UPDATE, DELETE, TRANSFER)
HOST_STATUSES = (UPDATE, DELETE)
PENDING_TRANSFER = "pendingTransfer"


def clean_status_change(
    ctx: Context, allowed: Sequence[str], current: Iterable[str], add: Sequence[str], remove: Sequence[str]
) -> list[str] | None:
    """The object's client statuses after the change (EPP words, in `allowed`'s order), or None when none
    is asked for. A word outside `allowed`, one added that is set or removed that is not, is a problem."""
    if not add and not remove:
        return None
    by_lower = {word.lower(): word for word in allowed}
    now = set(current)
    result = set(now)
    for field_name, words, adding in (("add_statuses", add, True), ("remove_statuses", remove, False)):
        for i, raw in enumerate(words):
            word = by_lower.get(str(raw).strip().lower())
            where = f"{field_name}[{i}]"
            if word is None:
                ctx.problems.add(where, Code.INVALID_CHOICE, value=raw, choices=", ".join(allowed))
            elif adding and word in now:
                ctx.problems.add(where, Code.STATUS_ALREADY_SET, status=word)
            elif not adding and word not in now:
                ctx.problems.add(where, Code.STATUS_NOT_SET, status=word)
            elif adding:
                result.add(word)
            else:
                result.discard(word)
    return [word for word in allowed if word in result]


def check_not_prohibited(ctx: Context, statuses: Iterable[str], prohibition: str, field_name: str = "name") -> None:
    """Refuses (2304) an action the sponsor's client status forbids, unless registry staff act."""
    if not ctx.actor.is_privileged and prohibition in statuses:
        raise OperationFailed([Problem(field_name, Code.STATUS_PROHIBITS, {"status": prohibition})])


def domain_client_statuses(domain: Domain) -> list[str]:
    """Every client status of a domain as EPP words (clientHold is a flag of its own)."""
    return ([CLIENT_HOLD] if domain.client_hold else []) + list(domain.client_statuses)


def pending_domain_transfer(domain: Domain, lock: bool = False) -> DomainTransfer | None:
    query = DomainTransfer.objects.filter(domain=domain, status=TransferStatus.PENDING)
    if lock:
        query = query.select_for_update()
    return query.select_related("gaining", "losing").first()


def check_no_pending_transfer(ctx: Context, domain: Domain, field_name: str = "name") -> None:
    """While a transfer is pending the losing registrar may not update, delete or renew (2304); staff may."""
    if ctx.actor.is_privileged:
        return
    if DomainTransfer.objects.filter(domain=domain, status=TransferStatus.PENDING).exists():
        raise OperationFailed([Problem(field_name, Code.STATUS_PROHIBITS, {"status": PENDING_TRANSFER})])


def check_domain_allows(ctx: Context, domain: Domain, prohibition: str, removing: Sequence[str] = ()) -> None:
    """The client status `prohibition` (unless this very command removes it) and a pending transfer."""
    if prohibition.lower() not in {str(word).strip().lower() for word in removing}:
        check_not_prohibited(ctx, domain_client_statuses(domain), prohibition)
    check_no_pending_transfer(ctx, domain)


def check_contact_allows(ctx: Context, contact: Contact, prohibition: str, removing: Sequence[str] = ()) -> None:
    """As `check_domain_allows`, for a contact (RFC 5733)."""
    if prohibition.lower() not in {str(word).strip().lower() for word in removing}:
        check_not_prohibited(ctx, contact.client_statuses, prohibition, "handle")
    if ctx.actor.is_privileged:
        return
    if ContactTransfer.objects.filter(contact=contact, status=TransferStatus.PENDING).exists():
        raise OperationFailed([Problem("handle", Code.STATUS_PROHIBITS, {"status": PENDING_TRANSFER})])
