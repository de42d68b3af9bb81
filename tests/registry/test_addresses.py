"""Name-server addresses (SPEC R11, issue 9 §7): a valid address in a reserved range is refused as "valid
but not public", naming its range, not as "not valid"; an address given for an existing host warns
only when it is not among the host's own addresses."""

from __future__ import annotations

import ipaddress

import pytest

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import ADDRESS_RANGES, LANGUAGES, Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.addresses import reserved_range
from kzreg.registry.models import Host
from kzreg.registry.policy import canonical_ip, normalize_ip
from tests.conftest import NS, domain_command

RESERVED = [
    ("192.0.2.10", "192.0.2.0/24", "documentation"),
    ("198.51.100.7", "198.51.100.0/24", "documentation"),
    ("203.0.113.250", "203.0.113.0/24", "documentation"),
    ("2001:db8::53", "2001:db8::/32", "documentation"),
    ("2001:0DB8:0000::0001", "2001:db8::/32", "documentation"),
    ("10.1.2.3", "10.0.0.0/8", "private"),
    ("172.31.255.1", "172.16.0.0/12", "private"),
    ("192.168.0.1", "192.168.0.0/16", "private"),
    ("fd12:3456::1", "fc00::/7", "unique_local"),
    ("127.0.0.1", "127.0.0.0/8", "loopback"),
    ("::1", "::1/128", "loopback"),
    ("169.254.10.10", "169.254.0.0/16", "link_local"),
    ("fe80::1", "fe80::/10", "link_local"),
    ("224.0.0.251", "224.0.0.0/4", "multicast"),  # `ipaddress.is_global` lets this one through
    ("239.1.1.1", "224.0.0.0/4", "multicast"),
    ("ff02::fb", "ff00::/8", "multicast"),
    ("0.0.0.0", "0.0.0.0/32", "unspecified"),
    ("0.1.2.3", "0.0.0.0/8", "this_network"),
    ("::", "::/128", "unspecified"),
    ("100.64.0.1", "100.64.0.0/10", "shared"),
    ("240.0.0.1", "240.0.0.0/4", "future"),
    ("255.255.255.255", "255.255.255.255/32", "broadcast"),
    ("198.18.0.1", "198.18.0.0/15", "benchmarking"),
    ("192.0.0.8", "192.0.0.0/24", "protocol"),
    ("::ffff:195.210.46.10", "::ffff:0:0/96", "mapped"),
    ("64:ff9b::c0a8:1", "64:ff9b::/96", "translation"),
    ("4000::1", "4000::/3", "ietf_reserved"),
]


@pytest.mark.parametrize(("raw", "network", "kind"), RESERVED)
def test_a_valid_address_in_a_reserved_range_is_named_with_its_range(raw, network, kind):
    problem = normalize_ip(raw)
    assert isinstance(problem, Problem)
    assert (problem.code, problem.params["network"], problem.params["kind"]) == (Code.IP_NOT_PUBLIC, network, kind)


def test_the_message_says_valid_but_not_public_in_every_language():
    problem = normalize_ip("192.0.2.10")
    assert isinstance(problem, Problem)
    assert problem.message("en") == (
        "the address 192.0.2.10 is valid but not public (reserved range 192.0.2.0/24: documentation)"
    )
    assert problem.message("ru") == (
        "адрес 192.0.2.10 корректен, но не публичный (зарезервированный диапазон 192.0.2.0/24: для документации)"
    )
    assert problem.message("kk").startswith("192.0.2.10 мекен-жайы дұрыс, бірақ жалпыға қолжетімді емес")
    assert "құжаттамаға арналған" in problem.message("kk")
    for kind, texts in ADDRESS_RANGES.items():  # every range kind a message can name is translated
        assert set(texts) == set(LANGUAGES), kind


