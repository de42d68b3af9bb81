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
    # A command that states the fee it agrees to pay (RFC 8748's <fee:fee>, `fee_agreed`): less, or in
    # another currency, than the fee the operation would charge.
    FEE_AGREED_LOW = "billing_fee_agreed_low"
    FEE_AGREED_CURRENCY = "billing_fee_agreed_currency"


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
    BillingCode.FEE_AGREED_LOW: {
        "kk": "келісілген алым {value} {currency} жеткіліксіз: алым {expected} {currency}",
        "ru": "указанный сбор {value} {currency} меньше действующего: {expected} {currency}",
        "en": "the fee agreed, {value} {currency}, is less than the fee, {expected} {currency}",
    },
    BillingCode.FEE_AGREED_CURRENCY: {
        "kk": "алым {expected} валютасында алынады, {value} емес",
        "ru": "сбор взимается в {expected}, а не в {value}",
        "en": "the fee is charged in {expected}, not {value}",
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
        BillingCode.FEE_AGREED_LOW: 2004,
        BillingCode.FEE_AGREED_CURRENCY: 2004,
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
        BillingCode.FEE_AGREED_LOW: 409,
        BillingCode.FEE_AGREED_CURRENCY: 409,
        BillingCode.UNBALANCED: 500,
        BillingCode.OTHER_BOOK: 500,
        BillingCode.CURRENCY_MISMATCH: 500,
    },
)


# --- payments ---


class PaymentCode(ProblemCode):
    """Bank statement imports, the review queue, online payment providers (docs/billing.md, "Payments")."""

    FORMAT_UNKNOWN = "billing_pay_format_unknown"
    ENCODING = "billing_pay_encoding"
    LINE_SYNTAX = "billing_pay_line_syntax"
    FIELD_MISSING = "billing_pay_field_missing"
    FIELD_INVALID = "billing_pay_field_invalid"
    DOCUMENT_UNCLOSED = "billing_pay_document_unclosed"
    FILE_IMPORTED = "billing_pay_file_imported"
    AMOUNT_ABSURD = "billing_pay_amount_absurd"
    LINE_DECIDED = "billing_pay_line_decided"
    PROVIDER_UNKNOWN = "billing_pay_provider_unknown"
    SIGNATURE_MISSING = "billing_pay_signature_missing"
    SIGNATURE_BAD = "billing_pay_signature_bad"
    TIMESTAMP_STALE = "billing_pay_timestamp_stale"
    BIN_INVALID = "billing_pay_bin_invalid"
    UNMATCHED = "billing_pay_unmatched"
    ACCOUNT_CURRENCY = "billing_pay_account_currency"
    DUPLICATE = "billing_pay_duplicate"
    PROVIDER_CONFLICT = "billing_pay_provider_conflict"


