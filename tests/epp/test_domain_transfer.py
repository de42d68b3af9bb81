"""`<domain:transfer>` (RFC 5731 §3.1.3, §3.2.4; R15, E2): request with the authorization code, query,
approve, reject, cancel, and the poll messages both registrars get."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, DomainTransfer
from tests.epp.objects import create_domain, make_contacts, send, zones  # noqa: F401

NAME = "almaty-net.kz"
D = f"{{{ns.DOMAIN}}}"


@pytest.fixture
def created(epp, other_epp):
    ids = make_contacts(epp)
    assert create_domain(epp, NAME, ids, auth_code="2fooBAR-kz").code == 1000
    return Domain.objects.get(name=NAME)


def test_request_with_the_code_is_pending_1001_and_approve_moves_the_domain(epp, other_epp, created):
    reply = send(other_epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz", years=1))
    assert reply.code == 1001, reply.raw
    data = reply.res_data
    assert (data.findtext(f"{D}trStatus"), data.findtext(f"{D}reID"), data.findtext(f"{D}acID")) == (
        "pending",
        "HOSTER-KZ",
        "PS-KZ",
    )
    query = send(epp, r.domain_transfer("query", NAME))
    assert query.code == 1000 and query.res_data.findtext(f"{D}trStatus") == "pending"
    reply = send(epp, r.domain_transfer("approve", NAME))
    assert reply.code == 1000, reply.raw
    assert reply.res_data.findtext(f"{D}trStatus") == "clientApproved"
    moved = Domain.objects.get(name=NAME)
    assert moved.registrar.handle == "HOSTER-KZ"
    assert moved.expires_at.year == created.expires_at.year + 1


def test_request_with_a_wrong_code_is_2202_and_nothing_pends(other_epp, created):
    reply = send(other_epp, r.domain_transfer("request", NAME, auth_code="wrong-code-1"))
    assert reply.code == 2202
    assert not DomainTransfer.objects.exists()


def test_reject_and_cancel(epp, other_epp, created):
    assert send(other_epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz")).code == 1001
    assert send(other_epp, r.domain_transfer("reject", NAME)).code >= 2200  # only the losing registrar rejects
    reply = send(epp, r.domain_transfer("reject", NAME))
    assert reply.code == 1000 and reply.res_data.findtext(f"{D}trStatus") == "clientRejected"
    assert Domain.objects.get(name=NAME).registrar.handle == "PS-KZ"
    assert send(other_epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz")).code == 1001
    assert send(epp, r.domain_transfer("cancel", NAME)).code >= 2200  # only the gaining registrar cancels
    reply = send(other_epp, r.domain_transfer("cancel", NAME))
    assert reply.code == 1000 and reply.res_data.findtext(f"{D}trStatus") == "clientCancelled"
    assert Domain.objects.get(name=NAME).registrar.handle == "PS-KZ"


def test_the_sponsor_cannot_request_its_own_domain(epp, created):
    reply = send(epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz"))
    assert reply.code >= 2000
    assert not DomainTransfer.objects.exists()


def test_query_without_any_transfer_is_refused(epp, created):
    assert send(epp, r.domain_transfer("query", NAME)).code >= 2000
