"""Rate limiting per address (issue 4): a token bucket, time moved by an injected clock."""

from __future__ import annotations

import pytest

from kzreg.whois.limits import Limits, RateLimiter
from kzreg.whois.networks import network_key
from kzreg.whois.query import InvalidQuery, Kind, parse_query


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_burst_then_refill_at_the_rate():
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.allow("192.0.2.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.allow("192.0.2.1") == 0.5
    assert limiter.allow("192.0.2.2") == 0.0  # another address has its own bucket
    clock.t += 0.5
    assert limiter.allow("192.0.2.1") == 0.0
    assert limiter.allow("192.0.2.1") > 0


def test_rate_zero_means_unlimited():
    limiter = RateLimiter(rate=0, burst=1, clock=Clock())
    assert all(limiter.allow("192.0.2.1") == 0 for _ in range(1000))


def test_bucket_table_bounded_under_a_flood_of_addresses():
    limiter = RateLimiter(rate=1, burst=1, max_tracked=100, clock=Clock())
    for i in range(10_000):
        limiter.allow(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter._buckets) == 100


def test_ipv6_addresses_of_one_site_share_a_bucket():
    key = network_key()  # the defaults: IPv4 /24, IPv6 /64
    assert key("2001:db8:1:2::5") == key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::5") == "2001:db8:1:3::/64"
    assert network_key(ipv6_prefix=48)("2001:db8:1:2::5") == network_key(ipv6_prefix=48)("2001:db8:1:ffff::1")
    assert network_key(ipv6_prefix=128)("2001:db8::5") == "2001:db8::5/128"


@pytest.mark.parametrize(
    ("prefix", "address", "network"),
    [
        (24, "192.0.2.7", "192.0.2.0/24"),
        (24, "192.0.2.255", "192.0.2.0/24"),
        (24, "::ffff:192.0.2.7", "192.0.2.0/24"),  # an IPv4 client of a dual-stack socket
        (32, "192.0.2.7", "192.0.2.7"),  # each address alone (the behaviour before issue 9)
        (32, "::ffff:192.0.2.7", "192.0.2.7"),
        (16, "192.0.2.7", "192.0.0.0/16"),
        (22, "192.0.7.7", "192.0.4.0/22"),
        (24, "not an address", "not an address"),
        (22, "not an address", "not an address"),
    ],
)
def test_ipv4_addresses_are_grouped_by_the_configured_prefix(prefix, address, network):
    assert network_key(ipv4_prefix=prefix)(address) == network


def test_ipv4_neighbours_share_a_network_and_others_do_not():
    key = network_key(ipv4_prefix=24)
    assert key("127.0.0.2") == key("127.0.0.21") != key("127.0.1.1")


def test_prefixes_out_of_range_are_refused():
    with pytest.raises(ValueError, match="ipv4_prefix"):
        Limits(ipv4_prefix=33)
    with pytest.raises(ValueError, match="ipv6_prefix"):
        Limits(ipv6_prefix=8)


def test_query_kinds():
    assert parse_query("Example.KZ") == parse_query("domain example.kz")
    assert parse_query("example.kz").kind == Kind.DOMAIN
    assert parse_query("ns1.example.kz").kind == Kind.HOST
    assert parse_query("ivg123").key == "IVG123" and parse_query("ivg123").kind == Kind.HANDLE
    assert parse_query("registrar ps-kz").kind == Kind.REGISTRAR
    assert parse_query("мысал.қаз").key == "xn--80awbu3c.xn--80ao21a"
    assert parse_query("") is None
    for bad in ("a b", "x" * 300, "мысал..қаз", "tab\there.kz"):
        try:
            parse_query(bad)
        except InvalidQuery:
            continue
        raise AssertionError(f"{bad!r} should be invalid")
