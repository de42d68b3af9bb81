"""Who sees which book (issue 11: nobody sees another organisation's book). Every read of accounts and
transactions for a person goes through these functions (DESIGN: one checked access function per kind).

Registry staff see the registry's book; a registrar sees its own book and, of the registry's, only its
own prepaid account and the transactions on it (its deposit is its money). Nobody else sees anything
here: a reseller's book will be read through the registrar wing's access functions, which know resellers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kzreg.billing.models import Account, AccountKind, OwnerKind, Transaction
from kzreg.core.actor import Actor, Role
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def _visible(actor: Actor, prefix: str = "") -> Q:
    book, kind, holder = f"{prefix}book__owner_kind", f"{prefix}kind", f"{prefix}holder_key"
    if actor.role in (Role.REGISTRY, Role.SYSTEM):
        return Q(**{book: OwnerKind.REGISTRY})
    if actor.role == Role.REGISTRAR and actor.registrar_id is not None:
        own_book = Q(**{book: OwnerKind.REGISTRAR, f"{prefix}book__owner_key": str(actor.registrar_id)})
        deposit = Q(**{book: OwnerKind.REGISTRY, kind: AccountKind.PREPAID, holder: str(actor.registrar_id)})
        return own_book | deposit
    return Q(pk__in=[])  # resellers' books are read through the registrar wing's own access functions


def accounts_visible_to(actor: Actor) -> QuerySet[Account]:
    return Account.objects.filter(_visible(actor)).select_related("book")


def transactions_visible_to(actor: Actor) -> QuerySet[Transaction]:
    """Transactions with at least one entry on an account the actor may see."""
    return Transaction.objects.filter(entries__account__in=accounts_visible_to(actor)).distinct()


def access_account_by_id(actor: Actor, account_id: int) -> Account:
    """The account, or "not found" whether it is missing or someone else's (no probing of other books)."""
    account = accounts_visible_to(actor).filter(pk=account_id).first()
    if account is None:
        raise OperationFailed([Problem("account", Code.NOT_FOUND, {"kind": "account", "key": f"@{account_id}"})])
    return account
