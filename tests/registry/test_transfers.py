"""Registrar transfers of domains (issue 10, R15, PS-1.2, SPEC E2, RFC 5730/5731): request with the code,
decided by the losing registrar or the worker after the pending period, cancelled by the gaining one;
every wrong party and every missing proof changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainTransfer, HistoryEntry, PollMessage, TransferStatus
from tests.registry.epp_world import everything

pytestmark = pytest.mark.django_db

REQUEST = c.RequestTransfer("example.kz", "domain-code-1")


def refused(call, *codes: Code) -> OperationFailed:
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call()
    assert failure.value.codes == set(codes), failure.value.render()
    assert everything() == before
    return failure.value


def messages(registrar) -> list[PollMessage]:
    return list(PollMessage.objects.filter(registrar=registrar).order_by("id"))


def test_request_is_pending_and_the_losing_registrar_is_told(epp):
    transfer = ops.request_transfer(REQUEST, epp["gainer"]).object
    assert transfer.status == TransferStatus.PENDING
    assert transfer.act_by == clock.now() + dt.timedelta(days=5)
    assert transfer.gaining == epp["gaining"] and transfer.losing == epp["losing"]
    [message] = messages(epp["losing"])
    assert message.kind == "transfer_requested" and message.object_key == "example.kz"
    assert message.data["trStatus"] == "pending" and message.data["reID"] == "HOSTER-KZ"
    assert "HOSTER-KZ" in message.text and set(message.texts) == {"kk", "ru", "en"}
    assert messages(epp["gaining"]) == []
    last = HistoryEntry.objects.filter(object_key="example.kz").order_by("version").last()
    assert last.operation == "domain_transfer_request" and last.principal == "hoster-kz-epp" and last.channel == "epp"
    assert Domain.objects.get(name="example.kz").registrar == epp["losing"]  # nothing moves yet


@pytest.mark.parametrize("code", ["", "wrong-code-1", "DOMAIN-CODE-1"])
def test_a_wrong_or_missing_code_is_refused(epp, code):
    failure = refused(lambda: ops.request_transfer(c.RequestTransfer("example.kz", code), epp["gainer"]),
                      Code.AUTH_CODE_INVALID)  # fmt: skip
    assert failure.epp_code == 2202 and failure.problems[0].field == "auth_code"


def test_an_empty_stored_code_matches_nothing(epp):
    Domain.objects.filter(name="example.kz").update(auth_code="")
    refused(lambda: ops.request_transfer(c.RequestTransfer("example.kz", ""), epp["gainer"]), Code.AUTH_CODE_INVALID)


def test_the_sponsor_cannot_transfer_to_itself(epp):
    failure = refused(lambda: ops.request_transfer(REQUEST, epp["owner"]), Code.NOT_ELIGIBLE_FOR_TRANSFER)
    assert failure.epp_code == 2106
    assert "not eligible for transfer" in failure.problems[0].render("en")
    assert "ауыстыруға жатпайды" in failure.problems[0].render("kk")


def test_staff_move_by_command_not_by_request(epp):
    refused(lambda: ops.request_transfer(REQUEST, epp["staff"]), Code.NOT_AUTHORIZED)


def test_one_pending_transfer_per_domain(epp):
    ops.request_transfer(REQUEST, epp["gainer"])
    failure = refused(lambda: ops.request_transfer(REQUEST, epp["stranger"]), Code.PENDING_TRANSFER)
    assert failure.epp_code == 2300


@pytest.mark.parametrize("flag", ["hold", "suspended", "pending_delete"])
def test_registry_statuses_forbid_a_transfer(epp, flag):
    Domain.objects.filter(name="example.kz").update(**{flag: True})
    failure = refused(lambda: ops.request_transfer(REQUEST, epp["gainer"]), Code.STATUS_PROHIBITS)
    assert failure.epp_code == 2304


def test_client_transfer_prohibited_forbids_a_transfer(epp):
    ops.modify_domain(c.ModifyDomain("example.kz", add_statuses=("clientTransferProhibited",)), epp["owner"])
    refused(lambda: ops.request_transfer(REQUEST, epp["gainer"]), Code.STATUS_PROHIBITS)
    ops.modify_domain(c.ModifyDomain("example.kz", remove_statuses=("clientTransferProhibited",)), epp["owner"])
    ops.request_transfer(REQUEST, epp["gainer"])


def test_approval_moves_the_domain_with_a_new_code_and_a_year(epp):
    domain = Domain.objects.get(name="example.kz")
    contacts = {domain.registrant.registrar_id, domain.admin_contact.registrar_id}
    ops.request_transfer(REQUEST, epp["gainer"])
    transfer = ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["owner"]).object
    assert transfer.status == TransferStatus.CLIENT_APPROVED and transfer.decided_by == "ps-kz-epp"
    after = Domain.objects.get(name="example.kz")
    assert after.registrar == epp["gaining"]
    assert after.expires_at == domain.expires_at.replace(year=domain.expires_at.year + 1)
    assert after.auth_code != "domain-code-1" and len(after.auth_code) == 16
    # Contacts and hosts stay with their sponsors: the gaining registrar names them with their codes.
    assert {after.registrant.registrar_id, after.admin_contact.registrar_id} == contacts == {epp["losing"].id}
    for registrar in (epp["gaining"], epp["losing"]):
        decided = [m for m in messages(registrar) if m.kind == "transfer_decided"]
        assert [m.data["trStatus"] for m in decided] == ["clientApproved"]
    last = HistoryEntry.objects.filter(object_key="example.kz").order_by("version").last()
    assert last.operation == "domain_transfer_approve" and last.principal == "ps-kz-epp"
    assert last.snapshot["registrar"] == epp["gaining"].id
    # The new sponsor now acts on it; the old one no longer does.
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="moved"), epp["gainer"])
    refused(lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="mine"), epp["owner"]), Code.NOT_SPONSOR)


def test_the_period_asked_for_is_added_and_capped_by_the_zone(epp):
    ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1", period=3), epp["gainer"])
    ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["owner"])
    assert Domain.objects.get(name="example.kz").expires_at.year == clock.now().year + 4
    refused(lambda: ops.request_transfer(c.RequestTransfer("example.kz", "x" * 8, period=11), epp["owner"]),
            Code.AUTH_CODE_INVALID)  # fmt: skip
    code = Domain.objects.get(name="example.kz").auth_code
    failure = refused(lambda: ops.request_transfer(c.RequestTransfer("example.kz", code, period=11), epp["owner"]),
                      Code.PERIOD_RANGE)  # fmt: skip
    assert failure.problems[0].field == "period"
    ops.request_transfer(c.RequestTransfer("example.kz", code, period=10), epp["owner"])
    ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["staff"])
    assert Domain.objects.get(name="example.kz").expires_at == clock.now().replace(year=clock.now().year + 10)


def test_rejection_and_cancellation_change_only_the_transfer(epp):
    domain = Domain.objects.get(name="example.kz")
    ops.request_transfer(REQUEST, epp["gainer"])
    rejected = ops.decide_transfer(c.DecideTransfer("example.kz", "reject"), epp["owner"]).object
    assert rejected.status == TransferStatus.CLIENT_REJECTED
    ops.request_transfer(REQUEST, epp["gainer"])
    cancelled = ops.decide_transfer(c.DecideTransfer("example.kz", "cancel"), epp["gainer"]).object
    assert cancelled.status == TransferStatus.CLIENT_CANCELLED
    after = Domain.objects.get(name="example.kz")
    assert (after.registrar_id, after.expires_at, after.auth_code) == (
        domain.registrar_id, domain.expires_at, domain.auth_code)  # fmt: skip


@pytest.mark.parametrize(
    "who, decision",
    [("gainer", "approve"), ("gainer", "reject"), ("owner", "cancel"), ("stranger", "approve"),
     ("stranger", "cancel")],
)  # fmt: skip
def test_only_the_right_party_decides(epp, who, decision):
    ops.request_transfer(REQUEST, epp["gainer"])
    failure = refused(lambda: ops.decide_transfer(c.DecideTransfer("example.kz", decision), epp[who]),
                      Code.TRANSFER_NOT_PARTY)  # fmt: skip
    assert failure.epp_code == 2201


def test_a_decision_without_a_pending_transfer_or_a_bad_word(epp):
    failure = refused(lambda: ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["owner"]),
                      Code.NO_PENDING_TRANSFER)  # fmt: skip
    assert failure.epp_code == 2301
    failure = refused(lambda: ops.decide_transfer(c.DecideTransfer("example.kz", "maybe"), epp["owner"]),
                      Code.INVALID_CHOICE)  # fmt: skip
    assert failure.problems[0].field == "decision"


def test_staff_decide_as_the_server(epp):
    ops.request_transfer(REQUEST, epp["gainer"])
    assert ops.decide_transfer(c.DecideTransfer("example.kz", "reject"), epp["staff"]).object.status == (
        TransferStatus.SERVER_CANCELLED)  # fmt: skip
    ops.request_transfer(REQUEST, epp["gainer"])
    assert ops.decide_transfer(c.DecideTransfer("example.kz", "approve"), epp["staff"]).object.status == (
        TransferStatus.SERVER_APPROVED)  # fmt: skip


def test_while_pending_the_losing_registrar_may_not_update_delete_or_renew(epp):
    ops.request_transfer(REQUEST, epp["gainer"])
    owner = epp["owner"]
    for call in (
        lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="last minute"), owner),
        lambda: ops.delete_domain(c.DeleteDomain("example.kz"), owner),
        lambda: ops.renew_domain(c.RenewDomain("example.kz", 1), owner),
    ):
        failure = refused(call, Code.STATUS_PROHIBITS)
        assert failure.epp_code == 2304 and failure.problems[0].params["status"] == "pendingTransfer"
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="registry note"), epp["staff"])


def test_the_worker_approves_after_the_pending_period(epp, frozen_clock):
    ops.request_transfer(REQUEST, epp["gainer"])
    frozen_clock.advance(dt.timedelta(days=5) - dt.timedelta(seconds=1))
    assert ops.approve_due_transfers() == 0
    assert Domain.objects.get(name="example.kz").registrar == epp["losing"]
    frozen_clock.advance(dt.timedelta(seconds=1))
    assert ops.approve_due_transfers() == 1
    assert ops.approve_due_transfers() == 0
    transfer = DomainTransfer.objects.get()
    assert transfer.status == TransferStatus.SERVER_APPROVED and transfer.decided_by == "transfer-auto-approve"
    assert Domain.objects.get(name="example.kz").registrar == epp["gaining"]
    last = HistoryEntry.objects.filter(object_key="example.kz").order_by("version").last()
    assert (last.operation, last.role, last.channel) == ("domain_transfer_approve", "system", "worker")
    assert {m.registrar_id for m in PollMessage.objects.filter(kind="transfer_decided")} == {
        epp["gaining"].id, epp["losing"].id}  # fmt: skip


def test_the_pending_period_is_a_setting(epp, frozen_clock, settings):
    settings.KZREG = {**settings.KZREG, "TRANSFER_PENDING_DAYS": 2}
    ops.request_transfer(REQUEST, epp["gainer"])
    frozen_clock.advance(dt.timedelta(days=2))
    assert ops.approve_due_transfers() == 1


def test_a_decided_transfer_is_not_approved_by_the_worker(epp, frozen_clock):
    ops.request_transfer(REQUEST, epp["gainer"])
    ops.decide_transfer(c.DecideTransfer("example.kz", "reject"), epp["owner"])
    frozen_clock.advance(dt.timedelta(days=6))
    assert ops.approve_due_transfers() == 0
    assert Domain.objects.get(name="example.kz").registrar == epp["losing"]


def test_query_is_for_the_two_registrars_and_staff(epp):
    refused(lambda: ops.transfer_status("example.kz", epp["owner"]), Code.NO_PENDING_TRANSFER)
    ops.request_transfer(REQUEST, epp["gainer"])
    for who in ("owner", "gainer", "staff"):
        assert ops.transfer_status("example.kz", epp[who]).status == TransferStatus.PENDING
    refused(lambda: ops.transfer_status("example.kz", epp["stranger"]), Code.NOT_SPONSOR)


def test_a_registry_delete_cancels_the_pending_transfer(epp):
    ops.request_transfer(REQUEST, epp["gainer"])
    ops.delete_domain(c.DeleteDomain("example.kz", "court order"), epp["staff"])
    assert DomainTransfer.objects.get().status == TransferStatus.SERVER_CANCELLED


def test_change_registrar_by_staff_stays(epp):
    ops.change_registrar(c.ChangeRegistrar("example.kz", "HOSTER-KZ"), epp["staff"])
    assert Domain.objects.get(name="example.kz").registrar == epp["gaining"]