@pytest.mark.parametrize("raw", ["300.1.1.1", "1.2.3", "nonsense", "2001:db8::g", "fe80::1%eth0", "195.210.46.10/24"])
def test_a_malformed_address_is_still_not_valid(raw):
    problem = normalize_ip(raw)
    assert isinstance(problem, Problem) and problem.code == Code.INVALID_IP
    assert problem.message("en") == f"IP address is not valid: {raw}"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("195.210.46.10", "195.210.46.10"), ("2a00:5da0:0001:0000:0000:0000:0000:0010", "2a00:5da0:1::10"),
     ("2A00:5DA0:1::10", "2a00:5da0:1::10"), ("2001:4860:0:0::8888", "2001:4860::8888"), ("8.8.8.8", "8.8.8.8"),
     ("2002:c000:0204::1", "2002:c000:204::1")],
)  # fmt: skip
def test_public_addresses_pass_in_canonical_form(raw, canonical):
    assert normalize_ip(raw) == canonical


def test_the_table_covers_all_ipv6_space_outside_global_unicast():
    """IANA's IPv6 Address Space: only 2000::/3 is global unicast; every other /8 is named."""
    for first in range(256):
        address = ipaddress.IPv6Address(first << 120 | 1)
        in_global = address in ipaddress.IPv6Network("2000::/3")
        assert (reserved_range(address) is None) == in_global, address


def test_canonical_ip_compares_text_forms():
    assert canonical_ip("2a00:5da0:0001::0010") == canonical_ip("2A00:5DA0:1:0:0:0:0:10") == "2a00:5da0:1::10"
    assert canonical_ip(" legacy junk ") == "legacy junk"


# Through the operations: the problem names the field the address was given in.


@pytest.mark.django_db
def test_registration_with_a_documentation_address_is_refused_as_not_public(registrar, staff):
    servers = (c.NameServer("ns1.fresh.kz", ("192.0.2.10",)), c.NameServer("ns2.fresh.kz", ("999.1.1.1",)))
    with pytest.raises(OperationFailed) as failure:
        ops.create_domain(domain_command("fresh.kz", nameservers=servers), staff)
    rendered = failure.value.render("en")
    assert "nameservers[0].addresses: the address 192.0.2.10 is valid but not public " in "\n".join(rendered)
    assert "nameservers[1].addresses: IP address is not valid: 999.1.1.1" in rendered


@pytest.mark.django_db
def test_host_create_and_modify_refuse_a_private_address(make_domain, staff):
    make_domain("fresh.kz")  # the domain the new host lies under
    with pytest.raises(OperationFailed) as failure:
        ops.create_host(c.CreateHost("ns1.fresh.kz", ("10.0.0.53",)), staff)
    assert failure.value.codes == {Code.IP_NOT_PUBLIC}
    ops.create_host(c.CreateHost("ns1.fresh.kz", ("91.201.214.53",)), staff)
    with pytest.raises(OperationFailed) as failure:
        ops.modify_host(c.ModifyHost("ns1.fresh.kz", addresses=("fe80::53",)), staff)
    assert failure.value.render("ru") == [
        "addresses: адрес fe80::53 корректен, но не публичный (зарезервированный диапазон fe80::/10: "
        "локальные в канале (link-local))"
    ]
    assert Host.objects.get(name="ns1.fresh.kz").addresses == ["91.201.214.53"]


# R11: an existing host's own addresses given again are no news.

PS_NS1 = ("195.210.46.10", "2a00:5da0:1::10")  # ns1.ps.kz in the seed's example


@pytest.fixture
def ps_hosts(registrar, staff):
    ops.modify_host(c.ModifyHost("ns1.ps.kz", addresses=PS_NS1), staff)  # the registrar's fixture made both
    assert Host.objects.get(name="ns2.ps.kz").addresses == ["91.201.214.10"]


