"""What a registrar owes the registry, in the registrar's own book: a mirror of its prepaid account.

The registry's book is the authority on a registrar's deposit (the fee guard charges it inside every
registry operation). The registrar's book keeps the same relationship from its side, as a `payable`
account held by the registry: each registry transaction on the deposit gets exactly one mirror
transaction (`DepositMirror`, unique on both sides), with the opposite amount on the payable and the
counter-entry on the registrar's `expense` (fees, refunds) or `bank` (payments, anything else).
So `payable == −deposit` at all times after a mirror run; a prepaid deposit reads as an asset (negative,
credit-positive signs), what is owed beyond it as a liability.

Why by catch-up and not inside the fee guard: the charge is on the registry's hot path (every create),
and a second posting there would cost every registration a transaction, four entries and two balance
updates (one on the registrar's expense row, a hot spot). The mirror runs before the registrar's book is
read (`kzreg billing balance` of its books, reports) and on `kzreg billing mirror`; it is idempotent.
When the registrar runs against a registry elsewhere, that registry's statements would feed it instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kzreg.billing import ledger
from kzreg.billing.books import REGISTRY_HOLDER, book_account, prepaid_account, registrar_book
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, DepositMirror, Entry

MIRROR = "mirror"
EXPENSE_KINDS = ("fee", "refund")


def mirror_deposit(registrar: Any, now: dt.datetime) -> int:
    """Mirrors every registry transaction on the registrar's deposit not mirrored yet; how many it posted."""
    deposit = prepaid_account(registrar.id)
    if deposit is None:
        return 0
    book = registrar_book(registrar, now)
    payable = book_account(
        book, AccountKind.PAYABLE, REGISTRY_HOLDER, deposit.currency, f"payable KazNIC {deposit.currency}", now
    )
    posted = 0
    with transaction.atomic():
        # One mirror run per registrar at a time: the payable row's lock orders concurrent runs.
        payable = Account.objects.select_for_update().select_related("book").get(pk=payable.pk)
        pending = (
            Entry.objects.filter(account=deposit, transaction__mirrored_as__isnull=True)
            .select_related("transaction")
            .order_by("transaction_id", "id")
        )
        for entry in pending:
            source = entry.transaction
            counter_kind = AccountKind.EXPENSE if source.kind in EXPENSE_KINDS else AccountKind.BANK
            counter = book_account(
                book, counter_kind, REGISTRY_HOLDER, deposit.currency, f"{counter_kind.value} KazNIC", now
            )
            cause = Cause(
                kind=MIRROR,
                principal=source.principal,
                operation=source.operation,
                request_id=source.request_id,
                object_type=source.object_type,
                object_id=source.object_id,
                object_key=source.object_key,
                reference=f"registry #{source.pk} {source.kind} {source.reference}".strip(),
                fee_command=source.fee_command,
                years=source.years,
            )
            amount = entry.amount
            mirror = ledger.post(book, cause, [(payable, -amount), (counter, amount)], source.created_at)
            DepositMirror.objects.create(source=source, mirror=mirror.transaction)
            posted += 1
    return posted
