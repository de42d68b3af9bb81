"""The problems only the EPP mapping finds (the registry finds the rest): each with its RFC 5730 result
code and its message in kk, ru and en. A registrant change by update (2306) and a hostObj that is no host
object (2303) are the registry's rules (`registry.operations.codes.DomainRuleCode`), not here."""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class EppCommandCode(ProblemCode):
    PERIOD_UNIT = "eppcmd_period_unit"
    PERIOD_RANGE = "eppcmd_period_range"
    UNIMPLEMENTED_OPTION = "eppcmd_unimplemented_option"
    CUR_EXP_DATE = "eppcmd_cur_exp_date"
    NOT_ON_OBJECT = "eppcmd_not_on_object"
    ALREADY_ON_OBJECT = "eppcmd_already_on_object"
    ROLE_LEFT_EMPTY = "eppcmd_role_left_empty"
    VALUE_SYNTAX = "eppcmd_value_syntax"
    POLL_MESSAGE_UNKNOWN = "eppcmd_poll_message_unknown"


C = EppCommandCode
MESSAGES = {
    C.PERIOD_UNIT: {
        "kk": "кезең тұтас жылмен берілуі керек (12 айдың еселігі): {value} ай",
        "ru": "срок задаётся целыми годами (кратно 12 месяцам): {value} мес.",
        "en": "the period must be whole years (a multiple of 12 months): {value} months",
    },
    C.PERIOD_RANGE: {
        "kk": "кезең {min}–{max} жыл болуы керек: {value}",
        "ru": "срок должен быть от {min} до {max} лет: {value}",
        "en": "the period must be {min} to {max} years: {value}",
    },
    C.UNIMPLEMENTED_OPTION: {
        "kk": "{option} қолдау көрсетілмейді: {how}",
        "ru": "{option} не поддерживается: {how}",
        "en": "{option} is not supported: {how}",
    },
    C.CUR_EXP_DATE: {
        "kk": "ағымдағы аяқталу күні {expected}, көрсетілгені {given}",
        "ru": "текущая дата окончания {expected}, указано {given}",
        "en": "the current expiry date is {expected}, not {given}",
    },
    C.NOT_ON_OBJECT: {
        "kk": "{value} бұл объектіде жоқ, сондықтан алып тастауға болмайды",
        "ru": "{value} у объекта нет, удалить нельзя",
        "en": "{value} is not on the object, so it cannot be removed",
    },
    C.ALREADY_ON_OBJECT: {
        "kk": "{value} объектіде бұрыннан бар",
        "ru": "{value} у объекта уже есть",
        "en": "{value} is already on the object",
    },
    C.ROLE_LEFT_EMPTY: {
        "kk": "доменде {role} контактісі болуы керек: алып тастағанда жаңасын қосыңыз",
        "ru": "у домена должен быть контакт {role}: удаляя его, добавьте другой",
        "en": "a domain keeps one {role} contact: add another when you remove it",
    },
    C.VALUE_SYNTAX: {
        "kk": "мәні дұрыс емес: {value} ({expected})",
        "ru": "неверное значение: {value} ({expected})",
        "en": "is not valid: {value} ({expected})",
    },
    C.POLL_MESSAGE_UNKNOWN: {
        "kk": "кезекте мұндай хабар жоқ: {value}",
        "ru": "в очереди нет такого сообщения: {value}",
        "en": "no such message in the queue: {value}",
    },
}
EPP_CODES = {
    C.PERIOD_UNIT: 2004,
    C.PERIOD_RANGE: 2004,
    C.UNIMPLEMENTED_OPTION: 2102,
    C.CUR_EXP_DATE: 2306,
    C.NOT_ON_OBJECT: 2306,
    C.ALREADY_ON_OBJECT: 2306,
    C.ROLE_LEFT_EMPTY: 2306,
    C.VALUE_SYNTAX: 2005,
    C.POLL_MESSAGE_UNKNOWN: 2303,
}
HTTP = {code: 400 for code in EppCommandCode}

register_codes(EppCommandCode, MESSAGES, epp=EPP_CODES, http=HTTP)
