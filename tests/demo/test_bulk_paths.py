"""The bulk loader's fast paths change how rows are written, never which: indexes come back, handle
sequences continue, the COPY fast path formats as value-by-value does, a child builds what this process would."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction

from kzreg.demo import names
from kzreg.demo.bulk import bulkload
from kzreg.demo.sinks import Sink, Table, _copy_line, _copy_text, _json
from kzreg.registry import handles
from kzreg.registry.commands import CreateContact
from kzreg.registry.models import (
    Contact,
    Domain,
    DomainNameServer,
    DomainStatus,
    HandleSequence,
    HistoryEntry,
    Host,
    Registrar,
)
from kzreg.registry.operations import create_contact
from tests.conftest import person
from tests.demo.test_bulkload import _check_consistent

MODELS = (Contact, Host, Domain, DomainNameServer, DomainStatus, HistoryEntry)


def _quiet(_: str) -> None:
    pass


def _tables() -> list[Table]:
    return [Table(model, with_id=True) for model in MODELS]


def test_copy_fast_path_formats_every_line_as_value_by_value():
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    rows = [
        ["plain", 7, None, True, False, at.date(), "Алматы"],
        ["tab\there", 1, "x", True, None, at.date(), "y"],
        ["line\nbreak", 2, "carriage\rreturn", False, None, at.date(), "z"],
        ['back\\slash "quoted"', 3, None, False, None, at.date(), "\\N"],
        ["", 0, "", True, True, at.date(), ""],
    ]
    for row in rows:
        assert _copy_line(row, len(row)) == "\t".join(map(_copy_text, row)), row
    assert _copy_line(rows[0], 7) == "plain\t7\t\\N\tt\tf\t2026-01-02\tАлматы"
    assert _copy_line(rows[3], 7).startswith('back\\\\slash "quoted"\t3\t\\N')


@pytest.mark.parametrize(
    "value",
    [[], ["+7 705 415 71 42"], ["a@b.kz", "Алматы"], ['say "hi"'], ["back\\slash"], ["tab\tin"], ["\u2028"],
     [1, "x"], ["a", None], {"k": ["v"]}, "text"],
)  # fmt: skip
def test_json_fast_path_writes_what_the_encoder_writes(value):
    assert _json(value) == json.dumps(value, ensure_ascii=False)


def test_names_are_never_given_twice_nor_taken_ones_R3():
    taken = {"almaty.kz", "xn--80aak3a.kz", "xn--80aak3a.xn--80ao21a"}  # almaty, дала, дала.қаз
    source = names.NameSource(random.Random(3), taken)
    given = [source.next()[0] for _ in range(20_000)]
    assert len(set(given)) == len(given)
    assert not taken & set(given)


@pytest.mark.django_db
def test_a_big_load_builds_the_indexes_it_dropped_and_those_a_killed_load_left_out(frozen_clock):
    sink, tables = Sink(), _tables()
    before = sink.existing_indexes(tables)
    plain = dict(sink.plain_indexes(tables))
    assert "history_key_time_idx" in plain and "domain_name_idx" in plain
    assert set(plain) <= before  # the models' plain indexes are all there after migrate
    sink.drop_indexes([("domain_name_idx", plain["domain_name_idx"])])  # as a killed load leaves it

    stats = bulkload(300, seed=5, batch=100, out=_quiet, rebuild_indexes=True)

    assert sink.existing_indexes(tables) == before
    assert stats.domains == Domain.objects.count() == 300
    _check_consistent()


@pytest.mark.django_db
def test_a_failed_big_load_still_builds_the_indexes_it_dropped(frozen_clock, monkeypatch):
    sink, tables = Sink(), _tables()
    before = sink.existing_indexes(tables)
    writes = []
    original = Sink.write

    def failing_write(self, table, rows):
        writes.append(table.model)
        if writes.count(HistoryEntry) == 3:  # pools, first batch, then the second batch fails
            raise RuntimeError("disk full")
        return original(self, table, rows)

    monkeypatch.setattr(Sink, "write", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        bulkload(300, seed=5, batch=150, out=_quiet, rebuild_indexes=True)
    assert sink.existing_indexes(tables) == before
    # the first batch stays (every batch is its own transaction), after the 5 hosting companies' own domains
    assert Domain.objects.count() == 5 + 150


@pytest.mark.django_db
def test_a_small_load_keeps_the_indexes_and_restores_a_missing_one(frozen_clock):
    sink, tables = Sink(), _tables()
    before = sink.existing_indexes(tables)
    plain = dict(sink.plain_indexes(tables))
    sink.drop_indexes([("history_key_time_idx", plain["history_key_time_idx"])])
    bulkload(50, seed=5, out=_quiet, rebuild_indexes=False)
    assert sink.existing_indexes(tables) == before


def _stem_and_number(contact: Contact) -> tuple[str, int]:
    """The `HandleSequence` stem of a handle and its number, as the operations count them (R5)."""
    if contact.kind == "R":
        prefix = handles.role_prefix(contact.organisation or contact.name)
        digits = re.search(r"(\d*)-ORG$", contact.handle)
        assert digits is not None, contact.handle
        return f"{prefix}{handles.ROLE_SUFFIX}", int(digits.group(1) or 0)
    prefix = handles.individual_prefix(contact.name)
    assert contact.handle.startswith(prefix), contact.handle
    return prefix, int(contact.handle[len(prefix) :])


@pytest.mark.django_db
@pytest.mark.parametrize("parallel", [False, True], ids=["built-here", "built-in-child"])
def test_handle_sequences_continue_after_the_loaded_handles_R5(parallel, registrar_actor, frozen_clock):
    bulkload(300, seed=9, batch=110, out=_quiet, parallel=parallel)
    highest: dict[str, int] = {}
    for contact in Contact.objects.all():
        stem, number = _stem_and_number(contact)
        highest[stem] = max(highest.get(stem, 0), number)
    assert dict(HandleSequence.objects.values_list("stem", "last")) == highest

    loaded = Contact.objects.filter(kind="I").order_by("id").first()
    stem = handles.individual_prefix(loaded.name)
    made = create_contact(
        CreateContact(person(77, name=loaded.name, emails="new.holder@example.kz")), registrar_actor
    ).object
    assert made.handle == f"{stem}{highest[stem] + 1}"
    assert HandleSequence.objects.get(stem=stem).last == highest[stem] + 1


class _Undo(Exception):
    pass


def _contents() -> dict:
    """What a load wrote, in an order that does not depend on the keys."""
    domains = [
        (d.name, d.unicode_name, d.registrant.handle, d.admin_contact.handle, d.tech_contact.handle,
         d.billing_contact.handle, d.expires_at, d.flags, d.reseller_name, d.ds_records, d.location_city,
         [link.host.name for link in d.nameserver_links.order_by("position")])
        for d in Domain.objects.select_related("registrant", "admin_contact", "tech_contact", "billing_contact")
    ]  # fmt: skip
    contacts = sorted(Contact.objects.values_list("handle", "name", "organisation", "emails", "phones", "created_at"))
    history = sorted(
        (e.object_type, e.object_key, e.version, e.operation, e.at, e.request_id, sorted(e.snapshot.items()))
        for e in HistoryEntry.objects.all()
    )
    return {"domains": sorted(domains), "contacts": contacts, "history": history}


def _load_and_undo(parallel: bool) -> dict:
    """Loads and rolls back; PostgreSQL's sequences do not roll back, so they are reset first (contact
    keys are part of the generated e-mail addresses)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [*MODELS, Registrar]):
            cursor.execute(sql)
    try:
        with transaction.atomic():
            bulkload(240, seed=11, batch=70, out=_quiet, parallel=parallel)
            contents = _contents()
            raise _Undo
    except _Undo:
        return contents


@pytest.mark.django_db
def test_rows_built_in_a_child_process_equal_rows_built_here(frozen_clock):
    here = _load_and_undo(parallel=False)
    assert Domain.objects.count() == 0
    in_child = _load_and_undo(parallel=True)
    assert len(here["domains"]) == 240
    assert in_child == here
