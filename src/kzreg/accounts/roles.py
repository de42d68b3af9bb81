"""What each kind of person may do in the registrar wing (issue 12 §People and permissions, PS-8).

Permissions are the reseller side's five (view, order, pay, manage users, API tokens). A reseller's
administrator has all five; its other users have what the administrator granted (never more than the
granter has: `people.set_permissions`). Registrar staff get permissions from their roles:

| role | permissions |
|---|---|
| support | view, order (acts for customers on the phone) |
| compliance | view (reads records and the personal-data log) |
| billing | view, pay (balances, statements, invoices) |
| administration | all five |

A registrant has view only, on its own services and customers (`registrar.access`). Registry staff and
inactive users have none here: the registry's back-office has its own guard (`accounts.access`).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from kzreg.accounts.texts import language


class Permission(StrEnum):
    VIEW = "view"
    ORDER = "order"
    PAY = "pay"
    USERS = "users"
    TOKENS = "tokens"


class RegistrarRole(StrEnum):
    SUPPORT = "support"
    COMPLIANCE = "compliance"
    BILLING = "billing"
    ADMINISTRATION = "administration"


ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[RegistrarRole, frozenset[Permission]] = {
    RegistrarRole.SUPPORT: frozenset({Permission.VIEW, Permission.ORDER}),
    RegistrarRole.COMPLIANCE: frozenset({Permission.VIEW}),
    RegistrarRole.BILLING: frozenset({Permission.VIEW, Permission.PAY}),
    RegistrarRole.ADMINISTRATION: ALL,
}

PERMISSION_NAMES: dict[Permission, dict[str, str]] = {
    Permission.VIEW: {"kk": "қарау", "ru": "просмотр", "en": "view"},
    Permission.ORDER: {"kk": "тапсырыс беру", "ru": "заказы", "en": "order"},
    Permission.PAY: {"kk": "төлем", "ru": "оплата", "en": "pay"},
    Permission.USERS: {"kk": "пайдаланушыларды басқару", "ru": "управление пользователями", "en": "manage users"},
    Permission.TOKENS: {"kk": "API токендері", "ru": "API-токены", "en": "API tokens"},
}

MISSING: dict[str, str] = {
    "kk": "Бұл әрекетке «{name}» рұқсаты қажет, сізде ол жоқ.",
    "ru": "Для этого действия нужно право «{name}», у вас его нет.",
    "en": "This needs the “{name}” permission, which you do not have.",
}


class PermissionMissing(PermissionDenied):
    """PermissionDenied naming the missing permission; `messages` has the text in kk, ru and en, and
    `str()` is the one in the active language (the request's)."""

    def __init__(self, permission: Permission):
        self.permission = permission
        self.messages = {lang: MISSING[lang].format(name=PERMISSION_NAMES[permission][lang]) for lang in MISSING}
        super().__init__(self.messages[language()])


def profile_of(user):
    """The user's profile, or None (anonymous, inactive, or no profile)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "staff_profile", None)


def permissions_of(user) -> frozenset[Permission]:
    """What the user may do in the registrar wing (empty for anyone outside it)."""
    profile = profile_of(user)
    if profile is None:
        return frozenset()
    if profile.organisation == "registrar":
        granted: set[Permission] = set()
        for role in profile.roles or []:
            if role in RegistrarRole.__members__.values():
                granted |= ROLE_PERMISSIONS[RegistrarRole(role)]
        return frozenset(granted)
    if profile.organisation == "reseller":
        if profile.reseller_id is None:
            return frozenset()
        if profile.administrator:
            return ALL
        return frozenset(Permission(p) for p in profile.permissions or [] if p in Permission.__members__.values())
    if profile.organisation == "registrant":
        return frozenset({Permission.VIEW})
    return frozenset()


def require(user, permission: Permission) -> None:
    """Raises `PermissionMissing` (a PermissionDenied) unless the user has `permission`."""
    if Permission(permission) not in permissions_of(user):
        raise PermissionMissing(Permission(permission))
