"""The same name created twice at the same moment: exactly one wins (issue 2, SPEC R3/T14); handles of
simultaneous new contacts never collide (R5)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry.commands import CreateContact
from kzreg.registry.models import Domain
from kzreg.registry.operations import create_contact, create_domain
from tests.conftest import domain_command, org_contact, person

# serialized_rollback: the zones from the data migration come back after the flush, for the tests after this one.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8


def race(attempt: Callable[[int], object]) -> list[object]:
    """Runs `attempt(n)` in THREADS threads released at the same moment, each on its own connection;
    returns what each returned, its `OperationFailed` codes, or the repr of anything else it raised."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcome = attempt(n)
        except OperationFailed as exc:
            outcome = exc.codes
        except Exception as exc:  # anything else is a bug the caller's assertion shows
            outcome = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_one_of_many_simultaneous_creates_wins(registrar, staff):
    def attempt(n: int) -> object:
        command = domain_command("race.kz", registrant=org_contact(100 + n), admin=person(100 + n))
        return create_domain(command, staff).object.pk

    outcomes = race(attempt)
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if not isinstance(o, int)]
    assert len(outcomes) == THREADS and len(winners) == 1
    assert all(o == {Code.ALREADY_REGISTERED} for o in losers), losers
    assert Domain.objects.filter(name="race.kz", deleted_at__isnull=True).count() == 1


def test_simultaneous_contacts_of_one_stem_get_distinct_handles(staff):
    """R5: the handle count is one UPSERT that locks the stem's row, so racing requests never share a number."""
    outcomes = race(lambda n: create_contact(CreateContact(person(200 + n)), staff).object.handle)
    assert sorted(outcomes, key=str) == sorted((f"IVG{n}" for n in range(1, THREADS + 1)), key=str), outcomes
