"""Contacts and hosts through their own operations (SPEC R5–R8, R11, T9)."""

from __future__ import annotations

import pytest
from passlib.hash import md5_crypt

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Contact, Domain, HistoryEntry
from kzreg.registry.passwords import verify_password
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_contact_create_and_modify_keep_versions(staff):
    contact = ops.create_contact(c.CreateContact(person()), staff).object
    assert contact.handle == "IVG1" and contact.emails == ["ivan1@example.kz"]
    contact = ops.modify_contact(
        c.ModifyContact("ivg1", changes={"city": "Almaty", "phones": "+7 727 111 2233, +7 701 555 6677"}), staff
    ).object
    assert contact.version == 2 and contact.phones == ["+7 727 111 2233", "+7 701 555 6677"]
    versions = HistoryEntry.objects.filter(object_type="contact", object_key="IVG1").order_by("version")
    assert [v.snapshot["city"] for v in versions] == ["Astana", "Almaty"]
    second = ops.create_contact(c.CreateContact(person(2)), staff).object
    assert second.handle == "IVG2"


def test_crypt_password_is_stored_only_as_a_hash(staff):
    contact = ops.create_contact(
        c.CreateContact(person(), security_scheme="C", crypt_password="s3cret-pw"), staff
    ).object
    assert contact.security_scheme == "C" and "s3cret" not in contact.crypt_hash
    assert verify_password("s3cret-pw", contact.crypt_hash) and not verify_password("wrong", contact.crypt_hash)
    history = HistoryEntry.objects.get(object_type="contact", object_id=contact.pk)
    assert "crypt_hash" not in history.snapshot and history.snapshot["has_crypt_password"]


def test_legacy_crypt_hashes_are_accepted_for_migrated_contacts(staff):
    contact = ops.create_contact(c.CreateContact(person()), staff).object
    legacy = md5_crypt.hash("old-password")
    contact = ops.modify_contact(c.ModifyContact(contact.handle, crypt_hash=legacy, security_scheme="C"), staff).object
    assert verify_password("old-password", contact.crypt_hash)
    with pytest.raises(OperationFailed) as failure:
        ops.modify_contact(c.ModifyContact(contact.handle, crypt_hash="plain text"), staff)
    assert failure.value.codes == {Code.INVALID}


def test_contact_problems(staff):
    with pytest.raises(OperationFailed) as failure:
        ops.create_contact(c.CreateContact(person(kind="X", phones="", emails="a@b")), staff)
    assert {(p.field, p.code) for p in failure.value.problems} >= {
        ("kind", Code.INVALID_CHOICE),
        ("phones", Code.REQUIRED),
        ("emails", Code.INVALID_EMAIL),
    }
    ops.create_contact(c.CreateContact(person(), handle="ABC-KZ"), staff)
    with pytest.raises(OperationFailed) as failure:
        ops.create_contact(c.CreateContact(person(3), handle="abc-kz"), staff)
    assert failure.value.codes == {Code.HANDLE_TAKEN}
    with pytest.raises(OperationFailed) as failure:
        ops.modify_contact(c.ModifyContact("NOPE1", changes={"city": "x"}), staff)
    assert failure.value.codes == {Code.NOT_FOUND}
    assert Contact.objects.count() == 1


def test_scheme_needs_its_secret(staff):
    contact = ops.create_contact(c.CreateContact(person()), staff).object
    for scheme, field in (("C", "crypt_password"), ("P", "pgp_key")):
        with pytest.raises(OperationFailed) as failure:
            ops.modify_contact(c.ModifyContact(contact.handle, security_scheme=scheme), staff)
        assert {(p.field, p.code) for p in failure.value.problems} == {(field, Code.REQUIRED)}
    with pytest.raises(OperationFailed) as failure:
        ops.modify_contact(c.ModifyContact(contact.handle, pgp_key="not a key"), staff)
    assert failure.value.codes == {Code.INVALID}


def test_hosts_change_only_through_host_operations(make_domain, staff):
    make_domain("ps.kz")  # a host is renamed only within a registered domain
    make_domain("example.kz")
    host = ops.modify_host(c.ModifyHost("ns1.ps.kz", addresses=("195.210.46.11", "2a00:5da0::11")), staff).object
    assert host.addresses == ["195.210.46.11", "2a00:5da0::11"] and host.version == 2
    renamed = ops.modify_host(c.ModifyHost("ns1.ps.kz", new_name="dns1.ps.kz"), staff).object
    assert renamed.name == "dns1.ps.kz"
    assert Domain.objects.get(name="example.kz").nameserver_links.filter(host__name="dns1.ps.kz").exists()
    with pytest.raises(OperationFailed) as failure:
        ops.delete_host(c.DeleteHost("dns1.ps.kz"), staff)
    assert failure.value.codes == {Code.HOST_IN_USE}
    ops.create_host(c.CreateHost("ns9.ps.kz", ("91.201.214.9",)), staff)
    with pytest.raises(OperationFailed) as failure:
        ops.create_host(c.CreateHost("NS9.ps.kz.", ("91.201.214.9",)), staff)
    assert failure.value.codes == {Code.HOST_EXISTS}
    ops.delete_host(c.DeleteHost("ns9.ps.kz"), staff)
    assert HistoryEntry.objects.filter(object_type="host", object_key="ns9.ps.kz").count() == 2


def test_handles_continue_after_existing_ones_without_scanning(staff):
    """R5: numbers continue after handles that no sequence row knows about (bulk-loaded, migrated)."""
    from kzreg.registry.models import HandleSequence

    for n in range(1, 4):
        assert ops.create_contact(c.CreateContact(person(n)), staff).object.handle == f"IVG{n}"
    HandleSequence.objects.all().delete()  # as after a bulk load or a migration from another system
    assert ops.create_contact(c.CreateContact(person(4)), staff).object.handle == "IVG4"
    role = c.ContactData(
        kind="R", name="Desk", organisation="Customer Service Support Center", address="A 1", city="Almaty",
        country_code="KZ", phones="+7 727 2000000", emails="desk@cssc.kz",
    )  # fmt: skip
    assert ops.create_contact(c.CreateContact(role), staff).object.handle == "CSSC-ORG"
    second = c.ContactData(**{**role.__dict__, "emails": "desk2@cssc.kz"})
    assert ops.create_contact(c.CreateContact(second), staff).object.handle == "CSSC1-ORG"
    assert HandleSequence.objects.get(stem="CSSC-ORG").last == 1
