"""The bulk loader (issue 2, speed): consistent rows, loads twice without collisions, operations still work."""

from __future__ import annotations

import pytest
from django.db.models import Count

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.demo.bulk import bulkload
from kzreg.registry.models import Contact, Domain, DomainNameServer, HistoryEntry, Host, ObjectType
from kzreg.registry.operations import create_domain
from kzreg.registry.policy import check_handle, superordinate_domain
from kzreg.registry.zones import zone_policies
from tests.conftest import domain_command


def _quiet(_: str) -> None:
    pass


def _check_consistent() -> None:
    domains = Domain.objects.all()
    contact_ids = set(Contact.objects.values_list("id", flat=True))
    for d in domains:
        roles = {d.registrant_id, d.admin_contact_id, d.tech_contact_id, d.billing_contact_id}
        assert roles <= contact_ids, d.name
    counts = dict(DomainNameServer.objects.values_list("domain_id").annotate(n=Count("id")))
    assert all(counts.get(d.id, 0) >= 2 for d in domains)
    assert set(DomainNameServer.objects.values_list("host_id", flat=True)) <= set(
        Host.objects.values_list("id", flat=True)
    )
    for kind, model in ((ObjectType.DOMAIN, Domain), (ObjectType.CONTACT, Contact), (ObjectType.HOST, Host)):
        with_v1 = set(HistoryEntry.objects.filter(object_type=kind, version=1).values_list("object_id", flat=True))
        assert set(model.objects.values_list("id", flat=True)) == with_v1, kind
        latest = {
            e.object_id: e for e in HistoryEntry.objects.filter(object_type=kind).order_by("object_id", "version")
        }
        for obj in model.objects.all():
            assert latest[obj.id].version == obj.version
    assert all(check_handle(h) for h in Contact.objects.values_list("handle", flat=True))
    # Issue 10: every server inside our zones lies in a registered domain of the same registrar.
    zones = zone_policies()
    sponsors = dict(Domain.objects.filter(deleted_at__isnull=True).values_list("name", "registrar_id"))
    for host in Host.objects.all():
        parent = superordinate_domain(host.name, zones)
        assert parent is None or sponsors.get(parent) == host.registrar_id, host.name


@pytest.mark.django_db
def test_bulkload_rows_are_consistent_and_operations_still_work_R1_R5_R11_T14(registrar_actor, frozen_clock):
    Host.objects.all().delete()  # not the fixture's ps.kz servers: the load makes and registers its own
    stats = bulkload(300, seed=7, batch=120, out=_quiet)
    assert stats.domains == Domain.objects.count() == 300
    assert stats.provider_domains == 5  # ps.kz, hoster.kz, srv.kz, kazteleport.kz, zhosting.kz: among the 300
    assert stats.history == HistoryEntry.objects.count()
    _check_consistent()
    domains = list(Domain.objects.all())
    assert {d.zone.name for d in domains} == {"kz", "xn--80ao21a"}
    assert any(not d.unicode_name.isascii() and d.zone.name == "kz" for d in domains)
    assert Host.objects.filter(name__endswith=".kz").exists() and Host.objects.exclude(name__endswith=".kz").exists()
    assert any(":" in a for h in Host.objects.all() for a in h.addresses)

    taken = Domain.objects.order_by("id").first()
    with pytest.raises(OperationFailed) as refused:
        create_domain(domain_command(taken.unicode_name), registrar_actor)
    assert [p.code for p in refused.value.problems] == [Code.ALREADY_REGISTERED]
    made = create_domain(domain_command("after-bulk.kz"), registrar_actor).object
    assert made.id > max(d.id for d in domains)  # the sequence moved past the loaded block


@pytest.mark.django_db
def test_bulkload_twice_with_the_same_seed_adds_new_names_and_handles_R5(frozen_clock):
    bulkload(200, seed=3, batch=200, out=_quiet)
    first_handles = set(Contact.objects.values_list("handle", flat=True))
    first_hosts = Host.objects.count()
    bulkload(200, seed=3, batch=90, out=_quiet, parallel=True)  # rows built in a forked child
    assert Domain.objects.count() == 400
    assert len(set(Domain.objects.values_list("name", flat=True))) == 400
    assert first_handles < set(Contact.objects.values_list("handle", flat=True))
    assert Host.objects.count() >= first_hosts  # the big providers' servers are shared, not duplicated
    _check_consistent()


@pytest.mark.django_db
def test_bulkload_rejects_nonsense_sizes():
    with pytest.raises(ValueError):
        bulkload(0, out=_quiet)
