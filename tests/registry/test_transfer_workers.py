"""Transfers under concurrency (issue 10, R15): several workers sweeping due transfers approve each once;
simultaneous requests for one domain leave one pending. Real concurrent transactions: PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainTransfer, HistoryEntry, PollMessage, Registrar, TransferStatus
from tests.conftest import T0
from tests.registry.epp_world import epp_actor, new_domain
from tests.registry.test_concurrency import THREADS, race

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DOMAINS = 12


def test_workers_approve_each_due_transfer_once(epp, frozen_clock):
    names = [f"due{n}.kz" for n in range(DOMAINS)]
    for name in names:
        ops.create_domain(new_domain(name, auth_code="domain-code-1"), epp["owner"])
        ops.request_transfer(c.RequestTransfer(name, "domain-code-1"), epp["gainer"])
    frozen_clock.advance(dt.timedelta(days=5))
    outcomes = race(lambda n: ops.approve_due_transfers(limit=DOMAINS))
    assert sum(o for o in outcomes if isinstance(o, int)) == DOMAINS, outcomes
    assert set(DomainTransfer.objects.values_list("status", flat=True)) == {TransferStatus.SERVER_APPROVED}
    assert set(Domain.objects.filter(name__in=names).values_list("registrar__handle", flat=True)) == {"HOSTER-KZ"}
    approvals = HistoryEntry.objects.filter(operation="domain_transfer_approve", object_key__in=names)
    assert approvals.count() == DOMAINS
    assert PollMessage.objects.filter(kind="transfer_decided").count() == 2 * DOMAINS


def test_simultaneous_requests_leave_one_pending(epp):
    gainers = [
        epp_actor(Registrar.objects.create(handle=f"GAIN{n}-KZ", name=f"Gain {n}", email=f"g{n}@x.kz", created_at=T0))
        for n in range(THREADS)
    ]
    outcomes = race(
        lambda n: ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), gainers[n]).object.pk
    )
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert [o for o in outcomes if not isinstance(o, int)] == [{Code.PENDING_TRANSFER}] * (THREADS - 1)
    assert DomainTransfer.objects.filter(status=TransferStatus.PENDING).count() == 1
