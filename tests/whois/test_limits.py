"""Rate limiting per address (issue 4): a token bucket, time moved by an injected clock."""

from __future__ import annotations

from kzreg.whois.limits import RateLimiter
from kzreg.whois.query import InvalidQuery, Kind, parse_query
from kzreg.whois.server import client_key


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
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("192.0.2.7") == "192.0.2.7"


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
