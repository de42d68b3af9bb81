"""The texts of the registrar wing's mails to registrants and resellers, in Kazakh, Russian and English.

Every one names the sponsoring registrar, and a reseller only as the reseller that serves the registrant
(PS-3.6–3.8: a reseller never presents itself as the registrar).
"""

from __future__ import annotations

REMINDER_SUBJECT = {
    "kk": "{domain} доменінің тіркелу мерзімі {date} аяқталады",
    "ru": "Срок регистрации домена {domain} истекает {date}",
    "en": "The registration of {domain} expires on {date}",
}
REMINDER_BODY = {
    "kk": (
        "Құрметті {name}!\n\n{domain} доменінің тіркелу мерзімі {date} аяқталады ({days} күннен кейін).\n"
        "Домен жоғалмауы үшін оны мерзімінен бұрын ұзартыңыз.\n{price}\n{served}Доменге демеуші тіркеуші: {registrar}.\n"
    ),
    "ru": (
        "Уважаемый(ая) {name}!\n\nСрок регистрации домена {domain} истекает {date} (через {days} дн.).\n"
        "Чтобы не потерять домен, продлите его заранее.\n{price}\n{served}Регистратор, обслуживающий домен: {registrar}.\n"
    ),
    "en": (
        "Dear {name},\n\nthe registration of {domain} expires on {date} (in {days} days).\n"
        "Renew it in time so as not to lose it.\n{price}\n{served}The domain's sponsoring registrar: {registrar}.\n"
    ),
}
PRICE_LINE = {
    "kk": "Бір жылға ұзарту бағасы: {amount}.\n",
    "ru": "Продление на один год стоит {amount}.\n",
    "en": "Renewing it for one year costs {amount}.\n",
}
SERVED_BY = {
    "kk": "Сізге {registrar} тіркеушісінің реселлері {reseller} қызмет көрсетеді; ұзарту үшін соған жүгініңіз.\n",
    "ru": "Вас обслуживает {reseller}, реселлер регистратора {registrar}; для продления обращайтесь к нему.\n",
    "en": "You are served by {reseller}, a reseller of the registrar {registrar}; ask them to renew it.\n",
}
DIGEST_SUBJECT = {
    "kk": "{reseller}: мерзімі жақында аяқталатын домендер ({count})",
    "ru": "{reseller}: домены с истекающим сроком ({count})",
    "en": "{reseller}: domains expiring soon ({count})",
}
DIGEST_INTRO = {
    "kk": "Бүгін тіркеушілерге мерзім туралы еске салу жіберілді (демеуші тіркеуші {registrar}):",
    "ru": "Сегодня регистрантам отправлены напоминания о сроке (регистратор {registrar}):",
    "en": "Registrants were reminded of these expiries today (sponsoring registrar {registrar}):",
}
DIGEST_LINE = {
    "kk": "{domain} — {date} ({days} күн), авто-ұзарту: {auto}",
    "ru": "{domain} — {date} ({days} дн.), автопродление: {auto}",
    "en": "{domain} — {date} ({days} days), auto-renew: {auto}",
}
YES_NO = {"kk": ("иә", "жоқ"), "ru": ("да", "нет"), "en": ("yes", "no")}
FUNDS_SHORT_SUBJECT = {
    "kk": "{domain} доменін авто-ұзартуға қаражат жетпейді",
    "ru": "Недостаточно средств для автопродления домена {domain}",
    "en": "Funds short for the auto-renewal of {domain}",
}
FUNDS_SHORT_BODY = {
    "kk": (
        "{payer} шотында {domain} доменін ({date} дейін) авто-ұзартуға қаражат жетпейді: {reason}.\n"
        "Шотты толтырыңыз; ұзарту келесі әрекетте қайталанады.\nДемеуші тіркеуші: {registrar}.\n"
    ),
    "ru": (
        "На счёте {payer} недостаточно средств для автопродления домена {domain} (срок {date}): {reason}.\n"
        "Пополните счёт; продление будет повторено.\nРегистратор, обслуживающий домен: {registrar}.\n"
    ),
    "en": (
        "The account of {payer} is short of funds for the auto-renewal of {domain} (expires {date}): {reason}.\n"
        "Top it up; the renewal is tried again.\nThe domain's sponsoring registrar: {registrar}.\n"
    ),
}
LANGUAGES = ("kk", "ru", "en")


def in_all_languages(texts: dict[str, str], **values: object) -> str:
    """One text in kk, ru and en, one paragraph each (a mail to a reseller, whose language is not kept)."""
    return "\n\n".join(texts[lang].format(**values) for lang in LANGUAGES)
