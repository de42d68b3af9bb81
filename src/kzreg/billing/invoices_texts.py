"""The printed words of invoices and statements in Kazakh, Russian and English, and how amounts print.

Amounts print with two decimals, a space between thousands and the currency after the number; KZT as
the tenge sign ₸ (U+20B8), which the PDF fonts (DejaVu) carry. The same function formats the screen,
the CLI and the PDF, so they cannot differ.
"""

from __future__ import annotations

from decimal import Decimal

from kzreg.billing.money import Money

SIGNS = {"KZT": "₸"}

LABELS: dict[str, dict[str, str]] = {
    "invoice": {"kk": "Төлемге арналған шот", "ru": "Счёт на оплату", "en": "Invoice"},
    "credit_note": {"kk": "Кредиттік нота", "ru": "Кредит-нота", "en": "Credit note"},
    "number": {"kk": "№", "ru": "№", "en": "No."},
    "date": {"kk": "Күні", "ru": "Дата", "en": "Date"},
    "due": {"kk": "Төлеу мерзімі", "ru": "Оплатить до", "en": "Due"},
    "seller": {"kk": "Сатушы", "ru": "Продавец", "en": "Seller"},
    "buyer": {"kk": "Сатып алушы", "ru": "Покупатель", "en": "Buyer"},
    "bin": {"kk": "БСН/ЖСН", "ru": "БИН/ИИН", "en": "BIN/IIN"},
    "address": {"kk": "Мекенжайы", "ru": "Адрес", "en": "Address"},
    "bank": {"kk": "Банк", "ru": "Банк", "en": "Bank"},
    "iban": {"kk": "ЖСК (IBAN)", "ru": "ИИК (IBAN)", "en": "Account (IBAN)"},
    "bic": {"kk": "БСК (SWIFT)", "ru": "БИК (SWIFT)", "en": "BIC (SWIFT)"},
    "kbe": {"kk": "КБе", "ru": "КБе", "en": "Beneficiary code (KBE)"},
    "description": {"kk": "Атауы", "ru": "Наименование", "en": "Description"},
    "quantity": {"kk": "Саны", "ru": "Кол-во", "en": "Qty"},
    "unit_price": {"kk": "Бағасы", "ru": "Цена", "en": "Unit price"},
    "net": {"kk": "ҚҚС-сыз сомасы", "ru": "Сумма без НДС", "en": "Net"},
    "vat_rate": {"kk": "ҚҚС мөлшерлемесі", "ru": "Ставка НДС", "en": "VAT rate"},
    "vat": {"kk": "ҚҚС", "ru": "НДС", "en": "VAT"},
    "gross": {"kk": "ҚҚС-пен сомасы", "ru": "Сумма с НДС", "en": "Gross"},
    "total": {"kk": "Барлығы", "ru": "Итого", "en": "Total"},
    "to_pay": {"kk": "Төлеуге", "ru": "Всего к оплате", "en": "Amount due"},
    "credits": {"kk": "Түзетілетін шот", "ru": "Корректируемый счёт", "en": "Corrects invoice"},
    "reason": {"kk": "Себебі", "ru": "Основание", "en": "Reason"},
    "status_issued": {"kk": "шығарылды", "ru": "выставлен", "en": "issued"},
    "status_paid": {"kk": "төленді", "ru": "оплачен", "en": "paid"},
    "status_cancelled": {"kk": "жойылды", "ru": "аннулирован", "en": "cancelled"},
    "status": {"kk": "Күйі", "ru": "Состояние", "en": "Status"},
    "payment_ref": {
        "kk": "Төлем тағайындауында шот нөмірін көрсетіңіз",
        "ru": "В назначении платежа укажите номер счёта",
        "en": "Quote the invoice number as the payment reference",
    },
    "statement": {"kk": "Шот бойынша үзінді", "ru": "Выписка по счёту", "en": "Account statement"},
    "period": {"kk": "Кезең", "ru": "Период", "en": "Period"},
    "holder": {"kk": "Шот иесі", "ru": "Владелец счёта", "en": "Account holder"},
    "account": {"kk": "Шот", "ru": "Счёт", "en": "Account"},
    "opening": {"kk": "Кезең басындағы қалдық", "ru": "Входящий остаток", "en": "Opening balance"},
    "closing": {"kk": "Кезең соңындағы қалдық", "ru": "Исходящий остаток", "en": "Closing balance"},
    "debit": {"kk": "Дебет", "ru": "Дебет", "en": "Debit"},
    "credit": {"kk": "Кредит", "ru": "Кредит", "en": "Credit"},
    "balance": {"kk": "Қалдық", "ru": "Остаток", "en": "Balance"},
    "movement": {"kk": "Операция", "ru": "Операция", "en": "Movement"},
    "no_movements": {"kk": "Кезеңде қозғалыс жоқ", "ru": "Движений за период нет", "en": "No movements in the period"},
    "issued_by": {"kk": "Құжат kzreg жүйесінде жасалды", "ru": "Документ сформирован в kzreg", "en": "Made by kzreg"},
}

# What a ledger transaction's kind is called on a statement.
MOVEMENTS: dict[str, dict[str, str]] = {
    "fee": {"kk": "Тізілім ақысы", "ru": "Плата реестра", "en": "Registry fee"},
    "order": {"kk": "Тапсырыс", "ru": "Заказ", "en": "Order"},
    "mirror": {"kk": "Тізілімдегі депозит", "ru": "Депозит в реестре", "en": "Registry deposit"},
    "refund": {"kk": "Қайтару", "ru": "Возврат", "en": "Refund"},
    "payment": {"kk": "Төлем", "ru": "Платёж", "en": "Payment"},
    "invoice": {"kk": "Шот", "ru": "Счёт", "en": "Invoice"},
    "credit_note": {"kk": "Кредиттік нота", "ru": "Кредит-нота", "en": "Credit note"},
    "invoice_cancel": {"kk": "Шоттың күшін жою", "ru": "Аннулирование счёта", "en": "Invoice cancelled"},
}


def labels(language: str) -> dict[str, str]:
    """The labels in one language, for a template (`{{ t.invoice }}`)."""
    return {key: texts.get(language, texts["en"]) for key, texts in LABELS.items()}


def movement_name(kind: str, language: str) -> str:
    texts = MOVEMENTS.get(kind)
    return texts.get(language, texts["en"]) if texts else kind


def money_text(amount: Money) -> str:
    """`1 234.50 ₸`, `30.00 USD`; a non-breaking space keeps number and sign on one line."""
    text = f"{amount.amount:,.2f}".replace(",", "\u00a0")
    return f"{text}\u00a0{SIGNS.get(amount.currency, amount.currency)}"


def rate_text(rate: Decimal) -> str:
    """16.00 → `16%`, 12.50 → `12.5%`."""
    return f"{rate.normalize():f}%"


def quantity_text(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"
