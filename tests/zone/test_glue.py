"""Every delegation can be followed (issue 10): the demo's and the bulk loader's zones pass BIND's
named-checkzone and Knot's kzonecheck with no error; every in-zone server a delegation names has its
addresses in the zone (in-domain and sibling glue), servers outside the zone get none.

Before issue 10 the demo delegated to ns1.ps.kz, ns2.hoster.kz… whose domains were not registered, so
the exporter left their glue out and kzonecheck reported hundreds of "missing glue record" errors.
"""

from __future__ import annotations

import pytest

from kzreg.demo import load_demo_if_empty
from kzreg.demo.bulk import bulkload
from kzreg.registry.models import Host
from kzreg.zone import records
from kzreg.zone.models import ApexAddress
from tests.zone.conftest import assert_checks, assert_kzonecheck, export, find_zone, lines_of

pytestmark = pytest.mark.django_db


def _glue_follows_every_delegation(text: str, zone: str) -> int:
    """Each NS target inside the zone has an address in it; none outside; returns how many servers have."""
    body = lines_of(text)
    targets = {line.split("\t")[2].rstrip(".") for line in body if "\tNS\t" in line}
    addressed = {line.split("\t")[0].rstrip(".") for line in body if "\tA\t" in line or "\tAAAA\t" in line}
    inside = {t for t in targets if records.in_zone(t, zone)}
    assert inside <= addressed, sorted(inside - addressed)[:10]
    assert addressed <= inside | {zone}, sorted(addressed - inside)[:10]
    return len(inside)


def test_the_demo_zones_pass_both_checkers_with_glue_for_every_delegation(tmp_path):
    assert load_demo_if_empty() is True
    kz, result = export("kz")
    assert _glue_follows_every_delegation(kz, "kz") == result.glue_hosts + 2  # + the apex servers
    assert {"ns1.ps.kz", "ns2.hoster.kz"} <= {line.split("\t")[0].rstrip(".") for line in lines_of(kz)}
    assert result.delegations > 250
    assert_checks(kz, "kz", tmp_path)
    assert_kzonecheck(kz, "kz", tmp_path)
    qaz, result = export("қаз")
    assert result.glue_hosts >= 1 and _glue_follows_every_delegation(qaz, "xn--80ao21a") == result.glue_hosts
    assert_checks(qaz, "xn--80ao21a", tmp_path)
    assert_kzonecheck(qaz, "xn--80ao21a", tmp_path)


def test_the_bulk_loaders_zones_pass_both_checkers(frozen_clock, tmp_path):
    Host.objects.all().delete()  # only what the loader makes (not the test registrar's ps.kz servers)
    kz = find_zone("kz")
    for host, address in (("ns.nic.kz", "195.210.46.1"), ("ns2.nic.kz", "2a00:5da0::1")):
        ApexAddress.objects.create(zone=kz, host=host, address=address)
    stats = bulkload(3000, seed=11, batch=1500, out=lambda _: None)
    assert stats.provider_domains >= 5
    for zone, apex in (("kz", 2), ("xn--80ao21a", 0)):
        text, result = export(zone)
        assert _glue_follows_every_delegation(text, zone) == result.glue_hosts + apex
        assert result.glue_hosts > 0 or zone != "kz"  # (the big providers are all under kz)
        assert_checks(text, zone, tmp_path)
        assert_kzonecheck(text, zone, tmp_path)
