"""Who sponsors what (EPP clID, SPEC E2): the registry's one answer for every channel.

A registrar (and a reseller, which acts through its registrar) changes only the domains, contacts and
hosts its registrar sponsors, names another registrar's contact in its domains only with that contact's
authorization code, and acts at all only while its registrar is active. Registry staff and the system act
on everything; the mail channel keeps its own rule (the contacts' security schemes, T9).

Registrars are read through a short cache, as every registration names one: a suspension made in another
process is seen within `REGISTRAR_CACHE_SECONDS`, one made in this process at once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import TYPE_CHECKING

from django.db.models.signals import post_delete, post_save

from kzreg.core.actor import Actor, Role
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry import rows
from kzreg.registry.models import Contact, Domain, Registrar, RegistrarStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

SPONSOR_BOUND = (Role.REGISTRAR, Role.RESELLER)  # actors that act only for their own registrar
AUTH_CODE_LENGTH = (8, 64)
REGISTRAR_CACHE_SECONDS = 30.0
_registrars: dict[str, tuple[float, Registrar]] = {}


def _forget_registrars(**_: object) -> None:
    _registrars.clear()


post_save.connect(_forget_registrars, sender=Registrar, dispatch_uid="forget-registrars-save")
post_delete.connect(_forget_registrars, sender=Registrar, dispatch_uid="forget-registrars-delete")


def _cached_registrar(cache_key: str, where: str, param: object) -> Registrar | None:
    hit = _registrars.get(cache_key)
    if hit is not None and time.monotonic() - hit[0] < REGISTRAR_CACHE_SECONDS:
        return hit[1]
    found = rows.select(Registrar, rows.all_columns(Registrar), where, [param])
    if found:
        _registrars[cache_key] = (time.monotonic(), found[0])
    return found[0] if found else None


def registrar_by_handle(handle: str) -> Registrar | None:
    return _cached_registrar(handle.upper(), "handle = %s", handle.upper())


def registrar_by_id(registrar_id: int) -> Registrar | None:
    return _cached_registrar(f"#{registrar_id}", "id = %s", registrar_id)


def is_sponsor_bound(actor: Actor) -> bool:
    return actor.role in SPONSOR_BOUND


def require_active_registrar(actor: Actor) -> None:
    """A registrar's or reseller's request is refused while its registrar is suspended (or unknown)."""
    if not is_sponsor_bound(actor):
        return
    registrar = registrar_by_id(actor.registrar_id) if actor.registrar_id is not None else None
    if registrar is None or registrar.status != RegistrarStatus.ACTIVE:
        key = registrar.handle if registrar is not None else str(actor.registrar_id)
        raise OperationFailed([Problem("registrar", Code.REGISTRAR_SUSPENDED, {"key": key})])


def check_sponsor(actor: Actor, sponsor_id: int | None, kind: str, key: str, field_name: str) -> None:
    """Refuses a registrar or reseller acting on an object its registrar does not sponsor."""
    if is_sponsor_bound(actor) and sponsor_id != actor.registrar_id:
        raise OperationFailed([Problem(field_name, Code.NOT_SPONSOR, {"kind": kind, "key": key})])


def may_use_contact(actor: Actor, contact: Contact, auth_codes: Mapping[str, str]) -> bool:
    """A registrar names its own contacts freely, another's with that contact's authorization code."""
    if not is_sponsor_bound(actor) or contact.registrar_id == actor.registrar_id:
        return True
    given = auth_codes.get(contact.handle) or auth_codes.get(contact.handle.lower()) or ""
    return auth_code_matches(given, contact.auth_code)


def auth_code_matches(given: str, stored: str) -> bool:
    """Constant-time; an empty stored code (objects from before codes existed) matches nothing."""
    return bool(stored) and hmac.compare_digest(given.encode(), stored.encode())


def contact_auth_code(actor: Actor, contact: Contact) -> str:
    """The authorization code, for the contact's sponsor and registry staff only (never a registrant's)."""
    if actor.is_privileged or (is_sponsor_bound(actor) and contact.registrar_id == actor.registrar_id):
        return contact.auth_code
    raise OperationFailed([Problem("handle", Code.NOT_SPONSOR, {"kind": "contact", "key": contact.handle})])


def domain_auth_code(actor: Actor, domain: Domain) -> str:
    """The domain's authorization code, for its sponsor and registry staff only (EPP info, transfers)."""
    if actor.is_privileged or (is_sponsor_bound(actor) and domain.registrar_id == actor.registrar_id):
        return domain.auth_code
    raise OperationFailed([Problem("name", Code.NOT_SPONSOR, {"kind": "domain", "key": domain.unicode_name})])


def new_auth_code() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 random bits


def auth_code_problem(value: str, field_name: str = "auth_code") -> Problem | None:
    low, high = AUTH_CODE_LENGTH
    if not low <= len(value) <= high or not value.isprintable() or any(ch.isspace() for ch in value):
        return Problem(field_name, Code.AUTH_CODE_FORMAT, {"min": low, "max": high})
    return None
