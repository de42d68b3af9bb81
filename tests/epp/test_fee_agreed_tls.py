"""<fee:fee> over the real TLS server (RFC 8748, ADR 0010 session 10): the create's agreement is compared by the
fee guard in the charging transaction and answered from the guard's report, as a registrar's client sees it;
a price that takes effect between the server's parse and the operation refuses the create (never an
overcharge). Every frame is checked against the EPP schemas by the suite's fixtures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kzreg.billing.books import open_prepaid, prepaid_account
from kzreg.billing.models import Price, Transaction
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.epp.commands import domain_create as create_handler
from kzreg.registry.models import Domain
from tests.epp.objects import create_domain, make_contacts, zones  # noqa: F401

F = f"{{{ns.FEE}}}"


@pytest.fixture
def funded(epp, epp_registrar):
    account = open_prepaid(epp_registrar.id, epp_registrar.handle, "USD", clock.now())
    record_payment(account, Money.of("100.00", "USD"), "test", clock.now(), reference="deposit")
    return make_contacts(epp)


def test_the_agreement_is_charged_answered_and_held_against_a_new_price(epp, epp_registrar, funded, monkeypatch):
    reply = create_domain(epp, "tls-paid.kz", funded, fee=r.fee_agreement("create", "30.00"))
    assert reply.code == 1000, reply.raw
    data = next(e for e in reply.extensions if e.tag == f"{F}creData")
    assert (data.findtext(f"{F}fee"), data.findtext(f"{F}balance")) == ("30.00", "70.00")
    reply = create_domain(epp, "tls-cheap.kz", funded, fee=r.fee_agreement("create", "29.50"))
    assert reply.code == 2004 and reply.results[0].values[0].tag == f"{F}fee"
    Price.objects.create(
        zone="kz", command="create", years=1, amount_minor=3300, currency="USD",
        valid_from=clock.now() + dt.timedelta(minutes=1), entered_by="t",
    )  # fmt: skip
    operation = create_handler.create_domain

    def later(command, actor):  # type: ignore[no-untyped-def]
        clock.advance(dt.timedelta(minutes=1))  # the new price takes effect after the parse
        return operation(command, actor)

    monkeypatch.setattr(create_handler, "create_domain", later)
    reply = create_domain(epp, "tls-race.kz", funded, fee=r.fee_agreement("create", "30.00"))
    assert reply.code == 2004, reply.raw
    assert "33.00" in reply.results[0].reasons[0]
    assert not Domain.objects.filter(name__in=["tls-cheap.kz", "tls-race.kz"]).exists()
    assert Transaction.objects.filter(kind="fee").count() == 1
    assert prepaid_account(epp_registrar.id).balance.amount == Decimal("70.00")
