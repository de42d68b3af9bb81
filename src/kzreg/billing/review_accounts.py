"""The account staff, providers and the review queue name by a registrar's handle or `@N`: always one
of the registry's book (a prepaid deposit or a receivable), the book its bank account belongs to."""

from __future__ import annotations

from kzreg.billing.books import prepaid_account
from kzreg.billing.models import Account, AccountKind, OwnerKind
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.queries import find_registrar

PAYABLE_KINDS = (AccountKind.PREPAID, AccountKind.RECEIVABLE)


def registry_account(ref: str) -> Account:
    ref = ref.strip()
    if ref.startswith("@"):
        found = (
            Account.objects.select_related("book")
            .filter(pk=int(ref[1:]) if ref[1:].isdigit() else -1, book__owner_kind=OwnerKind.REGISTRY)
            .filter(kind__in=PAYABLE_KINDS)
            .first()
        )
        if found is None:
            raise OperationFailed([Problem("account", Code.NOT_FOUND, {"kind": "account", "key": ref[:40]})])
        return found
    registrar = find_registrar(ref)
    account = prepaid_account(registrar.id)
    if account is None:
        raise OperationFailed([Problem("account", BillingCode.NO_ACCOUNT, {"holder": registrar.handle})])
    return account
