"""Zone export (P2): delegations of active domains only, glue where needed, DS, IDN, checked by BIND."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from kzreg.core import clock
from kzreg.registry import commands as c
from kzreg.registry.operations import create_host, delete_domain, modify_domain, set_domain_status
from kzreg.zone.models import ApexAddress
from kzreg.zone.problems import ZoneProblem
from tests.conftest import T0
from tests.zone.conftest import (
    GOLDEN,
    assert_checks,
    assert_kzonecheck,
    export,
    find_zone,
    hold,
    lines_of,
    needs_checker,
)

pytestmark = pytest.mark.django_db

DS = "31589 8 2 CDE0D742D6998AA554A92D890F8184C698CFAC8A26FA59875A990C03E576343C"


def ns(name: str, *addresses: str) -> c.NameServer:
    return c.NameServer(name, addresses)


PS = (ns("ns1.ps.kz", "195.210.46.10"), ns("ns2.ps.kz", "91.201.214.10"))


@pytest.fixture
def apex(db):
    """The registry's own apex servers inside `kz` get their addresses from configuration."""
    zone = find_zone("kz")
    ApexAddress.objects.create(zone=zone, host="ns.nic.kz", address="192.0.2.53")
    ApexAddress.objects.create(zone=zone, host="ns2.nic.kz", address="2001:db8::53")
    return zone


@pytest.fixture
def registry(frozen_clock, apex, make_domain, staff):
    """Every case the exporter must tell apart, in `kz` and `қаз`."""
    clock.freeze(T0 - dt.timedelta(days=400))
    make_domain("old.kz", nameservers=(ns("ns1.old.kz", "195.210.46.40"), PS[1]))  # expired by T0
    clock.freeze(T0)
    make_domain("ps.kz", nameservers=PS)
    make_domain(
        "example.kz",
        nameservers=(ns("ns1.example.kz", "195.210.46.20", "2a00:5da0:1000::20"), ns("ns2.ps.kz")),
        ds_records=(DS,),
    )
    make_domain("friend.kz", nameservers=(ns("ns1.example.kz"), ns("ns2.ps.kz")))  # sibling glue
    make_domain("held.kz", nameservers=(ns("ns1.held.kz", "195.210.46.30"), ns("ns1.ps.kz")))
    make_domain("other.kz", nameservers=(ns("ns1.held.kz"), ns("ns1.ps.kz")))  # host under a held domain
    make_domain("away.kz", nameservers=(ns("ns1.hoster.net", "91.201.214.50"), ns("ns2.hoster.net", "8.8.4.4")))
    make_domain("сәлем.kz", nameservers=PS)
    make_domain("suspended.kz", nameservers=PS)
    make_domain("deleted.kz", nameservers=PS)
    make_domain("мысал.қаз", nameservers=(ns("ns1.example.kz"), ns("ns1.hoster.net")), ds_records=(DS,))
    hold("held.kz", staff)
    set_domain_status(c.SetDomainStatus("suspended.kz", "suspended", "PS-3.10 data not confirmed"), staff)
    delete_domain(c.DeleteDomain("deleted.kz", "registrant asked"), staff)


