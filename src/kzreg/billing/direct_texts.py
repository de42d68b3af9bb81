"""The mails a KZ-B direct registrant gets about its invoice, in Kazakh, Russian and English (the
registrant contact's language): the invoice itself, the reminders, the hold and its lifting."""

from __future__ import annotations

from kzreg.billing.models import Invoice

SUBJECTS = {
    "invoice": {
        "kk": "{domain} доменіне төлем шоты {number}",
        "ru": "Счёт на оплату {number} за домен {domain}",
        "en": "Invoice {number} for the domain {domain}",
    },
    "before": {
        "kk": "Еске салу: {number} шотын {due} дейін төлеңіз ({domain})",
        "ru": "Напоминание: оплатите счёт {number} до {due} ({domain})",
        "en": "Reminder: please pay invoice {number} by {due} ({domain})",
    },
    "after": {
        "kk": "{number} шотының төлем мерзімі өтті ({domain})",
        "ru": "Срок оплаты счёта {number} истёк ({domain})",
        "en": "Invoice {number} is overdue ({domain})",
    },
    "held": {
        "kk": "{domain} домені төленбеген {number} шоты үшін тоқтатылды",
        "ru": "Домен {domain} приостановлен: не оплачен счёт {number}",
        "en": "The domain {domain} is on hold: invoice {number} is unpaid",
    },
    "lifted": {
        "kk": "{number} шоты төленді: {domain} домені қайта жұмыс істейді",
        "ru": "Счёт {number} оплачен: домен {domain} снова работает",
        "en": "Invoice {number} is paid: the domain {domain} works again",
    },
}

BODIES = {
    "kk": (
        "{domain} доменін тіркеу/ұзарту үшін тізілім төлем шотын жіберді.\n\n"
        "Шот нөмірі: {number}\nШот күні: {issued}\nСомасы: {gross}\nТөлем мерзімі: {due}\n\n"
        "Төлем мақсатында шот нөмірін ({number}) көрсетіңіз.\n"
        "Мерзімінде төленбесе, {grace} күннен кейін домен тоқтатылады, кейін жойылады.\n"
    ),
    "ru": (
        "Реестр выставил счёт за регистрацию/продление домена {domain}.\n\n"
        "Номер счёта: {number}\nДата счёта: {issued}\nСумма: {gross}\nОплатить до: {due}\n\n"
        "Укажите номер счёта ({number}) в назначении платежа.\n"
        "Если счёт не оплачен в срок, через {grace} дн. домен будет приостановлен, затем удалён.\n"
    ),
    "en": (
        "The registry has invoiced the registration/renewal of the domain {domain}.\n\n"
        "Invoice number: {number}\nInvoice date: {issued}\nAmount: {gross}\nDue date: {due}\n\n"
        "Please quote the invoice number ({number}) in the payment's purpose.\n"
        "If it is not paid in time, the domain is put on hold {grace} days after the due date, then deleted.\n"
    ),
}


def mail_text(kind: str, invoice: Invoice, domain: str, language: str, grace: int) -> tuple[str, str]:
    """(subject, body) of one mail; every kind carries the invoice's number, amount and due date."""
    lang = language if language in BODIES else "ru"
    values = {
        "domain": domain,
        "number": invoice.number,
        "issued": f"{invoice.issued_on:%d.%m.%Y}",
        "due": f"{invoice.due_on:%d.%m.%Y}",
        "gross": str(invoice.gross),
        "grace": grace,
    }
    return SUBJECTS[kind][lang].format(**values), BODIES[lang].format(**values)
