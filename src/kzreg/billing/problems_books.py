"""Problem codes of the registrar's and resellers' books, their price lists, quotes and orders (kk, ru, en).

Kept apart from `problems.py` (the ledger's own codes) so each billing piece declares its codes in its
own module; the values carry the `billing_` prefix like the rest of billing's.
"""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class BooksCode(ProblemCode):
    QUOTE_USED = "billing_quote_used"
    NO_LIST_PRICE = "billing_no_list_price"
    GROUP_OTHER_REGISTRAR = "billing_group_other_registrar"
    PRICE_TARGET = "billing_price_target"
    QUOTE_PAYER = "billing_quote_payer"
    DATE_ORDER = "billing_date_order"
    # Exchange-rate import (`kzreg billing rates import`, billing/rates_import.py).
    RATE_FORMAT = "billing_rate_format"
    RATE_XML = "billing_rate_xml"
    RATE_INVALID = "billing_rate_invalid"
    RATE_ABSURD = "billing_rate_absurd"
    RATE_FUTURE = "billing_rate_future"
    RATE_CONFLICT = "billing_rate_conflict"
    RATE_REPEATED = "billing_rate_repeated"


BOOKS_MESSAGES: dict[ProblemCode, dict[str, str]] = {
    BooksCode.QUOTE_USED: {
        "kk": "баға ұсынысы бұрын пайдаланылған ({value}): жаңасын сұраңыз",
        "ru": "расчёт стоимости уже использован ({value}): запросите новый",
        "en": "the quote was already used ({value}): ask for a new one",
    },
    BooksCode.NO_LIST_PRICE: {
        "kk": "{seller} прайс-парағында {zone} аймағында {command} үшін {years} жылға баға жоқ",
        "ru": "в прайс-листе {seller} нет цены на {command} в зоне {zone} на {years} г.",
        "en": "{seller}'s price list has no price for {command} in {zone} for {years} year(s)",
    },
    BooksCode.GROUP_OTHER_REGISTRAR: {
        "kk": "{value} тобы басқа тіркеушінікі",
        "ru": "группа {value} принадлежит другому регистратору",
        "en": "group {value} belongs to another registrar",
    },
    BooksCode.PRICE_TARGET: {
        "kk": "көтерме баға не бір реселлерге, не бір топқа беріледі, екеуіне бірдей емес",
        "ru": "оптовая цена задаётся либо для реселлера, либо для группы, но не для обоих",
        "en": "a wholesale price is for one reseller or one group, not both",
    },
    BooksCode.QUOTE_PAYER: {
        "kk": "{account} шоты бұл баға ұсынысының төлеушісі емес ({value})",
        "ru": "счёт {account} не является плательщиком по этому расчёту ({value})",
        "en": "account {account} is not the payer this quote was given to ({value})",
    },
    BooksCode.DATE_ORDER: {
        "kk": "аяқталу күні ({value}) басталу күнінен ({start}) кейін болуы керек",
        "ru": "дата окончания ({value}) должна быть позже даты начала ({start})",
        "en": "the end ({value}) must come after the start ({start})",
    },
    BooksCode.RATE_FORMAT: {
        "kk": "бағамдар файлы емес: {value} (Ұлттық банктің <rates> XML-і немесе day,source,target,rate тақырыбы бар CSV күтіледі)",
        "ru": "это не файл курсов: {value} (ожидается XML Национального банка <rates> или CSV с заголовком day,source,target,rate)",
        "en": "not a rates file: {value} (expected the National Bank's <rates> XML or a CSV headed day,source,target,rate)",
    },
    BooksCode.RATE_XML: {
        "kk": "XML бұзылған: {value}",
        "ru": "XML повреждён: {value}",
        "en": "broken XML: {value}",
    },
    BooksCode.RATE_INVALID: {
        "kk": "бағам дұрыс емес: {value} (нөлден үлкен сан, үтірден кейін 8 таңбаға дейін, 1 000 000 000-нан кем)",
        "ru": "неверный курс: {value} (число больше нуля, не более 8 знаков после запятой, меньше 1 000 000 000)",
        "en": "not a valid rate: {value} (a number above zero, at most 8 decimals, under 1 000 000 000)",
    },
    BooksCode.RATE_ABSURD: {
        "kk": "{pair} бағамы {value} {previous_day} күнгі бағамнан ({previous}) екі еседен артық өзгерген: қате деп қабылданбады",
        "ru": "курс {pair} {value} отличается от курса на {previous_day} ({previous}) более чем вдвое: отклонён как вероятная опечатка",
        "en": "the {pair} rate {value} is more than twice or under half the rate of {previous_day} ({previous}): refused as a likely typo",
    },
    BooksCode.RATE_FUTURE: {
        "kk": "{value} күні ертеңнен ({limit}) кейін: болашақ бағамдар қабылданбайды",
        "ru": "дата {value} позже завтрашнего дня ({limit}): курсы на будущее не принимаются",
        "en": "the day {value} is after tomorrow ({limit}): rates for the future are refused",
    },
    BooksCode.RATE_CONFLICT: {
        "kk": "{day} күнгі {pair} бағамы сақталған: {stored}, ал файлда {value}; ауыстыру үшін --replace беріңіз (ескісі тарихта қалады)",
        "ru": "курс {pair} на {day} уже сохранён: {stored}, а в файле {value}; для замены укажите --replace (старый останется в истории)",
        "en": "the {pair} rate of {day} is stored as {stored}, the file says {value}: give --replace to replace it (the old one stays in the history)",
    },
    BooksCode.RATE_REPEATED: {
        "kk": "{day} күнгі {pair} бағамы файлда қайта басқа мәнмен кездеседі: {value} (алдымен {first})",
        "ru": "курс {pair} на {day} повторяется в файле с другим значением: {value} (сначала {first})",
        "en": "the {pair} rate of {day} appears again in the file with another value: {value} (first {first})",
    },
}

register_codes(
    BooksCode,
    BOOKS_MESSAGES,
    kinds={
        "reseller_group": {"kk": "реселлерлер тобы", "ru": "группа реселлеров", "en": "reseller group"},
    },
    epp={BooksCode.QUOTE_USED: 2004, BooksCode.NO_LIST_PRICE: 2306},
    http={
        BooksCode.QUOTE_USED: 409,
        BooksCode.NO_LIST_PRICE: 409,
        BooksCode.GROUP_OTHER_REGISTRAR: 409,
        BooksCode.QUOTE_PAYER: 409,
        BooksCode.RATE_CONFLICT: 409,
    },
)
