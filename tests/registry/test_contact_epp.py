"""Contacts for EPP (issue 10, SPEC E2, R5, RFC 5733): ids the registrar chooses, delete by the sponsor
while nothing names it, transfer with the contact's code."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Contact, ContactTransfer, HistoryEntry, PollMessage, TransferStatus
from tests.conftest import person
from tests.registry.epp_world import everything

pytestmark = pytest.mark.django_db


def refused(call, *codes: Code) -> OperationFailed:
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call()
    assert failure.value.codes == set(codes), failure.value.render()
    assert everything() == before
    return failure.value


def test_a_registrar_chooses_the_id(epp):
    contact = ops.create_contact(c.CreateContact(person(5), handle="ps-c-1"), epp["owner"]).object
    assert contact.handle == "PS-C-1" and contact.registrar == epp["losing"]
    failure = refused(lambda: ops.create_contact(c.CreateContact(person(6), handle="PS-C-1"), epp["gainer"]),
                      Code.HANDLE_TAKEN)  # fmt: skip
    assert failure.epp_code == 2302


@pytest.mark.parametrize("handle", ["TOO-LONG-HANDLE", "PS_C_1", "ПС1", "PS C"])
def test_an_id_outside_r5s_syntax_is_2005(epp, handle):
    failure = refused(lambda: ops.create_contact(c.CreateContact(person(5), handle=handle), epp["owner"]),
                      Code.HANDLE_INVALID)  # fmt: skip
    assert failure.epp_code == 2005 and failure.problems[0].field == "handle"


def test_delete_by_the_sponsor_of_an_unused_contact(epp):
    ops.create_contact(c.CreateContact(person(5), handle="SPARE1"), epp["owner"])
    refused(lambda: ops.delete_contact(c.DeleteContact("SPARE1"), epp["gainer"]), Code.NOT_SPONSOR)
    ops.delete_contact(c.DeleteContact("spare1"), epp["owner"])
    assert not Contact.objects.filter(handle="SPARE1").exists()
    last = HistoryEntry.objects.filter(object_key="SPARE1").order_by("version").last()
    assert last.operation == "contact_delete" and "deleted_at" in last.snapshot and last.channel == "epp"
    refused(lambda: ops.delete_contact(c.DeleteContact("SPARE1"), epp["owner"]), Code.NOT_FOUND)


def test_a_contact_a_domain_names_is_not_deleted(epp):
    admin = epp["domain"].admin_contact.handle
    failure = refused(lambda: ops.delete_contact(c.DeleteContact(admin), epp["owner"]), Code.CONTACT_IN_USE)
    assert failure.epp_code == 2305 and "1" in failure.problems[0].render("kk")
    # Nor after the domain is deleted: the deleted domain's record still names it (R1).
    ops.delete_domain(c.DeleteDomain("example.kz", "gone"), epp["staff"])
    refused(lambda: ops.delete_contact(c.DeleteContact(admin), epp["owner"]), Code.CONTACT_IN_USE)


def test_client_delete_prohibited_protects_a_contact(epp):
    ops.create_contact(c.CreateContact(person(5), handle="SPARE1"), epp["owner"])
    ops.modify_contact(c.ModifyContact("SPARE1", add_statuses=("clientDeleteProhibited",)), epp["owner"])
    refused(lambda: ops.delete_contact(c.DeleteContact("SPARE1"), epp["owner"]), Code.STATUS_PROHIBITS)
    ops.delete_contact(c.DeleteContact("SPARE1"), epp["staff"])  # the registry is not bound by it


@pytest.fixture
def spare(epp):
    return ops.create_contact(c.CreateContact(person(5), handle="SPARE1", auth_code="contact-code-1"),
                              epp["owner"]).object  # fmt: skip


def test_contact_transfer_with_the_code(epp, spare):
    refused(lambda: ops.request_contact_transfer(c.RequestContactTransfer("SPARE1", "wrong-code"), epp["gainer"]),
            Code.AUTH_CODE_INVALID)  # fmt: skip
    refused(lambda: ops.request_contact_transfer(c.RequestContactTransfer("SPARE1", "contact-code-1"), epp["owner"]),
            Code.NOT_ELIGIBLE_FOR_TRANSFER)  # fmt: skip
    transfer = ops.request_contact_transfer(c.RequestContactTransfer("SPARE1", "contact-code-1"), epp["gainer"]).object
    assert transfer.status == TransferStatus.PENDING
    assert PollMessage.objects.get(registrar=epp["losing"]).kind == "transfer_requested"
    refused(lambda: ops.request_contact_transfer(c.RequestContactTransfer("SPARE1", "contact-code-1"),
                                                 epp["stranger"]), Code.PENDING_TRANSFER)  # fmt: skip
    refused(lambda: ops.modify_contact(c.ModifyContact("SPARE1", {"city": "Oral"}), epp["owner"]),
            Code.STATUS_PROHIBITS)  # fmt: skip
    refused(lambda: ops.decide_contact_transfer(c.DecideContactTransfer("SPARE1", "approve"), epp["gainer"]),
            Code.TRANSFER_NOT_PARTY)  # fmt: skip
    assert ops.contact_transfer_status("SPARE1", epp["gainer"]).status == TransferStatus.PENDING
    refused(lambda: ops.contact_transfer_status("SPARE1", epp["stranger"]), Code.NOT_SPONSOR)
    ops.decide_contact_transfer(c.DecideContactTransfer("SPARE1", "approve"), epp["owner"])
    moved = Contact.objects.get(handle="SPARE1")
    assert moved.registrar == epp["gaining"] and moved.auth_code != "contact-code-1"
    assert ContactTransfer.objects.get().status == TransferStatus.CLIENT_APPROVED
    assert PollMessage.objects.filter(kind="transfer_decided").count() == 2


def test_contact_transfer_cancel_reject_and_worker(epp, spare, frozen_clock):
    request = c.RequestContactTransfer("SPARE1", "contact-code-1")
    ops.request_contact_transfer(request, epp["gainer"])
    ops.decide_contact_transfer(c.DecideContactTransfer("SPARE1", "cancel"), epp["gainer"])
    ops.request_contact_transfer(request, epp["gainer"])
    ops.decide_contact_transfer(c.DecideContactTransfer("SPARE1", "reject"), epp["owner"])
    assert Contact.objects.get(handle="SPARE1").registrar == epp["losing"]
    ops.request_contact_transfer(request, epp["gainer"])
    frozen_clock.advance(dt.timedelta(days=5))
    assert ops.approve_due_contact_transfers() == 1
    assert Contact.objects.get(handle="SPARE1").registrar == epp["gaining"]
    statuses = list(ContactTransfer.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["clientCancelled", "clientRejected", "serverApproved"]


def test_the_registrys_own_contacts_are_not_transferable(epp):
    own = ops.create_contact(c.CreateContact(person(8), auth_code="registry-code"), epp["staff"]).object
    refused(lambda: ops.request_contact_transfer(c.RequestContactTransfer(own.handle, "registry-code"),
                                                 epp["gainer"]), Code.NOT_ELIGIBLE_FOR_TRANSFER)  # fmt: skip


def test_client_transfer_prohibited_protects_a_contact(epp, spare):
    ops.modify_contact(c.ModifyContact("SPARE1", add_statuses=("clientTransferProhibited",)), epp["owner"])
    refused(lambda: ops.request_contact_transfer(c.RequestContactTransfer("SPARE1", "contact-code-1"),
                                                 epp["gainer"]), Code.STATUS_PROHIBITS)  # fmt: skip


def test_resolver_has_its_own_module():
    from kzreg.registry.operations import contact, contact_resolver

    assert hasattr(contact_resolver, "ContactResolver") and not hasattr(contact, "ContactResolver")
