"""Typed reads for EPP `<check>` and `<info>` (issue 10, RFC 5731–5733): one query per kind for a check,
statuses in EPP's words, codes and personal data only for the sponsor, staff or whoever has the code."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import ReservedName, Zone
from kzreg.registry.reads.objects import (
    check_contacts,
    check_domains,
    check_hosts,
    contact_info,
    domain_info,
    host_info,
)
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_check_many_domains_in_one_query(epp):
    ReservedName.objects.get_or_create(zone=Zone.objects.get(name="kz"), label="gov", defaults={"kind": "reserved"})
    names = ["EXAMPLE.kz", "free.kz", "-bad.kz", "gov.kz", "қазақ.қаз", "x.com"]
    with CaptureQueriesContext(connection) as queries:
        results = check_domains(names)
    assert len(queries) <= 2  # the zones (cached after the first use) and the names
    assert [(r.key, r.available) for r in results] == [
        ("example.kz", False), ("free.kz", True), ("-bad.kz", False), ("gov.kz", False),
        ("xn--80aau21bd.xn--80ao21a", True), ("x.com", False),
    ]  # fmt: skip
    assert [r.reason_code for r in results] == [
        Code.ALREADY_REGISTERED, None, Code.NAME_HYPHEN_EDGE, Code.NAME_RESERVED, None, Code.ZONE_UNKNOWN,
    ]  # fmt: skip
    assert "already registered" in results[0].reason
    assert check_domains(["gov.kz"], epp["staff"])[0].available  # staff may register reserved names


def test_check_reads_live_domains_only_and_many_names_at_once(epp):
    """The check's prepared statement (one text for any number of names on PostgreSQL) sees only live
    rows: a deleted domain's name is free again."""
    from kzreg.core import clock
    from kzreg.registry.models import Domain

    taken = epp["domain"].name
    names = [taken, *(f"free-{i}.kz" for i in range(5)), taken.upper()]
    assert [r.available for r in check_domains(names)] == [False, True, True, True, True, True, False]
    Domain.objects.filter(pk=epp["domain"].pk).update(deleted_at=clock.now())
    assert all(r.available for r in check_domains(names))
    assert check_domains([]) == []


def test_a_key_with_a_space_exists_nowhere(epp):
    """On PostgreSQL the keys travel as one text split at spaces (`KEY_SEPARATOR`): a key holding one
    must not split into two that exist."""
    from kzreg.registry.reads.objects import existing_host_names

    assert existing_host_names(["ns1.ps-hosting.net", "ns2.ps-hosting.net ns1.ps-hosting.net"]) == {
        "ns1.ps-hosting.net"
    }
    assert existing_host_names(["ns1.ps-hosting.net ns2.ps-hosting.net"]) == set()


def test_check_contacts_and_hosts(epp):
    admin = epp["domain"].admin_contact.handle
    results = check_contacts([admin.lower(), "FREE-1", "BAD_ID"])
    assert [(r.key, r.available, r.reason_code) for r in results] == [
        (admin, False, Code.HANDLE_TAKEN), ("FREE-1", True, None), ("BAD_ID", False, Code.HANDLE_INVALID),
    ]  # fmt: skip
    results = check_hosts(["NS1.ps-hosting.net", "ns9.ps-hosting.net", "not a host"])
    assert [(r.key, r.available) for r in results] == [
        ("ns1.ps-hosting.net", False), ("ns9.ps-hosting.net", True), ("not a host", False)]  # fmt: skip
    assert results[0].reason_code == Code.HOST_EXISTS and results[2].reason_code == Code.INVALID_HOSTNAME


def test_domain_info_for_the_sponsor_and_for_others(epp):
    ops.modify_domain(c.ModifyDomain("example.kz", add_statuses=("clientTransferProhibited",)), epp["owner"])
    info = domain_info("example.kz", epp["owner"])
    assert info.auth_code == "domain-code-1" and info.registrar == "PS-KZ" and info.creating_registrar == "PS-KZ"
    assert info.statuses == ["clientTransferProhibited"] and info.rgp_statuses == []
    assert info.nameservers == ["ns1.ps-hosting.net", "ns2.ps-hosting.net"]
    assert set(info.contacts) == {"admin", "tech", "billing"} and info.registrant
    assert info.location == {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}
    assert domain_info("example.kz", epp["gainer"]).auth_code is None
    assert domain_info("example.kz", epp["gainer"], "wrong-code").auth_code is None
    assert domain_info("example.kz", epp["gainer"], "domain-code-1").auth_code == "domain-code-1"
    assert domain_info("example.kz", epp["staff"]).auth_code == "domain-code-1"
    with pytest.raises(OperationFailed) as failure:
        domain_info("missing.kz", epp["owner"])
    assert failure.value.epp_code == 2303


