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

A registrant has view, on its own services and customers (`registrar.access`), and may do to its own
domains the `DomainAction`s its registrar allows (`KZREG_REGISTRANT_ACTIONS`, default renew, name
servers and the authorization code; see docs/accounts.md for why). Everyone else does a domain action
with the order permission. Registry staff and inactive users have none here: the registry's back-office
has its own guard (`accounts.access`).
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

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


class DomainAction(StrEnum):
    """What can be done to one domain from its page. Staff and resellers' users need the order permission
    for each; a registrant needs its registrar's leave (`registrant_actions`)."""

    RENEW = "renew"
    NAMESERVERS = "nameservers"
    DS_RECORDS = "ds_records"
    LOCATION = "location"
    AUTH_CODE = "auth_code"
    DELETE = "delete"


ACTION_NAMES: dict[DomainAction, dict[str, str]] = {
    DomainAction.RENEW: {"kk": "доменді ұзарту", "ru": "продление домена", "en": "renew the domain"},
    DomainAction.NAMESERVERS: {
        "kk": "DNS серверлерін өзгерту",
        "ru": "смена DNS-серверов",
        "en": "change the name servers",
    },
    DomainAction.DS_RECORDS: {"kk": "DS жазбаларын өзгерту", "ru": "смена DS-записей", "en": "change the DS records"},
    DomainAction.LOCATION: {
        "kk": "сервер мекенжайын өзгерту",
        "ru": "смена адреса сервера",
        "en": "change the server location",
    },
    DomainAction.AUTH_CODE: {
        "kk": "авторизация кодын алу",
        "ru": "получение кода авторизации",
        "en": "get the authorization code",
    },
    DomainAction.DELETE: {"kk": "доменді жою", "ru": "удаление домена", "en": "delete the domain"},
}

NOT_FOR_REGISTRANTS: dict[str, str] = {
    "kk": "Регистратор домен иелеріне мұны өздері істеуге рұқсат бермейді: {name}. Реселлеріңізге хабарласыңыз.",
    "ru": "Регистратор не разрешает регистрантам делать это самим: {name}. Обратитесь к своему реселлеру.",
    "en": "Your registrar does not let registrants do this themselves: {name}. Ask your reseller.",
}


class ActionNotAllowed(PermissionMissing):
    """A registrant asked for a domain action its registrar does not allow (403). A PermissionMissing of
    the order permission, so callers that name the permission still can; `action` says which."""

    def __init__(self, action: DomainAction):
        super().__init__(Permission.ORDER)
        self.action = action
        self.messages = {lang: NOT_FOR_REGISTRANTS[lang].format(name=ACTION_NAMES[action][lang]) for lang in MISSING}
        self.args = (self.messages[language()],)

    def __str__(self) -> str:
        return self.messages[language()]


def registrant_actions() -> frozenset[DomainAction]:
    """The registrar's setting (`KZREG_REGISTRAR["REGISTRANT_ACTIONS"]`, comma-separated; `view` may be
    named and is always there). An unknown name is an error (ImproperlyConfigured), never a guess."""
    raw = settings.KZREG_REGISTRAR.get("REGISTRANT_ACTIONS", "")
    names = [part.strip().lower() for part in str(raw).split(",") if part.strip() and part.strip().lower() != "view"]
    unknown = [name for name in names if name not in DomainAction.__members__.values()]
    if unknown:
        allowed = ", ".join(DomainAction)
        raise ImproperlyConfigured(f"KZREG_REGISTRANT_ACTIONS: unknown {', '.join(unknown)} (known: view, {allowed})")
    return frozenset(DomainAction(name) for name in names)


def is_registrant(user) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.organisation == "registrant"


def actions_of(user) -> frozenset[DomainAction]:
    """The domain actions the user may do on the domains it may see (pages show only these)."""
    if is_registrant(user):
        return registrant_actions()
    return frozenset(DomainAction) if Permission.ORDER in permissions_of(user) else frozenset()


def require_action(user, action: DomainAction) -> None:
    """Raises `ActionNotAllowed` for a registrant, `PermissionMissing(order)` for anyone else, unless the
    user may do `action`."""
    if DomainAction(action) in actions_of(user):
        return
    if is_registrant(user):
        raise ActionNotAllowed(DomainAction(action))
    raise PermissionMissing(Permission.ORDER)
