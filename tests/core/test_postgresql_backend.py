"""The PostgreSQL backend (`kzreg.registry.postgresql`): a transaction begun in pipeline mode sends BEGIN with
the statements that follow it, one round trip fewer, and still begins, commits and rolls back as psycopg's
own would."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from psycopg._pipeline_base import BasePipeline

from kzreg.registry import queries, rows
from kzreg.registry.commands import NameServer
from kzreg.registry.models import Domain, Registrar
from kzreg.registry.operations import create_domain
from tests.conftest import domain_command

# serialized_rollback: the zones from the data migration come back after the flush, for the tests after these.
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def syncs(monkeypatch) -> list[int]:
    """Counts the pipeline Syncs sent (each one a round trip)."""
    count = [0]
    original = BasePipeline._enqueue_sync

    def counted(self) -> None:  # type: ignore[no-untyped-def]
        count[0] += 1
        original(self)

    monkeypatch.setattr(BasePipeline, "_enqueue_sync", counted)
    return count


@pytest.fixture
def raw() -> Iterator[psycopg.Connection]:
    """The test connection's own psycopg connection, out of autocommit, with a scratch table."""
    connection.ensure_connection()
    conn = connection.connection
    conn.autocommit = True
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS scratch (v int UNIQUE)")
    conn.execute("TRUNCATE scratch")
    conn.autocommit = False
    yield conn
    conn.rollback()
    conn.autocommit = True


def _scratch(conn: psycopg.Connection) -> list[int]:
    return [v for (v,) in conn.execute("SELECT v FROM scratch ORDER BY v").fetchall()]


def test_reads_that_open_a_transaction_take_one_round_trip(registrar, other_registrar, syncs):
    with transaction.atomic():
        with rows.pipeline():
            first = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [registrar.handle])
            second = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [other_registrar.handle])
        assert syncs[0] == 1  # psycopg alone: one for BEGIN, one when the block ends
        assert [r.handle for r in first.rows() + second.rows()] == [registrar.handle, other_registrar.handle]
        assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS


def test_a_commit_while_begin_is_still_queued_commits(raw):
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (1)")
        raw.commit()  # BEGIN and the INSERT not answered yet: the commit waits for them, then commits
    raw.rollback()
    assert _scratch(raw) == [1]


def test_a_rollback_undoes_the_statements_after_a_queued_begin(raw):
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (1)")
    raw.rollback()
    assert _scratch(raw) == []


def test_a_transaction_ended_by_sql_is_followed_by_a_new_begin(raw):
    """After COMMIT sent as a statement the next pipeline must begin a transaction again, not run its
    statements each on its own."""
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (1)")
    raw.execute("COMMIT")
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (2)")
    raw.rollback()
    assert _scratch(raw) == [1]


def test_a_failure_in_the_first_pipeline_rolls_the_whole_transaction_back(registrar):
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline():
        rows.execute(f"UPDATE {rows.quote(Registrar._meta.db_table)} SET name = %s WHERE id = %s", ["x", registrar.pk])
        rows.insert_row(Registrar, {**_registrar_row(registrar), "handle": registrar.handle})  # taken
    assert Registrar.objects.get(pk=registrar.pk).name == registrar.name
    with transaction.atomic():  # the connection is ready for the next transaction
        Registrar.objects.filter(pk=registrar.pk).update(name="renamed")
    assert Registrar.objects.get(pk=registrar.pk).name == "renamed"


def _registrar_row(registrar: Registrar) -> dict:
    return {f.attname: getattr(registrar, f.attname) for f in Registrar._meta.concrete_fields if not f.primary_key}


def test_a_commit_queued_in_a_pipeline_ends_the_transaction_with_its_statements(raw, syncs):
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (1)")
        raw.queue_commit()
    assert syncs[0] == 1  # BEGIN, INSERT and COMMIT in one round trip
    assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    raw.commit()  # what Django's atomic() does next: nothing left to send
    assert syncs[0] == 1
    raw.rollback()
    assert _scratch(raw) == [1]


def test_a_statement_after_the_queued_commit_begins_a_new_transaction(raw):
    with raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (1)")
        raw.queue_commit()
        raw.execute("INSERT INTO scratch VALUES (2)")
    raw.rollback()
    assert _scratch(raw) == [1]


def test_a_failure_before_the_queued_commit_commits_nothing(raw):
    """Which error the raw pipeline raises depends on when the answers arrive: the unique index's inside
    the block, or at the pipeline's end "pipeline aborted" while handling it (seen on a loaded machine);
    `rows.pipeline` reports the cause either way (`rows._cause_of`, below). Nothing is committed."""
    raw.autocommit = True
    raw.execute("INSERT INTO scratch VALUES (1)")
    raw.autocommit = False
    aborted = (psycopg.errors.UniqueViolation, psycopg.errors.PipelineAborted)
    with pytest.raises(aborted) as raised, raw.pipeline():
        raw.execute("INSERT INTO scratch VALUES (2)")
        raw.execute("INSERT INTO scratch VALUES (1)")
        raw.queue_commit()
    error = raised.value
    cause = rows._cause_of(error) if isinstance(error, psycopg.errors.PipelineAborted) else error
    assert isinstance(cause, psycopg.errors.UniqueViolation)
    raw.rollback()
    assert _scratch(raw) == [1]


def test_a_registration_of_its_own_is_two_round_trips_and_commits(make_domain, staff, syncs):
    """Reads (with BEGIN) in one, the writes with COMMIT in the other, when every contact and name server
    exists; the domain is then there for any other connection."""
    first = make_domain("first.kz")
    command = domain_command(
        "second.kz", registrant=first.registrant.handle, admin=first.admin_contact.handle,
        nameservers=tuple(NameServer(h.name) for h in queries.domain_nameservers(first)),
    )  # fmt: skip
    syncs[0] = 0
    created = create_domain(command, staff).object
    assert syncs[0] == 2
    with psycopg.connect(_conninfo()) as other:
        assert other.execute("SELECT name FROM registry_domain WHERE id = %s", [created.pk]).fetchone() == (
            "second.kz",
        )


def _conninfo() -> str:
    params = connection.get_connection_params()
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}
    )


def test_a_failed_write_before_the_queued_commit_is_reported_as_itself(registrar):
    """The COMMIT behind a failed statement is answered "pipeline aborted"; what reaches the caller is the
    failure that caused it (here a taken handle: IntegrityError), whatever order the answers come in."""
    row = {**_registrar_row(registrar), "name": "another"}
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline(commit=True):
        rows.insert_row(Registrar, row)
    assert list(Registrar.objects.values_list("name", flat=True)) == [registrar.name]
    try:
        try:
            raise psycopg.errors.UniqueViolation("duplicate key")
        except psycopg.Error:
            raise psycopg.errors.PipelineAborted("pipeline aborted") from None
    except psycopg.errors.PipelineAborted as aborted:
        assert isinstance(rows._cause_of(aborted), psycopg.errors.UniqueViolation)


def test_a_registration_inside_a_callers_manual_transaction_leaves_the_commit_to_it(make_domain, staff):
    """With autocommit off the caller owns the transaction (atomic() does not commit it either): the
    registration must not send COMMIT with its writes, so the caller's rollback takes it back."""
    first = make_domain("first.kz")
    command = domain_command("second.kz", registrant=first.registrant.handle, admin=first.admin_contact.handle)
    transaction.set_autocommit(False)
    try:
        create_domain(command, staff)
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert not Domain.objects.filter(name="second.kz").exists()
