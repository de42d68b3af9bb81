"""Adding people to one's own organisation, granting permissions, deactivating: what the API, the cabinet
and `kzreg user …` call. Every change is a `PeopleEvent` (the audit) and every refusal an
`OperationFailed` with kk/ru/en problems; another tenant's user is not found (`registrar.access`).

Rules (issue 12 §People and permissions):
- adding a user to one's organisation needs Permission.USERS (a reseller's administrator has it);
- nobody grants a permission it does not have, and only an administrator makes or changes one;
- registrar staff get roles (`roles.RegistrarRole`), resellers' users permissions;
- a new user gets no password: the mail that says it was added carries a link to set one
  (`passwords.send_reset`), in its language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from kzreg.accounts.models import PeopleEvent, RegistrantLink, StaffProfile
from kzreg.accounts.personal_data import data_access_report
from kzreg.accounts.problems import AccountsCode
from kzreg.accounts.roles import ROLE_PERMISSIONS, Permission, RegistrarRole, permissions_of, profile_of, require
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

__all__ = [
    "add_user", "create_person", "data_access_report", "deactivate", "link_registrant", "record", "set_permissions",
    "set_roles",
]  # fmt: skip

USERNAME = re.compile(r"^[\w.@+-]{3,150}$")
LANGUAGES = ("kk", "ru", "en")


def record(principal: str, action: str, target: str = "", **detail: Any) -> PeopleEvent:
    return PeopleEvent.objects.create(at=clock.now(), principal=principal, action=action, target=target,
                                      detail=detail)  # fmt: skip


def parse_permissions(values: Iterable[str], field: str = "permissions") -> tuple[list[Permission], list[Problem]]:
    known, problems = [], []
    choices = ", ".join(p.value for p in Permission)
    for value in values:
        if value in Permission.__members__.values():
            known.append(Permission(value))
        else:
            problems.append(Problem(field, AccountsCode.PERMISSION_UNKNOWN, {"value": value, "choices": choices}))
    return sorted(set(known), key=list(Permission).index), problems


def parse_roles(values: Iterable[str]) -> tuple[list[RegistrarRole], list[Problem]]:
    known, problems = [], []
    choices = ", ".join(r.value for r in RegistrarRole)
    for value in values:
        if value in RegistrarRole.__members__.values():
            known.append(RegistrarRole(value))
        else:
            problems.append(Problem("roles", AccountsCode.ROLE_UNKNOWN, {"value": value, "choices": choices}))
    return sorted(set(known), key=list(RegistrarRole).index), problems


def _person_problems(username: str, email: str, language: str) -> list[Problem]:
    problems = []
    if not USERNAME.match(username or ""):
        problems.append(Problem("username", AccountsCode.USERNAME_INVALID, {"value": username}))
    elif get_user_model().objects.filter(username__iexact=username).exists():
        problems.append(Problem("username", AccountsCode.USERNAME_TAKEN, {"value": username}))
    if not (email or "").strip():
        problems.append(Problem("email", Code.REQUIRED))
    else:
        try:
            validate_email(email.strip())
        except ValidationError:
            problems.append(Problem("email", Code.INVALID_EMAIL, {"value": email}))
    if language not in LANGUAGES:
        problems.append(Problem("language", Code.INVALID_CHOICE, {"value": language, "choices": "kk, ru, en"}))
    return problems


def create_person(
    principal: str, *, username: str, email: str, organisation: str, language: str = "kk", registrar: Any = None,
    reseller: Any = None, administrator: bool = False, permissions: Iterable[str] = (), roles: Iterable[str] = (),
    password: str | None = None, problems: list[Problem] | None = None,
) -> Any:  # fmt: skip
    """A user with its profile, unchecked against any granter (the CLI on the server, the demo, `add_user`
    after its own checks). Registry and registrar staff get `is_staff`; nobody else does."""
    granted, wrong = parse_permissions(permissions)
    role_list, wrong_roles = parse_roles(roles)
    problems = [*(problems or []), *_person_problems(username, email, language), *wrong, *wrong_roles]
    if problems:
        raise OperationFailed(problems)
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username, email.strip(), password, is_staff=organisation in ("registry", "registrar")
        )
        StaffProfile.objects.create(
            user=user, organisation=organisation, registrar=registrar, reseller=reseller, language=language,
            administrator=administrator, permissions=[p.value for p in granted], roles=[r.value for r in role_list],
        )  # fmt: skip
        record(principal, "user_added", username, organisation=organisation, administrator=administrator,
               permissions=[p.value for p in granted], roles=[r.value for r in role_list],
               reseller=getattr(reseller, "handle", ""), registrar=getattr(registrar, "handle", ""))  # fmt: skip
    return user


def _exceeding(granter: Any, wanted: Iterable[Permission]) -> list[Problem]:
    have = permissions_of(granter)
    return [
        Problem("permissions", AccountsCode.PERMISSION_EXCEEDS, {"value": p.value}) for p in wanted if p not in have
    ]


def add_user(
    granter: Any, *, username: str, email: str, language: str = "kk", permissions: Iterable[str] = (),
    roles: Iterable[str] = (), administrator: bool = False, send_mail: bool = True,
) -> Any:  # fmt: skip
    """A new user of the granter's own organisation (a reseller's user, or registrar staff with roles)."""
    require(granter, Permission.USERS)
    profile = profile_of(granter)
    granted, problems = parse_permissions(permissions)
    if profile.organisation == "reseller":
        if roles:
            problems.append(Problem("roles", AccountsCode.WRONG_TENANT))
        if administrator and not profile.administrator:
            problems.append(Problem("administrator", AccountsCode.ADMINISTRATOR_ONLY))
        problems += _exceeding(granter, Permission if administrator else granted)
        registrar, reseller = profile.reseller.registrar, profile.reseller
    elif profile.organisation == "registrar":
        if permissions or administrator:
            problems.append(Problem("permissions", AccountsCode.WRONG_TENANT))
        role_list, _ = parse_roles(roles)
        problems += _exceeding(granter, {p for r in role_list for p in ROLE_PERMISSIONS[r]})
        registrar, reseller = profile.registrar, None
    else:
        raise OperationFailed([Problem("", AccountsCode.WRONG_TENANT)])
    user = create_person(
        granter.get_username(), username=username, email=email, organisation=profile.organisation,
        language=language, registrar=registrar, reseller=reseller, administrator=administrator,
        permissions=[p.value for p in granted] if not administrator else (), roles=roles, problems=problems,
    )  # fmt: skip
    if send_mail:
        from kzreg.accounts.passwords import send_reset

        send_reset(user, welcome=True)
    return user


def _target(granter: Any, user_id: int) -> Any:
    from kzreg.registrar.access import access_user_by_id

    return access_user_by_id(granter, user_id)


def set_permissions(granter: Any, user_id: int, permissions: Iterable[str]) -> Any:
    """Replaces a reseller user's permissions; never more than the granter has, an administrator's only
    by an administrator (and then the user stops being one)."""
    target = _target(granter, user_id)
    granted, problems = parse_permissions(permissions)
    mine, theirs = profile_of(granter), target.staff_profile
    if theirs.organisation != "reseller":
        problems.append(Problem("permissions", AccountsCode.WRONG_TENANT))
    if theirs.administrator and not mine.administrator:
        problems.append(Problem("permissions", AccountsCode.ADMINISTRATOR_ONLY))
    problems += _exceeding(granter, granted)
    if problems:
        raise OperationFailed(problems)
    before = sorted(permissions_of(target))
    theirs.permissions, theirs.administrator = [p.value for p in granted], False
    theirs.save(update_fields=["permissions", "administrator"])
    record(granter.get_username(), "permissions_set", target.get_username(), before=before,
           after=[p.value for p in granted])  # fmt: skip
    return target


def set_roles(granter: Any, user_id: int, roles: Iterable[str]) -> Any:
    """Replaces a registrar staff member's roles; never a role that gives more than the granter has."""
    target = _target(granter, user_id)
    role_list, problems = parse_roles(roles)
    if target.staff_profile.organisation != "registrar":
        problems.append(Problem("roles", AccountsCode.WRONG_TENANT))
    problems += _exceeding(granter, {p for r in role_list for p in ROLE_PERMISSIONS[r]})
    if problems:
        raise OperationFailed(problems)
    before = list(target.staff_profile.roles)
    target.staff_profile.roles = [r.value for r in role_list]
    target.staff_profile.save(update_fields=["roles"])
    record(granter.get_username(), "roles_set", target.get_username(), before=before,
           after=[r.value for r in role_list])  # fmt: skip
    return target


