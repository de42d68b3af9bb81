"""What the login form and the staff-page guard say, in Kazakh, Russian and English."""

from __future__ import annotations

from django.utils import translation

from kzreg.core.messages import LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "forbidden": {
        "kk": "Бұл бетті тек тізілім қызметкерлері көре алады.",
        "ru": "Эту страницу видят только сотрудники реестра.",
        "en": "Only registry staff may see this page.",
    },
    "invalid_login": {
        "kk": "Пайдаланушы аты, құпиясөз немесе бір реттік код қате. Тізілім қызметкерлері "
        "аутентификатор қосымшасындағы кодты енгізеді (`kzreg user totp` арқылы қосылады).",
        "ru": "Неверное имя пользователя, пароль или одноразовый код. Сотрудники реестра вводят код "
        "из приложения-аутентификатора (подключается командой `kzreg user totp`).",
        "en": "The username, password or one-time code is wrong. Registry staff enter the code from "
        "their authenticator app (set up with `kzreg user totp`).",
    },
    "invalid_login_people": {
        "kk": "Пайдаланушы аты, құпиясөз немесе бір реттік код қате. Екі факторлы аутентификациясы бар "
        "тіркелгілер аутентификатор қосымшасындағы кодты енгізеді.",
        "ru": "Неверное имя пользователя, пароль или одноразовый код. Для учётных записей с двухфакторной "
        "аутентификацией введите код из приложения-аутентификатора.",
        "en": "The username, password or one-time code is wrong. Accounts with two-factor authentication "
        "enter the code from their authenticator app.",
    },
    "locked": {
        "kk": "Сәтсіз әрекеттер тым көп болғандықтан, бұл тіркелгіге немесе осы мекенжайдан кіру "
        "{minutes} минутқа тоқтатылды. Кейінірек қайталаңыз немесе тізілім әкімшісіне хабарласыңыз.",
        "ru": "Слишком много неудачных попыток: вход в эту учётную запись или с этого адреса "
        "приостановлен на {minutes} мин. Повторите позже или обратитесь к администратору реестра.",
        "en": "Too many failed attempts: signing in to this account or from this address is paused for "
        "{minutes} minutes. Try again later or ask a registry administrator.",
    },
    "token": {
        "kk": "Бір реттік код",
        "ru": "Одноразовый код",
        "en": "One-time code",
    },
    "token_help": {
        "kk": "Аутентификатор қосымшасындағы 6 цифр (екі факторлы аутентификациясы бар тіркелгілер үшін).",
        "ru": "6 цифр из приложения-аутентификатора (для учётных записей с двухфакторной аутентификацией).",
        "en": "The 6 digits from your authenticator app (accounts with two-factor authentication).",
    },
}


def language() -> str:
    """The request's language (LocaleMiddleware) reduced to kk/ru/en; English for anything else."""
    code = (translation.get_language() or "en")[:2]
    return code if code in LANGUAGES else "en"


def text(key: str, lang: str | None = None, **params: object) -> str:
    words = TEXTS[key][lang if lang in LANGUAGES else language()]
    return words.format(**params) if params else words
