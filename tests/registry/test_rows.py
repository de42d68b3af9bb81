"""The prepared-statement layer under the operations (`kzreg.core.rows`): what it writes and reads is what
the ORM would, and in PostgreSQL pipeline mode reads, reserved keys and failures arrive where they belong."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from kzreg.core import rows
from kzreg.registry.models import Domain, Registrar

pytestmark = pytest.mark.django_db


def test_reads_sent_together_come_back_to_each_caller(registrar, other_registrar):
    with rows.pipeline():
        first = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [registrar.handle])
        second = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [other_registrar.handle])
        missing = rows.select_soon(Registrar, ("id",), "handle = %s", ["NO-SUCH"])
    assert [r.pk for r in first.rows()] == [registrar.pk]
    assert [r.handle for r in second.rows()] == [other_registrar.handle]
    assert missing.rows() == []


def test_a_reserved_key_is_the_row_key_and_never_reused(make_domain):
    existing = make_domain("first.kz")
    copy = Domain.objects.get(pk=existing.pk)
    with rows.pipeline():
        key = rows.ReservedKey(Domain)
    reserved = key.value()
    if connection.vendor == "postgresql":
        assert reserved is not None and reserved > existing.pk
    else:  # SQLite assigns the key at the INSERT
        assert reserved is None
    copy.pk, copy.name, copy.unicode_name = None, "second.kz", "second.kz"
    with transaction.atomic(), rows.pipeline():
        rows.insert(copy, key)
    assert copy.pk is not None and copy.pk != existing.pk
    assert Domain.objects.get(pk=copy.pk).name == "second.kz"
    if reserved is not None:
        assert copy.pk == reserved


def test_a_failed_write_in_a_pipeline_is_raised_when_it_ends(make_domain):
    """The unique index on live names decides a race; the failure must reach the operation as Django's
    IntegrityError inside its transaction, not be lost or surface in a later statement."""
    existing = make_domain("taken.kz")
    duplicate = Domain.objects.get(pk=existing.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline():
        rows.insert(duplicate)
        rows.select_soon(Registrar, ("id",), "id = %s", [existing.registrar_id])
    assert Domain.objects.filter(name="taken.kz").count() == 1
