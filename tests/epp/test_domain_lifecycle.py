"""`<domain:renew>`, `<domain:delete>` and RGP restore (RFC 5731 §3.2.2–3, RFC 3915; R4)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, HistoryEntry
from tests.epp.objects import create_domain, make_contacts, send, zones  # noqa: F401

NAME = "almaty-net.kz"
REPORT = {
    "preData": "Pre-delete registration data", "postData": "Post-restore registration data",
    "delTime": "2026-03-02T09:00:00.0Z", "resTime": "2026-03-03T09:00:00.0Z",
    "resReason": "Registrant error.", "statements": ["This registrar has not restored the domain for an illegal purpose.", "Data are true."],
}  # fmt: skip


@pytest.fixture
def created(epp):
    ids = make_contacts(epp)
    assert create_domain(epp, NAME, ids).code == 1000
    return Domain.objects.get(name=NAME)


def test_renew_with_the_current_expiry_date_extends_it(epp, created):
    expiry = created.expires_at.date().isoformat()
    reply = send(epp, r.domain_renew(NAME, expiry, years=2))
    assert reply.code == 1000, reply.raw
    renewed = Domain.objects.get(name=NAME)
    assert renewed.expires_at.year == created.expires_at.year + 2
    assert reply.res_data.findtext(f"{{{ns.DOMAIN}}}exDate").startswith(renewed.expires_at.date().isoformat())


def test_renew_with_another_expiry_date_is_2306_and_adds_nothing(epp, created):
    reply = send(epp, r.domain_renew(NAME, "2001-01-01"))
    assert reply.code == 2306
    assert reply.results[0].values[0].tag == f"{{{ns.DOMAIN}}}curExpDate"
    assert Domain.objects.get(name=NAME).expires_at == created.expires_at


def test_renew_beyond_the_zone_maximum_is_refused(epp, created):
    reply = send(epp, r.domain_renew(NAME, created.expires_at.date().isoformat(), years=10))
    assert reply.code == 2306
    assert Domain.objects.get(name=NAME).expires_at == created.expires_at


def test_delete_starts_the_redemption_period_and_restore_brings_it_back(epp, created):
    reply = send(epp, r.domain_delete(NAME))
    assert reply.code == 1000, reply.raw
    (upd,) = reply.extensions
    assert upd.find(f"{{{ns.RGP}}}rgpStatus").get("s") == "redemptionPeriod"
    info = send(epp, r.domain_info(NAME))
    assert "pendingDelete" in [s.get("s") for s in info.res_data.findall(f"{{{ns.DOMAIN}}}status")]
    assert any(e.tag == f"{{{ns.RGP}}}infData" for e in info.extensions)
    reply = send(epp, r.domain_update(NAME, restore="request"))
    assert reply.code == 1000, reply.raw
    assert reply.extensions[0].find(f"{{{ns.RGP}}}rgpStatus").get("s") == "pendingRestore"
    reply = send(epp, r.domain_update(NAME, restore="report", report=REPORT))
    assert reply.code == 1000, reply.raw
    restored = Domain.objects.get(name=NAME)
    assert not restored.pending_delete and restored.rgp_status == ""
    entry = HistoryEntry.objects.filter(object_key=NAME, operation="domain_restore_report").get()
    assert "Registrant error." in entry.reason


def test_restore_report_missing_its_statements_names_them(epp, created):
    assert send(epp, r.domain_delete(NAME)).code == 1000
    assert send(epp, r.domain_update(NAME, restore="request")).code == 1000
    reply = send(epp, r.domain_update(NAME, restore="report", report={**REPORT, "statements": ["only one"]}))
    assert reply.code == 2003
    assert Domain.objects.get(name=NAME).rgp_status == "pendingRestore"


def test_restore_after_the_redemption_period_is_refused(epp, created):
    assert send(epp, r.domain_delete(NAME)).code == 1000
    clock.freeze(clock.now() + dt.timedelta(days=40))
    try:
        reply = send(epp, r.domain_update(NAME, restore="request"))
    finally:
        clock.thaw()
    assert reply.code >= 2000
    assert Domain.objects.get(name=NAME).rgp_status == "redemptionPeriod"


def test_restore_of_a_live_domain_is_refused(epp, created):
    reply = send(epp, r.domain_update(NAME, restore="request"))
    assert reply.code >= 2300
    assert Domain.objects.get(name=NAME).rgp_status == ""
