"""The prepared-statement layer under the operations (`kzreg.registry.rows`): what it writes and reads is what
the ORM would, and in PostgreSQL pipeline mode reads, new keys and failures arrive where they belong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kzreg.registry import rows
from kzreg.registry.models import Domain, DomainNameServer, HistoryEntry, Registrar

pytestmark = pytest.mark.django_db


def test_reads_sent_together_come_back_to_each_caller(registrar, other_registrar):
    with rows.pipeline():
        first = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [registrar.handle])
        second = rows.select_soon(Registrar, ("id", "handle"), "handle = %s", [other_registrar.handle])
        missing = rows.select_soon(Registrar, ("id",), "handle = %s", ["NO-SUCH"])
    assert [r.pk for r in first.rows()] == [registrar.pk]
    assert [r.handle for r in second.rows()] == [other_registrar.handle]
    assert missing.rows() == []


def _copy(domain: Domain, name: str) -> Domain:
    copy = Domain.objects.get(pk=domain.pk)
    copy.pk, copy.name, copy.unicode_name = None, name, name
    return copy


def _children(domain: Domain) -> list:
    links = [{"domain_id": rows.PARENT_KEY, "host_id": link.host_id, "position": link.position}
             for link in domain.nameserver_links.order_by("position")]  # fmt: skip
    history = {**HistoryEntry.objects.filter(object_id=domain.pk, object_type="domain").values().get()}
    history.pop("id")
    history["object_id"] = rows.PARENT_KEY
    return [(DomainNameServer, links), (HistoryEntry, [history])]


@pytest.mark.parametrize("in_pipeline", [False, True])
def test_a_row_and_the_rows_referring_to_it_are_written_together(make_domain, in_pipeline):
    """`insert_with_children`: the children get the parent's new key where `PARENT_KEY` stands, and read
    back as the ORM wrote the original's."""
    original = make_domain("first.kz")
    copy = _copy(original, "second.kz")
    with transaction.atomic():
        if in_pipeline:
            with rows.pipeline():
                key = rows.insert_with_children(copy, _children(original))
        else:
            key = rows.insert_with_children(copy, _children(original))
        assert key.value() == copy.pk and copy.pk not in (None, original.pk)
    assert Domain.objects.get(pk=copy.pk).name == "second.kz"
    assert list(copy.nameserver_links.order_by("position").values_list("host_id", "position")) == list(
        original.nameserver_links.order_by("position").values_list("host_id", "position")
    )
    entry = HistoryEntry.objects.get(object_type="domain", object_id=copy.pk)
    assert entry.snapshot == HistoryEntry.objects.get(object_type="domain", object_id=original.pk).snapshot


def test_a_guards_rider_joins_the_statement_and_gets_its_answer(make_domain):
    """`insert_with_children(riders=…)` (a guard's `ride`): the rider's CTEs and columns join the family's
    one statement, see the new key, and its answer comes back with the key; psycopg's placeholder
    conversion of that long statement (over 50 parameters) is kept per text, not redone (`_converted`)."""
    from django.db import connection

    from kzreg.registry.guards import Rider

    if connection.vendor != "postgresql":
        pytest.skip("riders join a statement sent in PostgreSQL's pipeline")
    original = make_domain("first.kz")
    answers: list[tuple] = []
    padding = ", ".join(["%s::int"] * 40)  # past psycopg's own cache (50 parameters) with the family's

    def riders(key_sql: str, alias: str) -> list[Rider]:
        ctes = f"probe AS (SELECT %s::bigint AS n, {key_sql} AS k, ARRAY[{padding}] AS pad)"
        columns = "(SELECT n FROM probe), (SELECT k FROM probe)"
        return [Rider(ctes, columns, 2, [41, *range(40)], answers.append)]

    keys = []
    for name in ("second.kz", "third.kz"):
        copy = _copy(original, name)
        with transaction.atomic():
            with rows.pipeline():
                key = rows.insert_with_children(copy, _children(original), riders=riders)
            keys.append(key.value())
        if name == "second.kz":
            hits = rows._converted.cache_info().hits
    assert answers == [(41, keys[0]), (41, keys[1])]
    assert rows._converted.cache_info().hits > hits
    assert Domain.objects.get(pk=keys[1]).name == "third.kz"


def test_a_lost_race_for_the_parent_writes_no_child(make_domain):
    original = make_domain("first.kz")
    duplicate = _copy(original, "first.kz")
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline():
        rows.insert_with_children(duplicate, _children(original)).value()
    assert DomainNameServer.objects.count() == original.nameserver_links.count()
    assert HistoryEntry.objects.filter(object_type="domain").count() == 1


def test_rows_read_times_as_the_orm_does(make_domain):
    """Timestamps come back aware and in UTC, equal to the ORM's, whichever loader the driver uses."""
    domain = make_domain("first.kz")
    read = rows.select(Domain, ("id", "created_at", "expires_at", "purge_at"), "id = %s", [domain.pk])[0]
    orm = Domain.objects.get(pk=domain.pk)
    assert (read.created_at, read.expires_at, read.purge_at) == (orm.created_at, orm.expires_at, None)
    assert read.created_at.tzinfo is dt.UTC and read.created_at.utcoffset() == orm.created_at.utcoffset()


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


class RecordingRouter:
    """Sends everything to the default database and notes what it was asked (a replica router's place)."""

    asked: list[tuple[str, str]] = []

    def db_for_read(self, model, **hints):  # type: ignore[no-untyped-def]
        self.asked.append(("read", model.__name__))
        return "default"

    def db_for_write(self, model, **hints):  # type: ignore[no-untyped-def]
        self.asked.append(("write", model.__name__))
        return "default"


class ElsewhereRouter:
    """Sends plain reads of domains to a database that does not exist here: a statement that asks the
    routers fails loudly; one that takes the default connection would quietly succeed."""

    def db_for_read(self, model, **hints):  # type: ignore[no-untyped-def]
        return "replica" if model is Domain else None


def test_statements_go_where_the_routers_send_their_model(settings, make_domain, staff):
    settings.DATABASE_ROUTERS = [f"{__name__}.RecordingRouter"]
    RecordingRouter.asked.clear()
    domain = make_domain("example.kz")
    assert ("write", "Domain") in RecordingRouter.asked and ("write", "HistoryEntry") in RecordingRouter.asked
    RecordingRouter.asked.clear()
    assert rows.select(Domain, ("name",), "id = %s", [domain.id])[0].name == "example.kz"
    assert ("read", "Domain") in RecordingRouter.asked
    RecordingRouter.asked.clear()
    lock = rows.for_update()  # PostgreSQL; SQLite has no row locks, so there it is a plain read
    with transaction.atomic():
        rows.select(Domain, ("name",), f"id = %s{lock}", [domain.id])
    assert (("write" if lock else "read"), "Domain") in RecordingRouter.asked
    assert (("read" if lock else "write"), "Domain") not in RecordingRouter.asked


def test_a_read_routed_elsewhere_is_not_taken_from_the_default_connection(settings, make_domain):
    from django.utils.connection import ConnectionDoesNotExist

    domain = make_domain("example.kz")
    settings.DATABASE_ROUTERS = [f"{__name__}.ElsewhereRouter"]
    with pytest.raises(ConnectionDoesNotExist):
        rows.select(Domain, ("name",), "id = %s", [domain.id])
    assert rows.select(Registrar, ("handle",), "id = %s", [domain.registrar_id])  # not routed: the default
