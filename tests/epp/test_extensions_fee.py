"""fee-1.0 (RFC 8748, SPEC E3, B1): prices on check, the client's agreement on create and renew (less
or another currency: 2004), the fee and the balance left in the answer, and a registrar short of funds
refused with 2104 with nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kzreg.billing.books import open_prepaid
from kzreg.billing.fees import balance
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain
from tests.epp.direct import DirectClient
from tests.epp.objects import create_domain, make_contacts, send

# Commands are dispatched without the socket (tests/epp/direct.py): the ledger's rows are append-only, so
# the database is rolled back after each test instead of emptied for the TLS server's thread.
F = f"{{{ns.FEE}}}"


@pytest.fixture
def epp(registrar):
    return DirectClient(registrar)


@pytest.fixture
def epp_registrar(registrar):
    return registrar


@pytest.fixture
def funded(epp, epp_registrar):
    account = open_prepaid(epp_registrar.id, epp_registrar.handle, "USD", clock.now())
    record_payment(account, Money.of("100.00", "USD"), "test", clock.now(), reference="deposit")
    return make_contacts(epp)


def fee_answer(reply, tag: str):
    return next(e for e in reply.extensions if e.tag == f"{F}{tag}")


def test_check_prices_each_command_asked(epp, funded):
    reply = send(
        epp, r.domain_check("new-one.kz", "x.com", fee_commands=[("create", 1), ("renew", 2), ("restore", None)])
    )
    assert reply.code == 1000, reply.raw
    data = fee_answer(reply, "chkData")
    assert data.findtext(f"{F}currency") == "USD"
    cds = {cd.findtext(f"{F}objID"): cd for cd in data.findall(f"{F}cd")}
    fees = {c.get("name"): c.findtext(f"{F}fee") for c in cds["new-one.kz"].findall(f"{F}command")}
    assert fees["create"] == "30.00" and fees["renew"] == "60.00" and "restore" in fees
    assert cds["x.com"].get("avail") == "0" and cds["x.com"].findtext(f"{F}reason")


def test_create_with_the_agreed_fee_answers_fee_and_balance(epp, epp_registrar, funded):
    reply = create_domain(epp, "paid.kz", funded, fee=r.fee_agreement("create", "30.00"))
    assert reply.code == 1000, reply.raw
    data = fee_answer(reply, "creData")
    assert (data.findtext(f"{F}currency"), data.findtext(f"{F}fee"), data.findtext(f"{F}balance")) == (
        "USD",
        "30.00",
        "70.00",
    )
    assert balance(epp_registrar.id).amount == Decimal("70.00")


def test_create_agreeing_to_less_is_2004_and_charges_nothing(epp, epp_registrar, funded):
    reply = create_domain(epp, "cheap.kz", funded, fee=r.fee_agreement("create", "10.00"))
    assert reply.code == 2004
    assert not Domain.objects.filter(name="cheap.kz").exists()
    assert balance(epp_registrar.id).amount == Decimal("100.00")
    reply = create_domain(epp, "euro.kz", funded, fee=r.fee_agreement("create", "30.00", currency="EUR"))
    assert reply.code == 2004
    assert reply.results[0].values[0].tag == f"{F}currency"


def test_short_of_funds_is_2104_with_nothing_changed(epp, epp_registrar, funded):
    assert create_domain(epp, "first.kz", funded).code == 1000
    before = Domain.objects.get(name="first.kz").expires_at
    reply = send(epp, r.domain_renew("first.kz", before.date().isoformat(), years=3))
    assert reply.code == 2104, reply.raw
    assert Domain.objects.get(name="first.kz").expires_at == before
    assert balance(epp_registrar.id).amount == Decimal("70.00")
    reply = create_domain(epp, "second.kz", funded, years=3)
    assert reply.code == 2104
    assert not Domain.objects.filter(name="second.kz").exists()


def test_renew_answers_its_fee(epp, funded):
    assert create_domain(epp, "renewed.kz", funded).code == 1000
    expiry = Domain.objects.get(name="renewed.kz").expires_at.date().isoformat()
    reply = send(epp, r.domain_renew("renewed.kz", expiry, years=1, fee=r.fee_agreement("renew", "30.00")))
    assert reply.code == 1000, reply.raw
    assert fee_answer(reply, "renData").findtext(f"{F}balance") == "40.00"


def test_transfer_request_and_restore_answer_their_fees(epp, other_registrar, funded):
    assert create_domain(epp, "moving.kz", funded).code == 1000
    gaining = open_prepaid(other_registrar.id, other_registrar.handle, "USD", clock.now())
    record_payment(gaining, Money.of("50.00", "USD"), "test", clock.now(), reference="deposit")
    other = DirectClient(other_registrar)
    request = r.domain_transfer(
        "request", "moving.kz", auth_code="2fooBAR-kz", years=1, fee=r.fee_agreement("transfer", "30.00")
    )
    reply = send(other, request)
    assert reply.code == 1001, reply.raw
    data = fee_answer(reply, "trnData")  # charged when the transfer is approved: the balance as it is
    assert data.find(f"{F}fee").get("applied") == "delayed" and data.findtext(f"{F}fee") == "30.00"
    assert data.findtext(f"{F}balance") == "50.00"
    assert send(epp, r.domain_transfer("reject", "moving.kz")).code == 1000
    assert send(epp, r.domain_delete("moving.kz")).code == 1000
    reply = send(epp, r.domain_update("moving.kz", restore="request", fee=r.fee_agreement("update", "0.00")))
    assert reply.code == 2004  # agreeing to less than the restore fee
    reply = send(epp, r.domain_update("moving.kz", restore="request", fee=r.fee_agreement("update", "1000.00")))
    assert reply.code == 1000, reply.raw
    assert fee_answer(reply, "updData").findtext(f"{F}currency") == "USD"
