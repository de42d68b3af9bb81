"""Billing's own map of payers' BIN/IIN to accounts, kept by staff: how a bank line without an invoice
number finds its account. Only the registry's book: its bank statements credit its accounts."""

from __future__ import annotations

import datetime as dt

from kzreg.billing.bankimport.documents import BIN_RE
from kzreg.billing.models import Account, OwnerKind, Payer
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def clean_bin(raw: str) -> str:
    value = raw.strip()
    if not BIN_RE.match(value):
        raise OperationFailed([Problem("bin", PaymentCode.BIN_INVALID, {"value": raw})])
    return value


def set_payer(bin_value: str, account: Account, name: str, principal: str, now: dt.datetime) -> Payer:
    """Maps the BIN to the account (a later call moves it): the next import matches by it."""
    value = clean_bin(bin_value)
    if account.book.owner_kind != OwnerKind.REGISTRY:
        raise OperationFailed([Problem("account", BillingCode.OTHER_BOOK, {"account": account.name})])
    payer, _ = Payer.objects.update_or_create(
        bin=value,
        defaults={"account": account, "name": " ".join(name.split())[:200], "entered_by": principal, "created_at": now},
    )
    return payer


def remove_payer(bin_value: str) -> None:
    value = clean_bin(bin_value)
    deleted, _ = Payer.objects.filter(bin=value).delete()
    if not deleted:
        raise OperationFailed([Problem("bin", Code.NOT_FOUND, {"kind": "payer", "key": value})])
