"""The WHOIS notices, in English, Russian and Kazakh (port 43 shows all three; the web page picks one).

Every notice line starts with `% ` so that parsers of the classic .kz layout skip it, and none
contains a `server…:` pair, which the python-whois .kz parser would take for a name server.
"""

from __future__ import annotations

import enum


class Notice(enum.StrEnum):
    REDACTED = "redacted"
    RATE_LIMITED = "rate_limited"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    EMPTY = "empty"
    BUSY = "busy"
    TIMEOUT = "timeout"


NOTICES: dict[Notice, dict[str, str]] = {
    Notice.REDACTED: {
        "en": "REDACTED FOR PRIVACY: an individual's personal data is published only with their consent (R18).",
        "ru": "REDACTED FOR PRIVACY: персональные данные физического лица публикуются только с его согласия.",
        "kk": "REDACTED FOR PRIVACY: жеке тұлғаның дербес деректері тек оның келісімімен жарияланады.",
    },
    Notice.RATE_LIMITED: {
        "en": "Query rate limit exceeded for {address}; try again in {seconds} s.",
        "ru": "Превышен лимит запросов для {address}; повторите через {seconds} с.",
        "kk": "{address} үшін сұраулар шегі асып кетті; {seconds} с кейін қайталаңыз.",
    },
    Notice.TOO_LONG: {
        "en": "Query too long: at most {limit} bytes, ending with CR LF.",
        "ru": "Слишком длинный запрос: не более {limit} байт, в конце CR LF.",
        "kk": "Сұрау тым ұзын: ең көбі {limit} байт, соңында CR LF.",
    },
    Notice.INVALID: {
        "en": "Invalid query: give a domain name, a NIC handle, a name server or a registrar handle.",
        "ru": "Неверный запрос: укажите доменное имя, NIC-хэндл, сервер имён или хэндл регистратора.",
        "kk": "Қате сұрау: домендік атауды, NIC нөмірін, атаулар серверін немесе тіркеуші нөмірін көрсетіңіз.",
    },
    Notice.EMPTY: {
        "en": "Empty query: give a domain name, a NIC handle, a name server or a registrar handle.",
        "ru": "Пустой запрос: укажите доменное имя, NIC-хэндл, сервер имён или хэндл регистратора.",
        "kk": "Бос сұрау: домендік атауды, NIC нөмірін, атаулар серверін немесе тіркеуші нөмірін көрсетіңіз.",
    },
    Notice.BUSY: {
        "en": "Too many connections; try again later.",
        "ru": "Слишком много соединений; повторите позже.",
        "kk": "Қосылымдар тым көп; кейінірек қайталаңыз.",
    },
    Notice.TIMEOUT: {
        "en": "No query received in {seconds} s; closing.",
        "ru": "Запрос не получен за {seconds} с; соединение закрыто.",
        "kk": "{seconds} с ішінде сұрау келмеді; қосылым жабылды.",
    },
}

LANGUAGE_ORDER = ("en", "ru", "kk")


def notice_lines(notice: Notice, languages: tuple[str, ...] = LANGUAGE_ORDER, **params: object) -> list[str]:
    """`% `-prefixed lines of one notice, one line per language."""
    return [f"% {NOTICES[notice][lang].format(**params)}" for lang in languages]


def notice_text(notice: Notice, languages: tuple[str, ...] = LANGUAGE_ORDER, **params: object) -> str:
    """A whole reply made of one notice (port 43: in all three languages)."""
    return "\n".join(notice_lines(notice, languages, **params)) + "\n"