def deactivate(granter: Any, user_id: int) -> Any:
    """Signs the user out everywhere and keeps it out; its rows and history stay."""
    from kzreg.accounts.sessions import end_all

    target = _target(granter, user_id)
    if target.pk == granter.pk:
        raise OperationFailed([Problem("user", AccountsCode.NOT_YOURSELF)])
    if target.staff_profile.administrator and not profile_of(granter).administrator:
        raise OperationFailed([Problem("user", AccountsCode.ADMINISTRATOR_ONLY)])
    target.is_active = False
    target.save(update_fields=["is_active"])
    ended = end_all(target)
    record(granter.get_username(), "user_deactivated", target.get_username(), sessions_ended=ended)
    return target


def link_registrant(principal: str, user: Any, customer: Any) -> RegistrantLink:
    """Makes `user` (a registrant's login) the customer; one user may be several customers."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        StaffProfile.objects.create(user=user, organisation="registrant", language=customer.language)
    elif profile.organisation != "registrant":
        raise OperationFailed([Problem("user", AccountsCode.WRONG_TENANT)])
    link, made = RegistrantLink.objects.get_or_create(user=user, customer=customer,
                                                      defaults={"created_at": clock.now()})  # fmt: skip
    if made:
        record(principal, "registrant_linked", user.get_username(), customer=customer.pk)
    return link


def add_registrant(granter: Any, customer_id: int, *, username: str, email: str = "", send_mail: bool = True) -> Any:
    """A login for one of the granter's customers (needs Permission.USERS), in the customer's language,
    mailed a link to set its password."""
    from kzreg.registrar.access import access_customer_by_id

    customer = access_customer_by_id(granter, customer_id, Permission.USERS)
    user = create_person(granter.get_username(), username=username, email=email or customer.email,
                         organisation="registrant", language=customer.language)  # fmt: skip
    link_registrant(granter.get_username(), user, customer)
    if send_mail:
        from kzreg.accounts.passwords import send_reset

        send_reset(user, welcome=True)
    return user
