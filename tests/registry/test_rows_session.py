"""`rows` in session 11: the cursor of a pending answer is reused once its answer is read, never while
one is pending, and never after a failed pipeline left it in doubt."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction

from kzreg.registry import rows
from kzreg.registry.models import Registrar

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pipelines and SET CONSTRAINTS")


@postgresql_only
def test_a_pending_reads_cursor_serves_the_next_pipeline_once_read(registrar, other_registrar):
    with transaction.atomic():
        with rows.pipeline():
            first = rows.select_soon(Registrar, ("id",), "handle = %s", [registrar.handle])
        assert [r.pk for r in first.rows()] == [registrar.pk]
        free = list(connection.connection._kzreg_free_cursors)
        assert free, "the read's cursor went back to its connection"
        with rows.pipeline():
            second = rows.select_soon(Registrar, ("id",), "handle = %s", [other_registrar.handle])
        assert [r.pk for r in second.rows()] == [other_registrar.pk]  # its own answer, not the first one's
        assert set(map(id, connection.connection._kzreg_free_cursors)) <= set(map(id, free))


@postgresql_only
def test_after_a_failed_pipeline_the_next_one_reads_its_own_answers(registrar, other_registrar):
    with pytest.raises(DataError), transaction.atomic(), rows.pipeline():
        rows.select_soon(Registrar, ("id",), "handle = %s", [registrar.handle])
        rows.select_soon(Registrar, ("id",), "id = 1 / (id - id)", [])  # division by zero
    with transaction.atomic():
        with rows.pipeline():
            first = rows.select_soon(Registrar, ("id",), "handle = %s", [registrar.handle])
            second = rows.select_soon(Registrar, ("id",), "handle = %s", [other_registrar.handle])
        assert [r.pk for r in second.rows()] == [other_registrar.pk]
        assert [r.pk for r in first.rows()] == [registrar.pk]
    assert all(not cursor.closed for cursor in connection.connection._kzreg_free_cursors)
