"""Registrar staff manage their resellers (S1, S8, PS-1.1, PS-8): create one, change its contract data,
suspend or reactivate it (an inactive reseller places no orders: `registrar.actions` refuses them), put
it in a wholesale price group (`billing.price_lists.assign_group`).

Only registrar staff with the administration role (`accounts.roles`) act, on their own registrar's
resellers; the CLI acts as `cli:<login>` for any registrar. Every change writes an append-only
`ResellerEvent` (who, when, each changed field before and after) in the change's own transaction, and a
bad value is an `OperationFailed` whose problems name the field (kk/ru/en).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from kzreg.accounts.roles import RegistrarRole, profile_of
from kzreg.accounts.texts import language
from kzreg.billing.models import ResellerGroup, ResellerGroupMember
from kzreg.billing.price_lists import assign_group
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.resellers.models import Reseller, ResellerEvent
from kzreg.resellers.problems import ResellerCode

CONTRACT_FIELDS = ("name", "legal_name", "bin", "email", "phone", "website", "contract_number",
                   "contract_signed_at", "contract_ends_at")  # fmt: skip
CREATE_FIELDS = ("handle", *CONTRACT_FIELDS)
REQUIRED = ("handle", "name", "legal_name", "email")
LIMITS = {"handle": 32, "name": 200, "legal_name": 255, "bin": 12, "email": 254, "phone": 40, "website": 200,
          "contract_number": 40}  # fmt: skip
DATES = ("contract_signed_at", "contract_ends_at")
HANDLE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,38}$")


@dataclass(frozen=True)
class Actor:
    """Who changes resellers: `principal` goes into each event; `registrar_id` None is the CLI (any)."""

    principal: str
    registrar_id: int | None


class AdministrationOnly(PermissionDenied):
    """PermissionDenied for anyone but registrar staff with the administration role (kk/ru/en)."""

    def __init__(self) -> None:
        self.messages = {lang: ResellerCode.ADMINISTRATION_ONLY.template(lang) for lang in ("kk", "ru", "en")}
        super().__init__(self.messages[language()])


def staff_actor(user: Any) -> Actor:
    """The user as an actor, if it is registrar staff with the administration role; else 403."""
    profile = profile_of(user)
    if (
        profile is None
        or profile.organisation != "registrar"
        or RegistrarRole.ADMINISTRATION not in (profile.roles or [])
    ):
        raise AdministrationOnly()
    return Actor(user.get_username(), profile.registrar_id)


def may_manage(user: Any) -> bool:
    try:
        staff_actor(user)
    except AdministrationOnly:
        return False
    return True


def find_reseller(actor: Actor, key: str | int) -> Reseller:
    """The reseller by id or handle, among the actor's registrar's; `OperationFailed` (not found) else."""
    rows = (
        Reseller.objects.all()
        if actor.registrar_id is None
        else Reseller.objects.filter(registrar_id=actor.registrar_id)
    )
    text = str(key).strip()
    found = rows.filter(pk=int(text)).first() if text.isdigit() else rows.filter(handle=text.upper()).first()
    if found is None:
        raise OperationFailed([Problem("reseller", Code.NOT_FOUND, {"kind": "reseller", "key": text})])
    return found


def events_of(reseller: Reseller) -> QuerySet[ResellerEvent]:
    return reseller.events.all()


def _clean(values: Mapping[str, Any], names: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
    """The typed values (strings, dates for the dates), or `OperationFailed` naming every bad field."""
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in names:
        raw = values.get(name)
        value: Any = raw if isinstance(raw, dt.date) else str(raw or "").strip()
        if name in required and not value:
            problems.append(Problem(name, Code.REQUIRED))
            continue
        if isinstance(value, str) and name in LIMITS and len(value) > LIMITS[name]:
            problems.append(Problem(name, Code.TOO_LONG, {"limit": LIMITS[name]}))
            continue
        problem = _check(name, value)
        if problem is not None:
            problems.append(problem)
            continue
        if name in DATES:
            value = dt.date.fromisoformat(value) if isinstance(value, str) and value else (value or None)
        cleaned[name] = value.upper() if name == "handle" else value
    signed, ends = cleaned.get("contract_signed_at"), cleaned.get("contract_ends_at")
    if signed and ends and ends <= signed:
        problems.append(Problem("contract_ends_at", ResellerCode.DATES_ORDER))
    if problems:
        raise OperationFailed(problems)
    return cleaned


def _check(name: str, value: Any) -> Problem | None:
    if not value or isinstance(value, dt.date):
        return None
    if name == "handle" and not HANDLE.match(value.upper()):
        return Problem(name, Code.INVALID, {"value": value})
    if name == "bin" and not (value.isdigit() and len(value) == 12):
        return Problem(name, ResellerCode.BIN_FORMAT, {"value": value})
    if name == "phone" and not PHONE.match(value):
        return Problem(name, Code.INVALID_PHONE, {"value": value})
    try:
        if name == "email":
            validate_email(value)
        elif name == "website":
            URLValidator(schemes=["http", "https"])(value)
        elif name in DATES:
            dt.date.fromisoformat(value)
    except ValidationError:
        return Problem(name, Code.INVALID_EMAIL if name == "email" else Code.INVALID, {"value": value})
    except ValueError:
        return Problem(name, ResellerCode.DATE_FORMAT, {"value": value})
    return None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _record(actor: Actor, reseller: Reseller, action: str, changes: dict[str, list[Any]]) -> ResellerEvent:
    return ResellerEvent.objects.create(reseller=reseller, at=clock.now(), principal=actor.principal,
                                        action=action, changes=changes)  # fmt: skip


def _locked(actor: Actor, reseller: Reseller) -> Reseller:
    """The reseller's row, locked for the change (a concurrent change waits); another registrar's: not found."""
    if actor.registrar_id is not None and reseller.registrar_id != actor.registrar_id:
        raise OperationFailed([Problem("reseller", Code.NOT_FOUND, {"kind": "reseller", "key": reseller.pk})])
    return Reseller.objects.select_for_update().get(pk=reseller.pk)


def create_reseller(actor: Actor, registrar_id: int, values: Mapping[str, Any]) -> Reseller:
    """A new active reseller of the registrar (staff: their own registrar only)."""
    if actor.registrar_id is not None and registrar_id != actor.registrar_id:
        raise AdministrationOnly()
    cleaned = _clean(values, CREATE_FIELDS, REQUIRED)
    taken = OperationFailed([Problem("handle", ResellerCode.HANDLE_TAKEN, {"value": cleaned["handle"]})])
    with transaction.atomic():
        if Reseller.objects.filter(handle=cleaned["handle"]).exists():
            raise taken
        try:
            with transaction.atomic():  # two staff creating the same handle at once: the second is told
                reseller = Reseller.objects.create(registrar_id=registrar_id, created_at=clock.now(), active=True,
                                                   **cleaned)  # fmt: skip
        except IntegrityError:
            raise taken from None
        changes = {name: [None, _plain(value)] for name, value in cleaned.items() if value not in ("", None)}
        _record(actor, reseller, "created", changes)
    return reseller


def change_contract(actor: Actor, reseller: Reseller, values: Mapping[str, Any]) -> Reseller:
    """New contract data (names, BIN, contacts, contract number and dates); only the fields given change.
    Nothing changed writes no event."""
    names = tuple(name for name in CONTRACT_FIELDS if name in values)
    cleaned = _clean(values, names, tuple(n for n in REQUIRED if n in names))
    with transaction.atomic():
        row = _locked(actor, reseller)
        signed, ends = (cleaned.get(name, getattr(row, name)) for name in DATES)
        if signed and ends and ends <= signed:
            raise OperationFailed([Problem("contract_ends_at", ResellerCode.DATES_ORDER)])
        changes = {name: [_plain(getattr(row, name)), _plain(value)] for name, value in cleaned.items()
                   if (getattr(row, name) or None) != (value or None)}  # fmt: skip
        if changes:
            for name in changes:
                setattr(row, name, cleaned[name])
            row.save(update_fields=list(changes))
            _record(actor, row, "contract", changes)
    return row


def set_active(actor: Actor, reseller: Reseller, active: bool) -> Reseller:
    """Suspends (False) or reactivates (True) the reseller; an inactive one places no orders (S8)."""
    with transaction.atomic():
        row = _locked(actor, reseller)
        if row.active == active:
            code = ResellerCode.ALREADY_ACTIVE if active else ResellerCode.ALREADY_SUSPENDED
            raise OperationFailed([Problem("active", code)])
        row.active = active
        row.save(update_fields=["active"])
        _record(actor, row, "reactivated" if active else "suspended", {"active": [not active, active]})
    return row


def price_group_of(reseller: Reseller) -> ResellerGroup | None:
    member = ResellerGroupMember.objects.filter(reseller_id=reseller.pk).select_related("group").first()
    return member.group if member else None


def set_price_group(actor: Actor, reseller: Reseller, group_name: str) -> Reseller:
    """Puts the reseller in its registrar's wholesale price group by name ("" takes it out of any)."""
    name = (group_name or "").strip()
    with transaction.atomic():
        row = _locked(actor, reseller)
        group = None
        if name:
            group = ResellerGroup.objects.filter(registrar_id=row.registrar_id, name=name).first()
            if group is None:
                raise OperationFailed([Problem("group", ResellerCode.GROUP_UNKNOWN, {"value": name})])
        before = price_group_of(row)
        if (before.pk if before else None) != (group.pk if group else None):
            assign_group(row, group, clock.now())
            _record(actor, row, "price_group", {"group": [before.name if before else "", name]})
    return row


def group_names(registrar_id: int) -> list[str]:
    return list(ResellerGroup.objects.filter(registrar_id=registrar_id).order_by("name").values_list("name", flat=True))