def test_domain_info_statuses_in_epp_words(epp):
    assert domain_info("example.kz", epp["owner"]).statuses == ["ok"]
    ops.set_domain_status(c.SetDomainStatus("example.kz", "suspended", "check"), epp["staff"])
    ops.modify_domain(c.ModifyDomain("example.kz", add_statuses=("clientHold",)), epp["staff"])
    assert domain_info("example.kz", epp["owner"]).statuses == ["serverHold", "clientHold"]
    ops.lift_domain_status(c.SetDomainStatus("example.kz", "suspended", "ok"), epp["staff"])
    ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), epp["gainer"])
    assert domain_info("example.kz", epp["owner"]).statuses == ["pendingTransfer", "clientHold"]
    ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["owner"])
    info = domain_info("example.kz", epp["gainer"])
    assert info.registrar == "HOSTER-KZ" and info.creating_registrar == "PS-KZ" and info.updating_registrar == "PS-KZ"
    assert info.transferred_at is not None
    ops.modify_domain(c.ModifyDomain("example.kz", remove_statuses=("clientHold",)), epp["gainer"])
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["gainer"])
    info = domain_info("example.kz", epp["gainer"])
    assert info.statuses == ["pendingDelete"] and info.rgp_statuses == ["redemptionPeriod"]


def test_contact_info_personal_data_only_for_the_sponsor_or_with_the_code(epp):
    ops.create_contact(c.CreateContact(person(5), handle="SPARE1", auth_code="contact-code-1"), epp["owner"])
    full = contact_info("spare1", epp["owner"])
    assert full.full and full.name == "Grozny, Ivan V., III" and full.auth_code == "contact-code-1"
    assert full.statuses == ["ok"] and full.registrar == "PS-KZ"
    other = contact_info("SPARE1", epp["gainer"])
    assert not other.full and other.name == "" and other.emails == [] and other.auth_code is None
    assert contact_info("SPARE1", epp["gainer"], "contact-code-1").full
    admin = epp["domain"].admin_contact.handle
    assert contact_info(admin, epp["owner"]).statuses == ["ok", "linked"]


def test_host_info(epp):
    info = host_info("NS1.ps-hosting.net")
    assert info.addresses == ["195.210.46.10"] and info.statuses == ["ok", "linked"] and info.registrar == "PS-KZ"
    with pytest.raises(OperationFailed) as failure:
        host_info("ns9.ps-hosting.net")
    assert failure.value.codes == {Code.NOT_FOUND}


def test_domain_info_in_two_statements_matches_the_orm(epp, monkeypatch):
    """`domain_info` reads the domain, its handles, transfers and versions in one statement and its host
    names in another (the zones are cached): the same answer as the ORM's eight queries gave."""
    from kzreg.registry import rows
    from kzreg.registry.models import Domain, DomainTransfer, Host

    for host in ("ns1.example.kz", "a.b.example.kz"):
        ops.create_host(c.CreateHost(host, ("195.210.46.20",)), epp["staff"])
    at = epp["domain"].created_at  # a host named like the domain with a longer label is not inside it
    Host.objects.create(name="ns1.xexample.kz", unicode_name="ns1.xexample.kz", created_at=at, updated_at=at)
    ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), epp["gainer"])
    ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["owner"])
    ops.modify_domain(c.ModifyDomain("example.kz", add_statuses=("clientUpdateProhibited",)), epp["gainer"])
    domain_info("example.kz", epp["gainer"])  # the zones read once
    statements = []
    real = rows._execute

    def counted(sql, params, fetch="", db=None):  # the registry's prepared statements bypass Django's cursor
        statements.append(sql)
        return real(sql, params, fetch, db)

    monkeypatch.setattr(rows, "_execute", counted)
    with CaptureQueriesContext(connection) as queries:
        info = domain_info("EXAMPLE.kz", epp["gainer"])
    assert len(queries) == 0 and len(statements) == 2
    monkeypatch.undo()
    domain = Domain.objects.get(name="example.kz", deleted_at__isnull=True)
    assert info.id == domain.pk and info.name == "example.kz" and info.unicode_name == domain.unicode_name
    assert info.registrar == "HOSTER-KZ" and info.creating_registrar == "PS-KZ"
    assert info.updating_registrar == "HOSTER-KZ"  # the latest version is the gainer's update
    assert info.statuses == ["clientUpdateProhibited"] and info.auth_code == domain.auth_code
    assert info.hosts == ["a.b.example.kz", "ns1.example.kz"]
    assert info.hosts == list(Host.objects.under("example.kz").order_by("name").values_list("name", flat=True))
    assert info.nameservers == ["ns1.ps-hosting.net", "ns2.ps-hosting.net"]
    approved = DomainTransfer.objects.get(domain=domain).decided_at
    assert info.transferred_at == approved and info.transferred_at is not None
    assert (info.created_at, info.updated_at, info.expires_at) == (domain.created_at, domain.updated_at,
                                                                   domain.expires_at)  # fmt: skip
    assert info.contacts == {"admin": domain.admin_contact.handle, "tech": domain.tech_contact.handle,
                             "billing": domain.billing_contact.handle}  # fmt: skip
    assert info.registrant == domain.registrant.handle
    assert isinstance(info.ds_records, list) and isinstance(info.transferred_at, type(domain.created_at))
