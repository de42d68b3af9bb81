"""The PostgreSQL backend (`kzreg.core.postgresql`): a transaction begun in pipeline mode sends BEGIN with
the statements that follow it, one round trip fewer, and still begins, commits and rolls back as psycopg's
own would."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from psycopg._pipeline_base import BasePipeline

from kzreg.core import rows
from kzreg.registry.models import Registrar

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
