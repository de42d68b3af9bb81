"""Invoice numbers stay gap-free under concurrent issuing on PostgreSQL (issue 11): the counter row's lock
serialises issuers, and an issue rolled back by its caller gives its number back."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction

from kzreg.billing.audit import check_ledger
from kzreg.billing.models import Invoice
from tests.billing.invoice_helpers import issue

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8
EACH = 5


class CallerFailed(Exception):
    """The caller's own operation failing after it issued the invoice: the whole transaction rolls back."""


def test_concurrent_issuing_gives_1_to_n_without_gaps(frozen_clock):
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            for k in range(EACH):
                try:
                    with transaction.atomic():
                        issue()
                        if (n + k) % 3 == 0:
                            raise CallerFailed
                except CallerFailed:
                    pass
        except Exception as exc:  # shown by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    kept = sum(1 for n in range(THREADS) for k in range(EACH) if (n + k) % 3 != 0)
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, kept + 1))
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [f"2026-{s:06d}" for s in sequences]
    assert check_ledger().ok
