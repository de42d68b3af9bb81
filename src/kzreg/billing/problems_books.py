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
    },
)