def _differs(warnings) -> list[Problem]:
    return [w for w in warnings if w.code == Code.HOST_ADDRESS_DIFFERS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given",
    [("195.210.46.10",), ("2a00:5da0:1::10",), PS_NS1, ("2a00:5da0:0001:0000:0000:0000:0000:0010",),
     ("2A00:5DA0:1::10", "195.210.46.10"), ()],
)  # fmt: skip
def test_a_registration_giving_the_hosts_own_addresses_is_silent(ps_hosts, staff, given):
    servers = (c.NameServer("ns1.ps.kz", given), NS[1])
    result = ops.create_domain(domain_command("fresh.kz", nameservers=servers), staff)
    assert _differs(result.warnings) == []


@pytest.mark.django_db
def test_a_modify_naming_a_host_with_one_of_its_addresses_is_silent(ps_hosts, make_domain, staff):
    make_domain(
        "example.kz", nameservers=(c.NameServer("ns2.ps.kz"), c.NameServer("ns3.hoster.net", ("91.201.214.30",)))
    )
    command = c.ModifyDomain("example.kz", nameservers=(c.NameServer("ns1.ps.kz", ("195.210.46.10",)), NS[1]))
    result = ops.modify_domain(command, staff)
    assert _differs(result.warnings) == []
    assert Host.objects.get(name="ns1.ps.kz").addresses == list(PS_NS1)


@pytest.mark.django_db
def test_an_address_not_among_the_hosts_is_reported_and_not_applied(ps_hosts, make_domain, staff):
    make_domain("example.kz")
    given = ("195.210.46.10", "195.210.46.99")
    command = c.ModifyDomain("example.kz", nameservers=(c.NameServer("ns1.ps.kz", given), NS[1]))
    (warning,) = _differs(ops.modify_domain(command, staff).warnings)
    assert warning.field == "nameservers[0].addresses"
    assert warning.params["given"] == "195.210.46.99"  # only the address that was not applied
    assert warning.message("en") == (
        "host ns1.ps.kz exists with address 195.210.46.10, 2a00:5da0:1::10; the given 195.210.46.99 was not "
        "applied (hosts change through the Host template)"
    )
    assert Host.objects.get(name="ns1.ps.kz").addresses == list(PS_NS1)


@pytest.mark.django_db
def test_a_stored_address_in_another_text_form_still_counts_as_the_hosts(registrar, staff):
    """A host written before addresses were stored canonically (a bulk load, an old import)."""
    Host.objects.filter(name="ns1.ps.kz").update(addresses=["195.210.46.10", "2A00:5DA0:0001:0:0:0:0:0010"])
    servers = (c.NameServer("ns1.ps.kz", ("2a00:5da0:1::10",)), NS[1])
    result = ops.create_domain(domain_command("fresh.kz", nameservers=servers), staff)
    assert _differs(result.warnings) == []


@pytest.mark.django_db
def test_a_refused_address_is_not_also_reported_missing(registrar, staff):
    """A new server whose only address is refused gets that one problem, not "is required" as well."""
    servers = (c.NameServer("ns1.fresh.kz", ("192.168.1.1",)), c.NameServer("ns2.fresh.kz"))
    with pytest.raises(OperationFailed) as failure:
        ops.create_domain(domain_command("fresh.kz", nameservers=servers), staff)
    assert [(p.field, p.code) for p in failure.value.problems] == [
        ("nameservers[0].addresses", Code.IP_NOT_PUBLIC),
        ("nameservers[1].addresses", Code.REQUIRED),
    ]


def test_demo_and_bulk_generators_emit_only_public_addresses():
    """The demo registry and the bulk loader write hosts the registry would accept (`names.host_addresses`
    feeds both; the demo's providers are fixed)."""
    import random

    from kzreg.demo import names
    from kzreg.demo.demo_domains import PROVIDERS

    rnd = random.Random(9)
    generated = [a for _ in range(5000) for a in names.host_addresses(rnd, v6_share=0.5)]
    fixed = [a for servers, _ in PROVIDERS.values() for _, addresses in servers for a in addresses]
    refused = [a for a in generated + fixed if not isinstance(normalize_ip(a), str)]
    assert refused == []
