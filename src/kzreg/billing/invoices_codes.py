"""Problem codes of invoices, credit notes, VAT and statements, in Kazakh, Russian and English.

Their own enum (DESIGN: per-app codes) so the billing helpers' sections never collide; values carry the
`billing_inv_` prefix.
"""

from __future__ import annotations

from kzreg.core.messages import ProblemCode, register_codes


class InvoiceCode(ProblemCode):
    NOT_FOUND = "billing_inv_not_found"
    CANCELLED = "billing_inv_cancelled"
    ALREADY_PAID = "billing_inv_already_paid"
    NOT_PAYABLE = "billing_inv_not_payable"
    NO_LINES = "billing_inv_no_lines"
    LANGUAGE = "billing_inv_language"
    QUANTITY = "billing_inv_quantity"
    VAT_RATE = "billing_inv_vat_rate"
    VAT_NO_RATE = "billing_inv_vat_no_rate"
    CREDIT_EXCEEDS = "billing_inv_credit_exceeds"
    NOT_CREDITABLE = "billing_inv_not_creditable"
    REQUISITE_MISSING = "billing_inv_requisite_missing"
    BIN_INVALID = "billing_inv_bin_invalid"
    MONTH_INVALID = "billing_inv_month_invalid"
    HAS_CREDIT_NOTES = "billing_inv_has_credit_notes"
    LINE_CURRENCY = "billing_inv_line_currency"


INVOICE_MESSAGES: dict[ProblemCode, dict[str, str]] = {
    InvoiceCode.NOT_FOUND: {
        "kk": "шот-фактура табылмады: {value}",
        "ru": "счёт не найден: {value}",
        "en": "no such invoice: {value}",
    },
    InvoiceCode.CANCELLED: {
        "kk": "{number} шоты жойылған ({when}): оған төлем де, түзету де қабылданбайды",
        "ru": "счёт {number} аннулирован ({when}): ни оплата, ни корректировка по нему не принимаются",
        "en": "invoice {number} was cancelled ({when}): it takes no payment and no correction",
    },
    InvoiceCode.ALREADY_PAID: {
        "kk": "{number} шоты төленген ({when}); түзету үшін кредиттік ноталы құжат шығарыңыз",
        "ru": "счёт {number} уже оплачен ({when}); для исправления выпишите кредит-ноту",
        "en": "invoice {number} is already paid ({when}); issue a credit note to correct it",
    },
    InvoiceCode.NOT_PAYABLE: {
        "kk": "{number} — кредиттік нота, ол төленбейді",
        "ru": "{number} — кредит-нота, она не оплачивается",
        "en": "{number} is a credit note, not something to pay",
    },
    InvoiceCode.NO_LINES: {
        "kk": "шотта кемінде бір жол болуы керек",
        "ru": "в счёте должна быть хотя бы одна строка",
        "en": "an invoice needs at least one line",
    },
    InvoiceCode.LANGUAGE: {
        "kk": "белгісіз тіл: {value} (рұқсат етілгені: {allowed})",
        "ru": "неизвестный язык: {value} (допустимы: {allowed})",
        "en": "unknown language: {value} (allowed: {allowed})",
    },
    InvoiceCode.QUANTITY: {
        "kk": "саны нөлден үлкен, үтірден кейін ең көбі 3 цифр болуы керек: {value}",
        "ru": "количество должно быть больше нуля, не более 3 знаков после запятой: {value}",
        "en": "the quantity must be more than zero with at most 3 decimals: {value}",
    },
    InvoiceCode.VAT_RATE: {
        "kk": "ҚҚС мөлшерлемесі 0-ден 100-ге дейінгі пайыз болуы керек: {value}",
        "ru": "ставка НДС должна быть в процентах от 0 до 100: {value}",
        "en": "the VAT rate must be a percentage from 0 to under 100: {value}",
    },
    InvoiceCode.VAT_NO_RATE: {
        "kk": "{day} күні {country} сатып алушыға {currency} сатылымы үшін ҚҚС мөлшерлемесі бапталмаған",
        "ru": "не настроена ставка НДС для продажи в {currency} покупателю из {country} на {day}",
        "en": "no VAT rate is configured for a sale in {currency} to a buyer in {country} on {day}",
    },
    InvoiceCode.CREDIT_EXCEEDS: {
        "kk": "кредиттік нота {number} шотының қалған сомасынан асады: {value} > {left}",
        "ru": "кредит-нота превышает остаток по счёту {number}: {value} > {left}",
        "en": "the credit note is more than what is left of invoice {number}: {value} > {left}",
    },
    InvoiceCode.NOT_CREDITABLE: {
        "kk": "{number} — кредиттік нота; тек шотқа түзету жасалады",
        "ru": "{number} — кредит-нота; корректируется только счёт",
        "en": "{number} is a credit note; only an invoice can be corrected",
    },
    InvoiceCode.REQUISITE_MISSING: {
        "kk": "деректемелерде {value} жоқ",
        "ru": "в реквизитах нет {value}",
        "en": "the requisites lack {value}",
    },
    InvoiceCode.BIN_INVALID: {
        "kk": "БСН/ЖСН 12 цифрдан тұруы керек: {value}",
        "ru": "БИН/ИИН должен состоять из 12 цифр: {value}",
        "en": "a BIN/IIN is 12 digits: {value}",
    },
    InvoiceCode.MONTH_INVALID: {
        "kk": "ай ЖЖЖЖ-АА түрінде болуы керек: {value}",
        "ru": "месяц должен быть в виде ГГГГ-ММ: {value}",
        "en": "the month must be YYYY-MM: {value}",
    },
    InvoiceCode.HAS_CREDIT_NOTES: {
        "kk": "{number} шотының кредиттік ноталары бар: қалғанын кредиттік нотамен түзетіңіз",
        "ru": "по счёту {number} есть кредит-ноты: остаток исправляется кредит-нотой",
        "en": "invoice {number} has credit notes: correct the rest with a credit note",
    },
    InvoiceCode.LINE_CURRENCY: {
        "kk": "шот {expected} валютасында, ал бұл жол {value} валютасында",
        "ru": "счёт выставляется в {expected}, а эта строка — в {value}",
        "en": "the invoice is in {expected}, this line in {value}",
    },
}

register_codes(
    InvoiceCode,
    INVOICE_MESSAGES,
    kinds={"invoice": {"kk": "шот", "ru": "счёт", "en": "invoice"}},
    epp={InvoiceCode.VAT_NO_RATE: 2400},
    http={
        InvoiceCode.NOT_FOUND: 404,
        InvoiceCode.CANCELLED: 409,
        InvoiceCode.ALREADY_PAID: 409,
        InvoiceCode.NOT_PAYABLE: 409,
        InvoiceCode.CREDIT_EXCEEDS: 409,
        InvoiceCode.NOT_CREDITABLE: 409,
        InvoiceCode.HAS_CREDIT_NOTES: 409,
        InvoiceCode.VAT_NO_RATE: 500,
    },
)
