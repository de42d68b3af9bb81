"""The bulk loader writes exactly the rows `create_domain` writes (ADR 0002), and only valid names and handles."""

from __future__ import annotations

import dataclasses
import random
from types import SimpleNamespace

import idna
import pytest
from django.db import transaction

from kzreg.demo import names, people
from kzreg.demo.bulk_rows import Batch, RowFactory
from kzreg.demo.handles import HandleAllocator
from kzreg.demo.sinks import Sink, Table
from kzreg.registry.commands import ContactData
from kzreg.registry.models import Contact, Domain, DomainNameServer, HistoryEntry, Host, ObjectType, Zone
from kzreg.registry.operations import create_domain
from kzreg.registry.policy import check_handle, parse_domain_name
from kzreg.registry.zones import zone_policies
from tests.conftest import LOCATION, T0, domain_command, org_contact, person

DIFFERENT_BY_NATURE = {"id", "name", "unicode_name", "handle", "registrant_id", "admin_contact_id", "tech_contact_id",
                       "billing_contact_id", "object_id", "object_key", "principal", "channel", "request_id",
                       "auth_code"}  # fmt: skip


def _fields(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in DIFFERENT_BY_NATURE
    }


def _person(data) -> ContactData:
    values = dataclasses.asdict(data)
    values.update(phones=(data.phones,), emails=(data.emails,), faxes=())
    return ContactData(**values)


def _snapshot(obj_type: str, key: str) -> dict:
    entry = HistoryEntry.objects.get(object_type=obj_type, object_key=key, version=1)
    return {**_fields(entry), "snapshot": {k: v for k, v in entry.snapshot.items() if k not in ("name", "unicode_name", "handle", "registrant", "admin", "tech", "billing")}}  # fmt: skip


@pytest.mark.django_db
def test_bulk_rows_equal_create_domain_rows_R1(registrar, registrar_actor, frozen_clock):
    made = create_domain(domain_command("alpha.kz"), registrar_actor).object
    hosts = list(Host.objects.order_by("name"))

    sink, factory = Sink(), RowFactory(random.Random(1), registrar.id, HandleAllocator(Contact.objects.values_list("handle", flat=True)))  # fmt: skip
    batch = Batch()
    first = sink.reserve_ids(Contact, 2)
    holder = factory.contact(batch, _person(org_contact()), first, T0, "r1", "domain_create")
    admin = factory.contact(batch, _person(person()), first + 1, T0, "r1", "domain_create")
    contacts = {"registrant": holder, "admin": admin, "tech": admin, "billing": admin}
    zone = Zone.objects.get(name="kz").id
    pk = sink.reserve_ids(Domain, 1)
    factory.domain(batch, pk, ("beta.kz", "beta.kz", zone), T0, 1, contacts, hosts, (LOCATION.address, LOCATION.city, LOCATION.region), "r1")  # fmt: skip
    with transaction.atomic():
        for model, rows in ((Contact, batch.contacts), (Domain, batch.domains), (DomainNameServer, batch.links), (HistoryEntry, batch.history)):  # fmt: skip
            table = Table(model, with_id=model in (Contact, Domain))
            sink.write(table, [table.row(r) for r in rows])

    loaded = Domain.objects.get(name="beta.kz")
    assert _fields(loaded) == _fields(made)
    assert _fields(loaded.registrant) == _fields(made.registrant)
    assert _fields(loaded.admin_contact) == _fields(made.admin_contact)
    assert loaded.tech_contact_id == loaded.admin_contact_id == loaded.billing_contact_id
    links = lambda d: list(DomainNameServer.objects.filter(domain=d).values_list("host_id", "position"))  # noqa: E731
    assert links(loaded) == links(made)
    assert _snapshot(ObjectType.DOMAIN, "beta.kz") == _snapshot(ObjectType.DOMAIN, "alpha.kz")
    assert _snapshot(ObjectType.CONTACT, loaded.registrant.handle) == _snapshot(
        ObjectType.CONTACT, made.registrant.handle
    )
    beta = HistoryEntry.objects.get(object_key="beta.kz").snapshot
    assert beta["registrant"] == loaded.registrant.handle and beta["nameservers"] == [h.name for h in hosts]


@pytest.mark.django_db
def test_generated_names_pass_the_registry_rules_R3():
    rnd = random.Random(5)
    source = names.NameSource(rnd)
    zones = zone_policies()
    for _ in range(2000):
        name, unicode_name, zone = source.next()
        parsed, problems = parse_domain_name(unicode_name, zones)
        assert problems == [] and parsed is not None, unicode_name
        assert parsed.name == name and name.endswith("." + zone)
        label = unicode_name.split(".")[0]
        assert names.to_alabel(label) == idna.encode(label).decode()


def test_handles_follow_R5_and_continue_after_existing_ones():
    allocator = HandleAllocator(["IVG1", "IVG2", "KT-ORG", "KT1-ORG"])
    assert allocator.individual("Grozny, Ivan V., III") == "IVG3"
    assert allocator.role("Kazakh Telecom") == "KT2-ORG"
    rnd = random.Random(2)
    for i in range(3000):
        data = people.role(rnd, i) if i % 2 else people.individual(rnd, i)
        handle = allocator.role(data.organisation) if i % 2 else allocator.individual(data.name)
        assert check_handle(handle) and len(handle) <= 10, handle
    assert len(allocator.taken) == 4 + 2 + 3000


@pytest.mark.django_db
def test_written_values_read_back_unchanged_including_copy_escapes_R1(registrar):
    """Tabs, newlines, backslashes, quotes and Cyrillic survive the COPY text format and executemany alike."""
    sink = Sink()
    factory = RowFactory(random.Random(1), registrar.id, HandleAllocator([]))
    batch = Batch()
    tricky = dataclasses.replace(people.individual(random.Random(4), 1), address='Абай даңғылы, 10 "А" \\ кв. 5')
    contact = factory.contact(batch, tricky, sink.reserve_ids(Contact, 1), T0, "r2", "contact_create")
    reason = 'бір\nдва\tthree \\ "four"\r'
    factory.history(batch, ObjectType.CONTACT, SimpleNamespace(id=contact.id, version=2), contact.handle, {"note": reason}, "contact_modify", T0, "r3",
                    factory.staff_author, reason)  # fmt: skip
    contact_table, history_table = Table(Contact, with_id=True), Table(HistoryEntry, with_id=False)
    with transaction.atomic():
        assert sink.write(contact_table, contact_table.payload(batch.contacts)) == 1
        assert sink.write(history_table, history_table.payload(batch.history)) == 2
    stored = Contact.objects.get(handle=contact.handle)
    assert (stored.address, stored.created_at, stored.phones) == (tricky.address, T0, list(tricky.phones))
    note = HistoryEntry.objects.get(object_key=contact.handle, operation="contact_modify")
    assert (note.reason, note.snapshot, note.role) == (reason, {"note": reason}, "registry")
