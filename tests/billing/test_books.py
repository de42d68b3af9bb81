"""The registrar's and resellers' books (issue 11): each organisation keeps its own book, keyed by its
owner; a registrar's payable to the registry mirrors its deposit; nobody sees another's book."""

from __future__ import annotations

import pytest

from kzreg.billing.access import accounts_visible_to
from kzreg.billing.audit import check_ledger
from kzreg.billing.books import open_reseller_deposit, registrar_book, reseller_book, reseller_deposit
from kzreg.billing.mirror import mirror_deposit
from kzreg.billing.models import Account, AccountKind, Book, DepositMirror, OwnerKind
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.registry.operations import create_domain
from kzreg.resellers.models import Reseller
from tests.billing.conftest import balance_of
from tests.conftest import T0, domain_command


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def test_books_are_keyed_by_their_owner_and_opened_once(registrar, reseller):
    assert registrar_book(registrar, T0) == registrar_book(registrar, T0)
    book = reseller_book(reseller, T0)
    assert (book.owner_kind, book.owner_key) == (OwnerKind.RESELLER, str(reseller.id))
    assert Book.objects.filter(owner_kind=OwnerKind.REGISTRAR, owner_key=str(registrar.id)).count() == 1


def test_a_resellers_deposit_lives_in_its_registrars_book_and_opens_once(registrar, reseller):
    deposit = open_reseller_deposit(reseller, "KZT", T0, credit_limit=Money.of("5000.00", "KZT"))
    assert deposit.book == registrar_book(registrar, T0) and deposit.kind == AccountKind.PREPAID
    assert reseller_deposit(reseller) == deposit and deposit.available == Money.of("5000.00", "KZT")
    with pytest.raises(OperationFailed) as refusal:
        open_reseller_deposit(reseller, "USD", T0)
    assert refusal.value.codes == {BillingCode.ACCOUNT_EXISTS}
    beta = Reseller.objects.create(
        registrar=registrar, handle="BETA", name="Beta", legal_name="Beta LLP", email="b@beta.kz", created_at=T0
    )
    with pytest.raises(OperationFailed) as refusal:
        open_reseller_deposit(beta, "USD", T0, credit_limit=Money.of("1.00", "KZT"))
    assert refusal.value.problems[0].field == "credit_limit" and reseller_deposit(beta) is None


def test_the_registrars_payable_mirrors_its_deposit_once(prepaid, registrar, registrar_actor, frozen_clock):
    create_domain(domain_command("one.kz", period=2), registrar_actor)  # 100 → 40
    assert mirror_deposit(registrar, clock.now()) == 2  # the payment and the fee
    assert mirror_deposit(registrar, clock.now()) == 0  # nothing twice
    create_domain(domain_command("two.kz"), registrar_actor)  # 40 → 10
    assert mirror_deposit(registrar, clock.now()) == 1
    mine = {a.kind: a.balance for a in Account.objects.filter(book=registrar_book(registrar, T0))}
    assert balance_of(prepaid) == usd("10.00")
    assert mine == {"payable": usd("-10.00"), "bank": usd("100.00"), "expense": usd("-90.00")}
    assert DepositMirror.objects.count() == 3 and check_ledger().ok


def test_a_registrar_without_a_deposit_has_nothing_to_mirror(registrar):
    assert mirror_deposit(registrar, T0) == 0 and not Book.objects.filter(owner_kind=OwnerKind.REGISTRAR).exists()


def test_nobody_sees_another_organisations_book(registrar, other_registrar, reseller, prepaid, frozen_clock):
    open_reseller_deposit(reseller, "USD", T0)
    mirror_deposit(registrar, clock.now())
    ps = Actor("ps", Role.REGISTRAR, Channel.API, registrar_id=registrar.id)
    other = Actor("hoster", Role.REGISTRAR, Channel.API, registrar_id=other_registrar.id)
    staff = Actor.registry_staff("staff", Channel.API)
    ps_book = registrar_book(registrar, T0)
    assert set(accounts_visible_to(ps).filter(book=ps_book)) == set(Account.objects.filter(book=ps_book))
    assert not accounts_visible_to(other).filter(book=ps_book).exists()
    assert not accounts_visible_to(staff).filter(book=ps_book).exists()
