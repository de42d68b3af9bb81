"""Billing's problem codes (DESIGN: each app declares its own), in Kazakh, Russian and English.

A registrar short of funds gets EPP 2104 ("billing failure") and HTTP 402; the other codes name bad
input (a field) or a state of the books that refuses the request.
"""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class BillingCode(ProblemCode):
    INSUFFICIENT_FUNDS = "billing_insufficient_funds"
    CURRENCY_UNKNOWN = "billing_currency_unknown"
    AMOUNT_INVALID = "billing_amount_invalid"
    AMOUNT_NOT_POSITIVE = "billing_amount_not_positive"
    AMOUNT_NEGATIVE = "billing_amount_negative"
    UNBALANCED = "billing_unbalanced"
    CURRENCY_MISMATCH = "billing_currency_mismatch"
    OTHER_BOOK = "billing_other_book"
    NO_ACCOUNT = "billing_no_account"
    ACCOUNT_EXISTS = "billing_account_exists"
    NO_PRICE = "billing_no_price"
    NO_RATE = "billing_no_rate"
    FEE_COMMAND = "billing_fee_command"
    QUOTE_UNKNOWN = "billing_quote_unknown"
    QUOTE_EXPIRED = "billing_quote_expired"
    QUOTE_MISMATCH = "billing_quote_mismatch"


MESSAGES: dict[ProblemCode, dict[str, str]] = {
    BillingCode.INSUFFICIENT_FUNDS: {
        "kk": "алдын ала төлем шотында қаражат жеткіліксіз: {needed} қажет, қолжетімдісі {available}",
        "ru": "недостаточно средств на авансовом счёте: нужно {needed}, доступно {available}",
        "en": "insufficient funds in the prepaid account: {needed} needed, {available} available",
    },
    BillingCode.CURRENCY_UNKNOWN: {
        "kk": "белгісіз валюта: {value} (рұқсат етілгені: {allowed})",
        "ru": "неизвестная валюта: {value} (допустимы: {allowed})",
        "en": "unknown currency: {value} (allowed: {allowed})",
    },
    BillingCode.AMOUNT_INVALID: {
        "kk": "сома дұрыс емес: {value} (валютаның ең кіші бірлігіне дейін, мысалы 100.50)",
        "ru": "неверная сумма: {value} (с точностью до минимальной единицы валюты, например 100.50)",
        "en": "not a valid amount: {value} (down to the currency's minor unit, e.g. 100.50)",
    },
    BillingCode.AMOUNT_NOT_POSITIVE: {
        "kk": "сома нөлден үлкен болуы керек: {value}",
        "ru": "сумма должна быть больше нуля: {value}",
        "en": "the amount must be more than zero: {value}",
    },
    BillingCode.AMOUNT_NEGATIVE: {
        "kk": "сома теріс болмауы керек: {value}",
        "ru": "сумма не может быть отрицательной: {value}",
        "en": "the amount must not be negative: {value}",
    },
    BillingCode.UNBALANCED: {
        "kk": "жазбалар теңгерілмеген: {currency} бойынша қосындысы {total}, нөл болуы керек",
        "ru": "проводки не сбалансированы: сумма по {currency} равна {total}, а должна быть нулём",
        "en": "entries do not balance: they add up to {total} in {currency}, not zero",
    },
    BillingCode.CURRENCY_MISMATCH: {
        "kk": "{account} шотының валютасы {expected}, жазбаныкі {value}",
        "ru": "валюта счёта {account} — {expected}, а проводки — {value}",
        "en": "account {account} is kept in {expected}, the entry is in {value}",
    },
    BillingCode.OTHER_BOOK: {
        "kk": "{account} шоты басқа ұйымның кітабында",
        "ru": "счёт {account} принадлежит книге другой организации",
        "en": "account {account} belongs to another organisation's book",
    },
    BillingCode.NO_ACCOUNT: {
        "kk": "{holder} үшін алдын ала төлем шоты ашылмаған",
        "ru": "для {holder} не открыт авансовый счёт",
        "en": "{holder} has no prepaid account",
    },
    BillingCode.ACCOUNT_EXISTS: {
        "kk": "{holder} шоты бұрыннан бар ({currency})",
        "ru": "у {holder} уже есть счёт ({currency})",
        "en": "{holder} already has an account ({currency})",
    },
    BillingCode.NO_PRICE: {
        "kk": "{zone} аймағында {command} үшін {years} жылға баға жоқ",
        "ru": "нет цены на {command} в зоне {zone} на {years} г.",
        "en": "no price for {command} in {zone} for {years} year(s)",
    },
    BillingCode.NO_RATE: {
        "kk": "{day} күнге {source} → {target} айырбас бағамы жоқ",
        "ru": "нет курса {source} → {target} на {day}",
        "en": "no exchange rate {source} → {target} on {day}",
    },
    BillingCode.FEE_COMMAND: {
        "kk": "ақысы бар команда емес: {value} (рұқсат етілгені: {allowed})",
        "ru": "команда без платы: {value} (допустимы: {allowed})",
        "en": "not a fee-bearing command: {value} (allowed: {allowed})",
    },
    BillingCode.QUOTE_UNKNOWN: {
        "kk": "баға ұсынысы табылмады: {value}",
        "ru": "расчёт стоимости не найден: {value}",
        "en": "no such quote: {value}",
    },
    BillingCode.QUOTE_EXPIRED: {
        "kk": "баға ұсынысының мерзімі өтті ({expires_at})",
        "ru": "срок действия расчёта стоимости истёк ({expires_at})",
        "en": "the quote expired at {expires_at}",
    },
    BillingCode.QUOTE_MISMATCH: {
        "kk": "баға ұсынысы басқа сұрауға берілген ({value})",
        "ru": "расчёт стоимости выдан для другого запроса ({value})",
        "en": "the quote was given for another request ({value})",
    },
}

register_codes(
    BillingCode,
    MESSAGES,
    kinds={"account": {"kk": "шот", "ru": "счёт", "en": "account"}},
    epp={
        BillingCode.INSUFFICIENT_FUNDS: 2104,
        BillingCode.NO_PRICE: 2306,
        BillingCode.NO_RATE: 2400,
        BillingCode.QUOTE_UNKNOWN: 2004,
        BillingCode.QUOTE_EXPIRED: 2004,
        BillingCode.QUOTE_MISMATCH: 2004,
        BillingCode.UNBALANCED: 2400,
        BillingCode.OTHER_BOOK: 2400,
        BillingCode.CURRENCY_MISMATCH: 2400,
        BillingCode.CURRENCY_UNKNOWN: 2004,
        BillingCode.AMOUNT_INVALID: 2004,
        BillingCode.AMOUNT_NOT_POSITIVE: 2004,
        BillingCode.AMOUNT_NEGATIVE: 2004,
        BillingCode.FEE_COMMAND: 2004,
        BillingCode.NO_ACCOUNT: 2104,
    },
    http={
        BillingCode.INSUFFICIENT_FUNDS: 402,
        BillingCode.NO_ACCOUNT: 404,
        BillingCode.ACCOUNT_EXISTS: 409,
        BillingCode.NO_PRICE: 409,
        BillingCode.NO_RATE: 409,
        BillingCode.QUOTE_UNKNOWN: 404,
        BillingCode.QUOTE_EXPIRED: 409,
        BillingCode.QUOTE_MISMATCH: 409,
        BillingCode.UNBALANCED: 500,
        BillingCode.OTHER_BOOK: 500,
        BillingCode.CURRENCY_MISMATCH: 500,
    },
)
