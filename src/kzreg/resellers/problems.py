"""The resellers app's problem codes (staff managing resellers), in Kazakh, Russian and English."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class ResellerCode(ProblemCode):
    HANDLE_TAKEN = "reseller_handle_taken"
    BIN_FORMAT = "reseller_bin_format"
    DATES_ORDER = "reseller_dates_order"
    DATE_FORMAT = "reseller_date_format"
    GROUP_UNKNOWN = "reseller_group_unknown"
    ADMINISTRATION_ONLY = "reseller_administration_only"
    ALREADY_ACTIVE = "reseller_already_active"
    ALREADY_SUSPENDED = "reseller_already_suspended"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    ResellerCode.HANDLE_TAKEN: {
        "kk": "«{value}» белгісі бос емес: басқасын таңдаңыз",
        "ru": "идентификатор «{value}» уже занят: выберите другой",
        "en": "the handle “{value}” is taken: choose another",
    },
    ResellerCode.BIN_FORMAT: {
        "kk": "БСН — 12 цифр: {value}",
        "ru": "БИН — это 12 цифр: {value}",
        "en": "a BIN is 12 digits: {value}",
    },
    ResellerCode.DATES_ORDER: {
        "kk": "шарт аяқталу күні қол қойылған күннен кейін болуы керек",
        "ru": "дата окончания договора должна быть позже даты подписания",
        "en": "the contract must end after the day it was signed",
    },
    ResellerCode.DATE_FORMAT: {
        "kk": "күн ЖЖЖЖ-АА-КК түрінде жазылады: {value}",
        "ru": "дата пишется как ГГГГ-ММ-ДД: {value}",
        "en": "a date is written YYYY-MM-DD: {value}",
    },
    ResellerCode.GROUP_UNKNOWN: {
        "kk": "тіркеушіде «{value}» баға тобы жоқ",
        "ru": "у регистратора нет ценовой группы «{value}»",
        "en": "the registrar has no price group “{value}”",
    },
    ResellerCode.ADMINISTRATION_ONLY: {
        "kk": "реселлерлерді тек «administration» рөлі бар тіркеуші қызметкерлері өзгертеді",
        "ru": "реселлеров меняют только сотрудники регистратора с ролью «administration»",
        "en": "only registrar staff with the administration role change resellers",
    },
    ResellerCode.ALREADY_ACTIVE: {
        "kk": "реселлер қазірдің өзінде белсенді",
        "ru": "реселлер уже активен",
        "en": "the reseller is already active",
    },
    ResellerCode.ALREADY_SUSPENDED: {
        "kk": "реселлер қазірдің өзінде тоқтатылған",
        "ru": "реселлер уже приостановлен",
        "en": "the reseller is already suspended",
    },
}

HTTP = {
    ResellerCode.HANDLE_TAKEN: 409,
    ResellerCode.BIN_FORMAT: 400,
    ResellerCode.DATES_ORDER: 400,
    ResellerCode.DATE_FORMAT: 400,
    ResellerCode.GROUP_UNKNOWN: 404,
    ResellerCode.ADMINISTRATION_ONLY: 403,
    ResellerCode.ALREADY_ACTIVE: 409,
    ResellerCode.ALREADY_SUSPENDED: 409,
}

register_codes(ResellerCode, MESSAGES, http=HTTP)
