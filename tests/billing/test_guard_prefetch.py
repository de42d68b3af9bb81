"""The fee guard's one read sent with a registration's own reads (`RegistryFees.prefetch`, B1, E3): `check`
uses that answer when it asks the same, reads again when it does not, and the charge is the same either way.
On PostgreSQL the read goes out inside the operation's read pipeline (no round trip of its own)."""

from __future__ import annotations

import pytest
from django.db import connection

from kzreg.billing import guard_reads, sqlrows
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed
from kzreg.registry.operations import create_domain
from tests.billing.conftest import balance_of
from tests.billing.test_quotes_single_use import quoted
from tests.conftest import domain_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """How the guard's read was made: "rode" (joined the registration's own read: `rider`), "sent"
    (`read_soon`, and whether inside a pipeline) or "read" (`read`)."""
    made: list[str] = []
    read, read_soon, rider = guard_reads.read, guard_reads.read_soon, guard_reads.rider

    def counted_rider(*args):  # type: ignore[no-untyped-def]
        made.append("rode")
        return rider(*args)

    def counted_read(*args):  # type: ignore[no-untyped-def]
        made.append("read")
        return read(*args)

    def counted_soon(*args):  # type: ignore[no-untyped-def]
        raw = connection.connection if connection.vendor == "postgresql" else None
        made.append("sent in pipeline" if getattr(raw, "_pipeline", None) is not None else "sent")
        return read_soon(*args)

    monkeypatch.setattr(guard_reads, "read", counted_read)
    monkeypatch.setattr(guard_reads, "read_soon", counted_soon)
    monkeypatch.setattr(guard_reads, "rider", counted_rider)
    return made


ON_ITS_OWN = "rode" if connection.vendor == "postgresql" else "sent"  # joined the name's look-up on PostgreSQL


def test_a_registrars_registration_sends_the_read_with_its_own(prepaid, registrar_actor, reads, frozen_clock):
    create_domain(domain_command("sent.kz"), registrar_actor)
    assert reads == [ON_ITS_OWN]
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_a_taken_name_is_found_with_the_read_riding_on_its_look_up(prepaid, registrar_actor, reads, frozen_clock):
    """The name's look-up carries the guard's read (PostgreSQL): a taken name is still found (its row beside the
    read's), and a free one is not taken for one (the read's row alone)."""
    from kzreg.core.messages import Code

    create_domain(domain_command("taken.kz"), registrar_actor)
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("taken.kz"), registrar_actor)
    assert Code.ALREADY_REGISTERED in refusal.value.codes
    assert reads == [ON_ITS_OWN, ON_ITS_OWN]
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_a_quoted_registration_uses_the_prefetched_quote(prepaid, registrar, registrar_actor, reads, frozen_clock):
    from kzreg.billing import fees

    quote = fees.quote("kz", "create", 1, registrar.id)
    create_domain(quoted("quoted.kz", quote.id), registrar_actor)
    assert reads == [ON_ITS_OWN]
    assert balance_of(prepaid) == Money.of("70.00", "USD")
    with pytest.raises(OperationFailed):  # used: the prefetched read says so, as a plain read would
        create_domain(quoted("again.kz", quote.id), registrar_actor)
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_insufficient_funds_are_found_from_the_prefetched_read_with_the_other_problems(
    prepaid, registrar_actor, reads, frozen_clock
):
    with pytest.raises(OperationFailed) as refusal:
        create_domain(domain_command("dear.kz", period=5, location=None), registrar_actor)
    codes = {problem.code for problem in refusal.value.problems}
    assert len(codes) >= 2  # the balance (USD 150 of 100) and the missing location, together
    assert balance_of(prepaid) == Money.of("100.00", "USD")
    assert reads == [ON_ITS_OWN]


def test_staff_registrations_read_in_check(prepaid, registrar, staff, reads, frozen_clock):
    """Staff name the registrar only after the reads (`find_registrar`): nothing to send early."""
    create_domain(domain_command("staff.kz"), staff)
    assert reads == ["read", "sent"]  # `read` in check, which sends and reads at once, outside any pipeline
    assert balance_of(prepaid) == Money.of("70.00", "USD")


def test_a_pending_row_outside_a_pipeline_is_read_at_once(prepaid):
    pending = sqlrows.PendingRow(type(prepaid), "SELECT balance_minor FROM billing_account WHERE id = %s", [prepaid.pk])
    assert pending._cursor is None
    assert pending.row() == (10000,)