def test_kz_zone_matches_golden_file_and_passes_named_checkzone_P2(registry, tmp_path):
    text, result = export("kz")
    golden = GOLDEN / "kz.zone"
    if os.environ.get("KZREG_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="ascii")
    assert text == golden.read_text(encoding="ascii")
    assert result.serial == int(T0.timestamp())
    assert (result.delegations, result.ns_records, result.ds_records) == (6, 12, 1)
    assert_checks(text, "kz", tmp_path)
    assert_kzonecheck(text, "kz", tmp_path)  # no "missing glue record" (other.kz uses ns1.held.kz)


def test_only_active_domains_are_delegated_P2_R13(registry):
    owners = {line.split("\t")[0] for line in lines_of(export("kz")[0]) if "\tNS\t" in line}
    assert owners == {"kz.", "ps.kz.", "example.kz.", "friend.kz.", "other.kz.", "away.kz.", "xn--e1aler47e.kz."}
    for gone in ("old.kz.", "held.kz.", "suspended.kz.", "deleted.kz."):
        assert gone not in owners


def test_glue_for_every_in_zone_server_a_delegation_names_P2(registry):
    lines = lines_of(export("kz")[0])
    glue = [line for line in lines if "\tA\t" in line or "\tAAAA\t" in line]
    assert glue == [
        "ns.nic.kz.\tA\t192.0.2.53",
        "ns2.nic.kz.\tAAAA\t2001:db8::53",
        "ns1.example.kz.\tA\t195.210.46.20",
        "ns1.example.kz.\tAAAA\t2a00:5da0:1000::20",
        "ns1.held.kz.\tA\t195.210.46.30",
        "ns1.ps.kz.\tA\t195.210.46.10",
        "ns2.ps.kz.\tA\t91.201.214.10",
    ]  # ns1.held.kz: held.kz is not delegated, but other.kz's delegation names it (issue 10: it failed
    # kzonecheck before); no ns1.old.kz (only its expired domain uses it), no ns*.hoster.net (outside)


def test_idn_zone_in_a_label_form_with_ds_and_no_foreign_glue_P2_R3(registry, tmp_path):
    text, result = export("қаз")
    assert result.zone == "xn--80ao21a"
    body = lines_of(text)
    assert body[1:3] == ["xn--80ao21a.\tNS\tns.nic.kz.", "xn--80ao21a.\tNS\tns2.nic.kz."]
    assert body[3:] == [
        f"xn--80awbu3c.xn--80ao21a.\tDS\t{DS}",
        "xn--80awbu3c.xn--80ao21a.\tNS\tns1.example.kz.",
        "xn--80awbu3c.xn--80ao21a.\tNS\tns1.hoster.net.",
    ]
    assert_checks(text, "xn--80ao21a", tmp_path)


@pytest.mark.parametrize("spelling", ["kz", "KZ.", "қаз", "xn--80ao21a", "ҚАЗ"])
def test_zone_argument_in_either_form_P2_R2(db, spelling):
    assert find_zone(spelling).name in ("kz", "xn--80ao21a")


def test_unknown_zone_is_a_clear_error_in_three_languages_R2(db):
    with pytest.raises(ZoneProblem) as caught:
        find_zone("com")
    assert caught.value.message("en") == "com: no such zone (zones: kz, қаз (xn--80ao21a))"
    assert caught.value.message("ru").startswith("com: такой зоны нет")
    assert caught.value.message("kk").startswith("com: мұндай аймақ жоқ")


def test_ds_record_that_dns_would_reject_is_left_out_and_reported_P2(frozen_clock, apex, make_domain, tmp_path):
    make_domain("signed.kz", nameservers=PS, ds_records=(DS, "12345 8 2 ABCD"))
    text, result = export("kz")
    assert (result.ds_records, result.rejected_ds_count) == (1, 1)
    assert result.rejected_ds == ["signed.kz: 12345 8 2 ABCD"]
    assert "signed.kz.\tDS\t" + DS in text and "ABCD\n" not in text
    assert "1 DS record(s) left out" in result.warnings("en")[0]
    assert_checks(text, "kz", tmp_path)


@needs_checker
def test_empty_zones_pass_and_a_missing_apex_address_fails_the_check_P2(db, tmp_path):
    qaz, _ = export("қаз")
    assert_checks(qaz, "xn--80ao21a", tmp_path)  # apex servers are outside қаз: no addresses needed
    kz, result = export("kz")
    assert result.apex_without_address == ["ns.nic.kz", "ns2.nic.kz"]
    from kzreg.zone.checker import check_zone_file

    path = tmp_path / "kz.zone"
    path.write_text(kz)
    checked = check_zone_file(path, "kz")
    assert not checked.ok and "ns.nic.kz' has no address records" in checked.output


def test_apex_server_address_may_come_from_its_host_record_P2(frozen_clock, make_domain, staff, tmp_path):
    make_domain("nic.kz", nameservers=PS)  # the registry's own domain, which its servers lie in
    create_host(c.CreateHost("ns.nic.kz", ("195.210.46.1",)), staff)
    create_host(c.CreateHost("ns2.nic.kz", ("195.210.47.1", "2a00:5da0::1")), staff)
    text, result = export("kz")
    assert result.apex_without_address == []
    assert "ns2.nic.kz.\tAAAA\t2a00:5da0::1" in text
    assert_checks(text, "kz", tmp_path)


def test_name_server_change_moves_the_delegation_P2_R11(frozen_clock, apex, make_domain, staff, tmp_path):
    make_domain("ps.kz", nameservers=PS)
    make_domain("moving.kz", nameservers=PS)
    modify_domain(
        c.ModifyDomain("moving.kz", nameservers=(ns("ns1.moving.kz", "2a00:5da0:2000::1"), ns("ns2.ps.kz"))), staff
    )
    text, _ = export("kz")
    assert [line for line in lines_of(text) if line.startswith("moving.kz.")] == [
        "moving.kz.\tNS\tns1.moving.kz.",
        "moving.kz.\tNS\tns2.ps.kz.",
    ]
    assert "ns1.moving.kz.\tAAAA\t2a00:5da0:2000::1" in text  # IPv6-only glue
    assert_checks(text, "kz", tmp_path)
