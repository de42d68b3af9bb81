"""Why a name is not available, as a code, when the answer came over EPP.

kzreg's EPP server answers a `<check>` with one of a few short reasons (`kzreg.epp.commands.reasons`:
RFC 5730 allows 32 characters), in the language the session logged in with. The EPP connection turns
such a reason, in any of kk/ru/en, back into one of these codes, so a page shows it in its reader's
language. A foreign registry's reason matches none of them: it stays the registry's own text
(`Availability.reason`), the one case where the reader gets the registry's language.
"""

from __future__ import annotations

import idna

from kzreg.core.errors import Problem
from kzreg.core.messages import ProblemCode, register_codes
from kzreg.epp.commands.reasons import REASONS


class CheckReason(ProblemCode):
    TAKEN = "registrar_check_taken"
    RESERVED = "registrar_check_reserved"
    BLOCKED = "registrar_check_blocked"
    ZONE = "registrar_check_zone"
    TOO_LONG = "registrar_check_too_long"
    INVALID = "registrar_check_invalid"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    CheckReason.TAKEN: {
        "kk": "{name} домендік атауы тіркелген",
        "ru": "доменное имя {name} уже зарегистрировано",
        "en": "{name} is already registered",
    },
    CheckReason.RESERVED: {
        "kk": "{name} атауын тізілім резервтеген",
        "ru": "имя {name} зарезервировано реестром",
        "en": "{name} is reserved by the registry",
    },
    CheckReason.BLOCKED: {
        "kk": "{name} атауын тіркеуге тізілім тыйым салған",
        "ru": "имя {name} заблокировано реестром",
        "en": "{name} is blocked from registration by the registry",
    },
    CheckReason.ZONE: {
        "kk": "{name} атауының зонасында тіркеу жүргізілмейді",
        "ru": "регистрация в зоне имени {name} не ведётся",
        "en": "the zone of {name} is not served by this registry",
    },
    CheckReason.TOO_LONG: {
        "kk": "{name} атауы тым ұзын",
        "ru": "имя {name} слишком длинное",
        "en": "{name} is too long",
    },
    CheckReason.INVALID: {
        "kk": "{name} домендік атау ретінде жарамсыз",
        "ru": "{name} не является допустимым доменным именем",
        "en": "{name} is not a valid domain name",
    },
}
EPP = {CheckReason.TAKEN: 2302, CheckReason.RESERVED: 2306, CheckReason.BLOCKED: 2306}
HTTP = {CheckReason.TAKEN: 409}

register_codes(CheckReason, MESSAGES, epp=EPP, http=HTTP)

KINDS = {
    "taken": CheckReason.TAKEN, "reserved": CheckReason.RESERVED, "blocked": CheckReason.BLOCKED,
    "zone": CheckReason.ZONE, "too_long": CheckReason.TOO_LONG, "invalid": CheckReason.INVALID,
}  # fmt: skip
_BY_TEXT = {
    words.casefold(): KINDS[kind] for kind, texts in REASONS.items() if kind in KINDS for words in texts.values()
}


def from_epp_reason(name: str, reason: str) -> Problem | None:
    """The problem that kzreg's EPP server's short `reason` stands for (any of its languages), or None
    for a text it never sends (a foreign registry's own words)."""
    code = _BY_TEXT.get(reason.strip().casefold())
    return None if code is None else Problem("name", code, {"name": _shown(name)})


def _shown(name: str) -> str:
    """The name as people write it (Unicode), as the local registry's own reasons name it."""
    try:
        return idna.decode(name)
    except idna.IDNAError:
        return name
