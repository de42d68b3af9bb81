"""The published zone served by a real DNS server (Knot) on loopback and queried with dnspython (P2)."""

from __future__ import annotations

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

from kzreg.registry import commands as c
from kzreg.zone.config import PublishConfig
from kzreg.zone.models import ApexAddress, ZoneState
from kzreg.zone.publish import publish_zone
from tests.zone.conftest import KNOTC, KnotServer, find_zone, hold, needs_checker, needs_knot

pytestmark = [pytest.mark.django_db, pytest.mark.slow, needs_knot, needs_checker]


def referral(answer) -> tuple[dict[str, set[str]], dict[str, set[str]]]:  # type: ignore[no-untyped-def]
    """(owner → NS targets) from the authority section, (owner → addresses) from the additional section."""
    ns = {r.name.to_text(): {str(x) for x in r} for r in answer.authority if r.rdtype == dns.rdatatype.NS}
    glue: dict[str, set[str]] = {}
    for r in answer.additional:
        if r.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            glue.setdefault(r.name.to_text(), set()).update(str(x) for x in r)
    return ns, glue


@pytest.fixture
def knot(tmp_path):
    servers: list[KnotServer] = []

    def start(zone: str, zone_file) -> KnotServer:  # type: ignore[no-untyped-def]
        folder = tmp_path / "knot"
        folder.mkdir()
        server = KnotServer(folder, zone, zone_file)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_delegation_appears_and_a_held_domain_disappears_after_the_next_export_P2_R13(
    frozen_clock, make_domain, staff, tmp_path, knot
):
    zone = find_zone("kz")
    ApexAddress.objects.create(zone=zone, host="ns.nic.kz", address="192.0.2.53")
    ApexAddress.objects.create(zone=zone, host="ns2.nic.kz", address="192.0.2.54")
    make_domain("example.kz", nameservers=(c.NameServer("ns1.example.kz", ("195.210.46.20", "2a00:5da0::20")),
                                           c.NameServer("ns2.hoster.net", ("91.201.214.20",))))  # fmt: skip
    make_domain("held.kz", nameservers=(c.NameServer("ns1.hoster.net", ("91.201.214.21",)),
                                        c.NameServer("ns2.hoster.net")))  # fmt: skip
    zone_dir = tmp_path / "zones"
    plain = PublishConfig(zone_dir=zone_dir, reload_command="", reload_timeout=30, check="1", check_timeout=60)
    assert publish_zone(zone, config=plain).startswith("published")
    first = ZoneState.objects.get(zone=zone).published_serial

    server = knot("kz", zone_dir / "kz.zone")
    server.wait_for_serial(first)
    answer = server.query("www.example.kz", "A")
    assert answer.rcode() == dns.rcode.NOERROR and not answer.answer
    ns, glue = referral(answer)
    assert ns == {"example.kz.": {"ns1.example.kz.", "ns2.hoster.net."}}
    assert glue == {"ns1.example.kz.": {"195.210.46.20", "2a00:5da0::20"}}  # in-zone only
    assert referral(server.query("held.kz", "NS", tcp=True))[0] == {"held.kz.": {"ns1.hoster.net.", "ns2.hoster.net."}}

    hold("held.kz", staff)
    reloading = PublishConfig(
        zone_dir=zone_dir,
        reload_command=f"{KNOTC} -c {server.conf} zone-reload {{zone}}",
        reload_timeout=30,
        check="1",
        check_timeout=60,
    )
    assert publish_zone(zone, config=reloading).endswith("; reloaded")
    second = ZoneState.objects.get(zone=zone).published_serial
    assert second > first
    server.wait_for_serial(second)
    gone = server.query("held.kz", "NS")
    assert gone.rcode() == dns.rcode.NXDOMAIN and gone.flags & dns.flags.AA
    assert referral(server.query("www.example.kz", "A", tcp=True))[0] == {
        "example.kz.": {"ns1.example.kz.", "ns2.hoster.net."}
    }
