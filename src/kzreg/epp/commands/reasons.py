"""The short reasons of `<check>` answers: RFC 5730's reasonBaseType allows 32 characters, so an
unavailable name gets one of these words in the session's language, not the full problem text."""

from __future__ import annotations

from kzreg.core.messages import Code, ProblemCode

REASONS: dict[str, dict[str, str]] = {
    "taken": {"en": "In use", "ru": "Занято", "kk": "Бос емес"},
    "reserved": {"en": "Reserved by the registry", "ru": "Зарезервировано реестром", "kk": "Тізілім сақтаған"},
    "blocked": {"en": "Blocked by the registry", "ru": "Заблокировано реестром", "kk": "Тізілім бұғаттаған"},
    "zone": {"en": "Zone not served here", "ru": "Зона не обслуживается", "kk": "Бұл зона қызмет етпейді"},
    "too_long": {"en": "Name too long", "ru": "Слишком длинное имя", "kk": "Атау тым ұзын"},
    "invalid": {"en": "Invalid syntax", "ru": "Неверный синтаксис", "kk": "Синтаксис қате"},
}
KINDS: dict[object, str] = {
    Code.ALREADY_REGISTERED: "taken", Code.HOST_EXISTS: "taken", Code.HANDLE_TAKEN: "taken",
    Code.NAME_RESERVED: "reserved", Code.NAME_BLOCKED: "blocked", Code.ZONE_UNKNOWN: "zone",
    Code.NAME_TOO_LONG: "too_long", Code.TOO_LONG: "too_long",
}  # fmt: skip


def short_reason(code: ProblemCode | None, lang: str) -> str:
    texts = REASONS[KINDS.get(code, "invalid")]
    return texts.get(lang, texts["en"])