PAYMENT_MESSAGES: dict[ProblemCode, dict[str, str]] = {
    PaymentCode.FORMAT_UNKNOWN: {
        "kk": "банк файлының пішімі белгісіз: {value} (күтілгені: 1CClientBankExchange немесе CSV тақырыбы {header})",
        "ru": "неизвестный формат банковского файла: {value} (ожидается 1CClientBankExchange или CSV с заголовком {header})",
        "en": "unknown bank file format: {value} (expected 1CClientBankExchange, or CSV with the header {header})",
    },
    PaymentCode.ENCODING: {
        "kk": "файл мәлімделген кодтауда оқылмайды ({value})",
        "ru": "файл не читается в объявленной кодировке ({value})",
        "en": "the file cannot be read in the encoding it declares ({value})",
    },
    PaymentCode.LINE_SYNTAX: {
        "kk": "КІЛТ=МӘН түріндегі жол емес: {value}",
        "ru": "строка не вида КЛЮЧ=ЗНАЧЕНИЕ: {value}",
        "en": "not a KEY=VALUE line: {value}",
    },
    PaymentCode.FIELD_MISSING: {
        "kk": "құжатта {name} өрісі жоқ",
        "ru": "в документе нет поля {name}",
        "en": "the document has no {name}",
    },
    PaymentCode.FIELD_INVALID: {
        "kk": "{name} мәні дұрыс емес: {value}",
        "ru": "неверное значение {name}: {value}",
        "en": "{name} is not valid: {value}",
    },
    PaymentCode.DOCUMENT_UNCLOSED: {
        "kk": "құжат КонецДокумента жолымен жабылмаған",
        "ru": "документ не закрыт строкой КонецДокумента",
        "en": "the document is not closed by КонецДокумента",
    },
    PaymentCode.FILE_IMPORTED: {
        "kk": "бұл файл {when} бұрын жүктелген ({name}): ештеңе қайта жазылмады",
        "ru": "этот файл уже загружен {when} ({name}): ничего не проведено повторно",
        "en": "this file was already imported on {when} ({name}): nothing booked again",
    },
    PaymentCode.AMOUNT_ABSURD: {
        "kk": "сома тым үлкен: {value} (ең көбі {limit})",
        "ru": "сумма слишком велика: {value} (не более {limit})",
        "en": "the amount is implausibly large: {value} (at most {limit})",
    },
    PaymentCode.LINE_DECIDED: {
        "kk": "{value} жолы тексеруді күтпейді (күйі: {status})",
        "ru": "строка {value} не ждёт проверки (состояние: {status})",
        "en": "line {value} is not waiting for review (it is {status})",
    },
    PaymentCode.PROVIDER_UNKNOWN: {
        "kk": "төлем провайдері белгісіз: {value}",
        "ru": "неизвестный платёжный провайдер: {value}",
        "en": "unknown payment provider: {value}",
    },
    PaymentCode.SIGNATURE_MISSING: {
        "kk": "хабарламада {value} қолтаңбасы жоқ",
        "ru": "в уведомлении нет подписи {value}",
        "en": "the notification carries no {value} signature",
    },
    PaymentCode.SIGNATURE_BAD: {
        "kk": "хабарламаның қолтаңбасы дұрыс емес",
        "ru": "подпись уведомления неверна",
        "en": "the notification's signature does not match",
    },
    PaymentCode.TIMESTAMP_STALE: {
        "kk": "хабарламаның уақыты рұқсат етілген {seconds} секундтық аралықтан тыс: {value}",
        "ru": "время уведомления вне допустимого окна в {seconds} с: {value}",
        "en": "the notification's time is outside the {seconds}-second window: {value}",
    },
    PaymentCode.BIN_INVALID: {
        "kk": "БСН/ЖСН 12 цифрдан тұруы керек: {value}",
        "ru": "БИН/ИИН должен состоять из 12 цифр: {value}",
        "en": "a BIN/IIN is 12 digits: {value}",
    },
    PaymentCode.UNMATCHED: {
        "kk": "мақсатында төлем шотының нөмірі жоқ, төлеушінің БСН-і ({value}) белгісіз",
        "ru": "в назначении нет номера счёта на оплату, БИН плательщика ({value}) неизвестен",
        "en": "no invoice number in the purpose and the payer's BIN ({value}) is not known",
    },
    PaymentCode.ACCOUNT_CURRENCY: {
        "kk": "төлем {value} валютасында, ал {account} шоты {expected} валютасында",
        "ru": "платёж в {value}, а счёт {account} ведётся в {expected}",
        "en": "the payment is in {value}, account {account} is kept in {expected}",
    },
    PaymentCode.PROVIDER_CONFLICT: {
        "kk": "{value} төлемі бұрын басқа сомамен хабарланған ({amount})",
        "ru": "о платеже {value} уже сообщалось с другой суммой ({amount})",
        "en": "payment {value} was already reported with another amount ({amount})",
    },
    PaymentCode.DUPLICATE: {
        "kk": "бұл банк құжаты бұрын жүктелген ({value} жолы): қайта жазылмады",
        "ru": "этот банковский документ уже загружен (строка {value}): повторно не проведён",
        "en": "this bank document was already imported (line {value}): not booked again",
    },
}

register_codes(
    PaymentCode,
    PAYMENT_MESSAGES,
    kinds={
        "bank_line": {"kk": "банк үзіндісінің жолы", "ru": "строка выписки", "en": "bank statement line"},
        "payer": {"kk": "төлеуші", "ru": "плательщик", "en": "payer"},
    },
    http={
        PaymentCode.FILE_IMPORTED: 409,
        PaymentCode.LINE_DECIDED: 409,
        PaymentCode.PROVIDER_UNKNOWN: 404,
        PaymentCode.SIGNATURE_MISSING: 401,
        PaymentCode.SIGNATURE_BAD: 401,
        PaymentCode.TIMESTAMP_STALE: 401,
        PaymentCode.PROVIDER_CONFLICT: 409,
    },
)
