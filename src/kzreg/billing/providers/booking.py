"""A verified notification → one payment, once: `ProviderPayment` is unique per provider and payment id,
and its row is written before the ledger's, in the same transaction, so a repeated callback (or two at
once) finds it and books nothing more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kzreg.billing.books import registry_book
from kzreg.billing.invoice_payments import pay_invoice
from kzreg.billing.invoices import find_invoice
from kzreg.billing.models import Account, ProviderPayment
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.billing.problems import PaymentCode
from kzreg.billing.providers.base import Notification
from kzreg.billing.review_accounts import registry_account
from kzreg.core.errors import OperationFailed, Problem


@dataclass(frozen=True)
class Booked:
    payment: ProviderPayment
    duplicate: bool


def book(notification: Notification, now: dt.datetime) -> Booked:
    earlier = _earlier(notification)
    if earlier is not None:
        return _repeat(earlier, notification)
    try:
        with transaction.atomic():
            invoice = find_invoice(registry_book(now), notification.invoice) if notification.invoice else None
            account: Account = invoice.account if invoice else registry_account(notification.account)
            payment = ProviderPayment.objects.create(
                provider=notification.provider,
                payment_id=notification.payment_id,
                amount_minor=notification.amount.minor,
                currency=notification.amount.currency,
                account=account,
                invoice_number=invoice.number if invoice else "",
                received_at=now,
            )
            principal = f"provider {notification.provider}"
            reference = f"{notification.provider} {notification.payment_id}"[:200]
            if invoice is not None:
                payment.transaction = pay_invoice(invoice, notification.amount, principal, now, reference)
            else:
                payment.transaction = record_payment(account, notification.amount, principal, now, reference)
            payment.save(update_fields=["transaction"])
    except IntegrityError:  # the same callback, at the same moment, committed first
        again = _earlier(notification)
        if again is None:
            raise
        return _repeat(again, notification)
    return Booked(payment, duplicate=False)


def _repeat(earlier: ProviderPayment, notification: Notification) -> Booked:
    """The same payment again is fine (a retry); the same id with another amount is not."""
    if (earlier.amount_minor, earlier.currency) != (notification.amount.minor, notification.amount.currency):
        params = {
            "value": notification.payment_id,
            "amount": str(Money.from_minor(earlier.amount_minor, earlier.currency)),
        }
        raise OperationFailed([Problem("payment_id", PaymentCode.PROVIDER_CONFLICT, params)])
    return Booked(earlier, duplicate=True)


def _earlier(notification: Notification) -> ProviderPayment | None:
    return ProviderPayment.objects.filter(provider=notification.provider, payment_id=notification.payment_id).first()
