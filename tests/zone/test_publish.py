"""Publishing on a schedule (P2): only when something changed, atomic replace, check, reload, retry."""

from __future__ import annotations

import pytest

from kzreg.registry import commands as c
from kzreg.registry.operations import modify_domain
from kzreg.worker.loop import run_once
from kzreg.zone.config import PublishConfig
from kzreg.zone.jobs import JOBS
from kzreg.zone.models import ApexAddress, ZoneState
from kzreg.zone.publish import UNCHANGED, publish_changed_zones, publish_zone
from tests.conftest import person
from tests.zone.conftest import find_zone, hold, needs_checker

pytestmark = pytest.mark.django_db


@pytest.fixture
def apex(db):
    zone = find_zone("kz")
    ApexAddress.objects.create(zone=zone, host="ns.nic.kz", address="192.0.2.53")
    ApexAddress.objects.create(zone=zone, host="ns2.nic.kz", address="192.0.2.54")
    return zone


def config(tmp_path, reload: str = "", check: str = "1") -> PublishConfig:
    return PublishConfig(
        zone_dir=tmp_path / "zones", reload_command=reload, reload_timeout=20, check=check, check_timeout=60
    )


def reloads(tmp_path) -> list[str]:
    log = tmp_path / "reloads"
    return log.read_text().splitlines() if log.exists() else []


@needs_checker
def test_publishes_changed_zones_only_and_reloads_each_time_P2(frozen_clock, apex, make_domain, staff, tmp_path):
    cfg = config(tmp_path, reload=f"echo {{zone}} {{serial}} >> {tmp_path}/reloads")
    make_domain("example.kz")
    outcomes = publish_changed_zones(config=cfg)
    kz = cfg.zone_dir / "kz.zone"
    serial = ZoneState.objects.get(zone=apex).published_serial
    assert outcomes["kz"] == f"published serial {serial}, 1 delegations; reloaded"
    assert "example.kz.\tNS\tns1.ps.kz." in kz.read_text()
    assert (cfg.zone_dir / "xn--80ao21a.zone").exists()
    assert reloads(tmp_path) == [f"kz {serial}", f"xn--80ao21a {serial}"]  # each zone has its own serial

    assert publish_changed_zones(config=cfg) == {}  # nothing changed: no export, no reload
    modify_domain(c.ModifyDomain("example.kz", admin=person(7)), staff)  # not in DNS: content unchanged
    assert publish_changed_zones(config=cfg) == {}
    assert len(reloads(tmp_path)) == 2

    hold("example.kz", staff)
    outcomes = publish_changed_zones(config=cfg)
    assert list(outcomes) == ["kz"] and "example.kz." not in kz.read_text()
    assert int(reloads(tmp_path)[-1].split()[1]) > serial
    assert sorted(p.name for p in cfg.zone_dir.iterdir()) == ["kz.zone", "xn--80ao21a.zone"]  # no temp files


@needs_checker
def test_a_zone_that_fails_the_check_is_not_published_and_is_retried_P2(frozen_clock, apex, make_domain, tmp_path):
    cfg = config(tmp_path)
    make_domain("example.kz")
    assert publish_zone(apex, config=cfg).startswith("published")
    before = (cfg.zone_dir / "kz.zone").read_bytes()
    ApexAddress.objects.filter(host="ns2.nic.kz").delete()
    outcome = publish_zone(apex, config=cfg)
    assert outcome.startswith("failed: zone file of kz failed the check") and "ns2.nic.kz" in outcome
    assert (cfg.zone_dir / "kz.zone").read_bytes() == before
    assert [p.name for p in cfg.zone_dir.iterdir()] == ["kz.zone"]
    assert "ns2.nic.kz" in ZoneState.objects.get(zone=apex).last_error
    ApexAddress.objects.create(zone=apex, host="ns2.nic.kz", address="192.0.2.55")
    assert publish_zone(apex, config=cfg).startswith("published")
    assert "192.0.2.55" in (cfg.zone_dir / "kz.zone").read_text()
    assert ZoneState.objects.get(zone=apex).last_error == ""


def test_a_failed_reload_is_retried_on_the_next_run_P2(frozen_clock, apex, make_domain, tmp_path):
    make_domain("example.kz")
    failing = config(tmp_path, reload="echo knot is down >&2; exit 3", check="0")
    assert publish_zone(apex, config=failing).endswith("reload failed: exit 3: knot is down")
    assert ZoneState.objects.get(zone=apex).reload_pending
    assert publish_zone(apex, config=failing) == "reload failed: exit 3: knot is down"
    working = config(tmp_path, reload=f"echo {{zone}} >> {tmp_path}/reloads", check="0")
    assert publish_zone(apex, config=working) == "reloaded"
    assert reloads(tmp_path) == ["kz"]
    assert publish_zone(apex, config=working) == UNCHANGED


def test_force_republishes_an_unchanged_zone_and_a_deleted_file_is_rewritten_P2(frozen_clock, apex, tmp_path):
    cfg = config(tmp_path, check="0")
    publish_zone(apex, config=cfg)
    assert publish_zone(apex, config=cfg) == UNCHANGED
    assert publish_zone(apex, force=True, config=cfg).startswith("published")
    (cfg.zone_dir / "kz.zone").unlink()
    assert publish_zone(apex, config=cfg).startswith("published")


def test_the_worker_runs_the_publish_job_into_the_zone_folder_P2(
    frozen_clock, apex, make_domain, tmp_path, monkeypatch
):
    monkeypatch.setenv("KZREG_ZONE_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("KZREG_ZONE_CHECK", "0")
    make_domain("example.kz")
    [job] = JOBS
    assert job.name == "zone-publish" and job.every == 60
    assert job.run()["kz"].startswith("published serial")
    assert "example.kz.\tNS\t" in (tmp_path / "published" / "kz.zone").read_text()
    assert run_once(JOBS) == {"zone-publish": {}}  # the worker's way; nothing changed since
