"""RFC 3915 (issue 10): a registrar's delete starts the redemption period (out of the zone, restorable);
the restore is a request and then a report within 7 days; the worker purges what is not restored. The
e-mailed Delete and registry staff free the name at once (T8, R16)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, HistoryEntry, PollMessage, RgpStatus, Zone
from kzreg.registry.status import is_delegated
from tests.registry.epp_world import everything, new_domain

pytestmark = pytest.mark.django_db

REPORT = c.RestoreReport(
    pre_data="example.kz NS ns1.ps-hosting.net", post_data="example.kz NS ns1.ps-hosting.net",
    deleted_at="2026-03-01T09:00:00Z", restored_at="2026-03-02T09:00:00Z", reason="deleted by mistake",
    statements=("The information is accurate.", "The restore is not for a third party."),
)  # fmt: skip


def domain() -> Domain:
    return Domain.objects.get(name="example.kz", deleted_at__isnull=True)


def refused(call, *codes: Code) -> OperationFailed:
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call()
    assert failure.value.codes == set(codes), failure.value.render()
    assert everything() == before
    return failure.value


def test_a_registrars_delete_starts_the_redemption_period(epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    d = domain()
    assert d.deleted_at is None and d.pending_delete and d.rgp_status == RgpStatus.REDEMPTION_PERIOD
    assert d.purge_at == clock.now() + dt.timedelta(days=30)
    assert d.statuses(clock.now()) == ["pending_delete"] and not is_delegated(d, clock.now())
    # The name is not free: another registrar cannot register it.
    refused(lambda: ops.create_domain(new_domain("example.kz"), epp["gainer"]), Code.ALREADY_REGISTERED)


def test_the_redemption_period_is_the_zones(epp):
    Zone.objects.filter(name="kz").update(redemption_days=10)
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    assert domain().purge_at == clock.now() + dt.timedelta(days=10)


def test_staff_and_mail_deletes_free_the_name_at_once(epp):
    ops.delete_domain(c.DeleteDomain("example.kz", "false data"), epp["staff"])
    assert not Domain.objects.filter(name="example.kz", deleted_at__isnull=True).exists()
    ops.create_domain(new_domain("example.kz"), epp["gainer"])


def test_restore_is_a_request_then_a_report(epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"])
    assert domain().rgp_status == RgpStatus.PENDING_RESTORE and domain().pending_delete
    ops.restore_domain(c.RestoreDomain("example.kz", REPORT), epp["owner"])
    d = domain()
    assert (d.rgp_status, d.pending_delete, d.purge_at) == ("", False, None)
    assert is_delegated(d, clock.now())
    ops_ = list(
        HistoryEntry.objects.filter(object_key="example.kz").order_by("version").values_list("operation", flat=True)
    )
    assert ops_[-3:] == ["domain_delete", "domain_restore", "domain_restore_report"]
    report = HistoryEntry.objects.filter(object_key="example.kz").order_by("version").last()
    assert "deleted by mistake" in report.reason and "not for a third party" in report.reason
    assert PollMessage.objects.filter(kind="domain_restored", registrar=epp["losing"]).count() == 1


def test_an_expired_domain_restored_gets_a_year(epp, frozen_clock):
    frozen_clock.advance(dt.timedelta(days=370))
    ops.expire_domains()
    expiry = domain().expires_at
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    assert domain().rgp_status == RgpStatus.REDEMPTION_PERIOD
    ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"])
    ops.restore_domain(c.RestoreDomain("example.kz", REPORT), epp["owner"])
    assert domain().expires_at == expiry.replace(year=expiry.year + 1)


def test_only_a_domain_in_redemption_is_restored(epp):
    failure = refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"]), Code.NOT_RESTORABLE)
    assert failure.epp_code == 2304 and "30" in failure.problems[0].render("ru")
    refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz", REPORT), epp["owner"]), Code.NO_PENDING_RESTORE)


def test_a_report_without_a_request_or_too_late_is_refused(epp, frozen_clock):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz", REPORT), epp["owner"]), Code.NO_PENDING_RESTORE)
    ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"])
    frozen_clock.advance(dt.timedelta(days=7))
    refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz", REPORT), epp["owner"]), Code.NO_PENDING_RESTORE)
    assert ops.lapse_restore_requests() == 1
    assert domain().rgp_status == RgpStatus.REDEMPTION_PERIOD
    ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"])  # may ask again within the period


def test_every_part_of_the_report_is_required(epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"])
    empty = c.RestoreReport(pre_data="", post_data=" ", deleted_at="", restored_at="", reason="", statements=("x",))
    failure = refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz", empty), epp["owner"]), Code.REQUIRED)
    assert [p.field for p in failure.problems] == [
        "report.pre_data", "report.post_data", "report.deleted_at", "report.restored_at", "report.reason",
        "report.statements[1]",
    ]  # fmt: skip


def test_another_registrar_cannot_restore(epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz"), epp["gainer"]), Code.NOT_SPONSOR)


def test_in_redemption_no_renewal_modify_or_second_delete(epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    for call in (
        lambda: ops.renew_domain(c.RenewDomain("example.kz", 1), epp["owner"]),
        lambda: ops.modify_domain(c.ModifyDomain("example.kz", purpose="x"), epp["owner"]),
        lambda: ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"]),
    ):
        assert refused(call, Code.STATUS_PROHIBITS).epp_code == 2304


def test_the_worker_purges_after_the_period_but_waits_for_a_pending_restore(epp, frozen_clock):
    ops.create_domain(new_domain("other.kz"), epp["owner"])
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    ops.delete_domain(c.DeleteDomain("other.kz"), epp["owner"])
    frozen_clock.advance(dt.timedelta(days=29))
    ops.restore_domain(c.RestoreDomain("other.kz"), epp["owner"])
    frozen_clock.advance(dt.timedelta(days=1))
    assert ops.purge_domains() == 1  # example.kz; other.kz waits for its report
    assert not Domain.objects.filter(name="example.kz", deleted_at__isnull=True).exists()
    assert PollMessage.objects.filter(kind="domain_purged", object_key="example.kz").count() == 1
    ops.create_domain(new_domain("example.kz"), epp["gainer"])  # the name is free
    frozen_clock.advance(dt.timedelta(days=6))
    assert ops.lapse_restore_requests() == 1 and ops.purge_domains() == 1
    assert not Domain.objects.filter(name="other.kz", deleted_at__isnull=True).exists()


def test_a_purge_after_the_period_refuses_a_late_request(epp, frozen_clock):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    frozen_clock.advance(dt.timedelta(days=30))
    refused(lambda: ops.restore_domain(c.RestoreDomain("example.kz"), epp["owner"]), Code.NOT_RESTORABLE)
