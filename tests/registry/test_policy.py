"""Name syntax, IDN and data rules (SPEC R3, R8, R10, R11) — pure functions, no database."""

from __future__ import annotations

import pytest

from kzreg.core.messages import Code
from kzreg.registry.policy import (
    ZonePolicy,
    check_phone,
    normalize_host_name,
    normalize_ip,
    parse_domain_name,
    registrant_name_acceptable,
    same_network,
)

KZ = ZonePolicy(id=1, name="kz", unicode_name="kz")
KAZ = ZonePolicy(id=2, name="xn--80ao21a", unicode_name="қаз", allow_latin=False)
ZONES = {"kz": KZ, "xn--80ao21a": KAZ}


def codes(raw: str) -> set[Code]:
    _, problems = parse_domain_name(raw, ZONES)
    return {p.code for p in problems}


@pytest.mark.parametrize(
    "raw, ascii_name, unicode_name",
    [
        ("example.kz", "example.kz", "example.kz"),
        ("  EXAMPLE.KZ. ", "example.kz", "example.kz"),
        ("қазақстан.қаз", "xn--80aaa0a6awh12ed.xn--80ao21a", "қазақстан.қаз"),
        ("xn--80aaa0a6awh12ed.xn--80ao21a", "xn--80aaa0a6awh12ed.xn--80ao21a", "қазақстан.қаз"),
        ("ҚАЗАҚСТАН.ҚАЗ", "xn--80aaa0a6awh12ed.xn--80ao21a", "қазақстан.қаз"),
        ("мысал.kz", "xn--80awbu3c.kz", "мысал.kz"),
        ("a1-b2.kz", "a1-b2.kz", "a1-b2.kz"),
        ("ёлка.kz", "xn--80atc1g.kz", "ёлка.kz"),
        ("өнер.қаз", "xn--e1apk78d.xn--80ao21a", "өнер.қаз"),
    ],
)
def test_valid_names_in_both_forms(raw, ascii_name, unicode_name):
    """R3: registered as submitted, lowercased; IDN shown as U-label, stored as A-label (checked
    against the stdlib punycode codec in the expectations)."""
    name, problems = parse_domain_name(raw, ZONES)
    assert problems == []
    assert (name.name, name.unicode_name) == (ascii_name, unicode_name)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("-example.kz", Code.NAME_HYPHEN_EDGE),
        ("example-.kz", Code.NAME_HYPHEN_EDGE),
        ("ex_ample.kz", Code.NAME_BAD_CHARACTER),
        ("exa mple.kz", Code.NAME_BAD_CHARACTER),
        ("ab--cd.kz", Code.NAME_HYPHEN_34),
        ("qazaqстан.kz", Code.NAME_MIXED_SCRIPT),
        ("example.қаз", Code.NAME_SCRIPT_NOT_ALLOWED),
        ("www.example.kz", Code.NAME_NOT_SECOND_LEVEL),
        ("kz", Code.NAME_NOT_SECOND_LEVEL),
        ("example.com", Code.ZONE_UNKNOWN),
        ("a" * 23 + ".kz", Code.NAME_TOO_LONG),
        ("example..kz", Code.NAME_EMPTY_LABEL),
        ("", Code.REQUIRED),
        ("xn--zzzz.kz", Code.NAME_IDNA),
        ("ünïcode.kz", Code.NAME_BAD_CHARACTER),
    ],
)
def test_invalid_names_name_the_rule(raw, code):
    assert code in codes(raw)


def test_length_rule_counts_unicode_characters_and_is_per_zone():
    """R3: 25 characters including the zone, counted in U-label characters; a per-zone setting."""
    assert codes("а" * 18 + ".қаз") == set()  # 18 + 1 + 3 = 22, although the A-label is much longer
    assert codes("a" * 22 + ".kz") == set()  # exactly 25
    longer = {"kz": ZonePolicy(id=1, name="kz", unicode_name="kz", max_name_length=40)}
    assert parse_domain_name("a" * 30 + ".kz", longer)[1] == []


def test_every_problem_of_a_name_is_reported_at_once():
    assert codes("-ex_ample-.kz") == {Code.NAME_HYPHEN_EDGE, Code.NAME_BAD_CHARACTER}


@pytest.mark.parametrize("raw", ["ns1.example.kz", "NS1.Example.KZ.", "ns.сервер.kz", "a.b.c.d.com"])
def test_host_names(raw):
    assert isinstance(normalize_host_name(raw), tuple)


@pytest.mark.parametrize("raw", ["localhost", "ns1..kz", "-ns.kz", "ns1.example.123", "a_b.kz", ""])
def test_bad_host_names(raw):
    assert not isinstance(normalize_host_name(raw), tuple)


def test_addresses_must_be_public_and_are_canonical():
    assert normalize_ip("2001:4860:0:0::8888") == "2001:4860::8888"
    assert normalize_ip(" 8.8.8.8 ") == "8.8.8.8"
    for bad in ("10.0.0.1", "127.0.0.1", "300.1.1.1", "::1", "nonsense"):
        assert not isinstance(normalize_ip(bad), str)


def test_same_network_warning_rule():
    """R11 interpretation: all servers in one /24 (IPv6 /48) is a warning."""
    assert same_network(["195.210.46.1", "195.210.46.200"]) == "195.210.46.0/24"
    assert same_network(["195.210.46.1", "91.201.214.3"]) is None
    assert same_network(["2a00:5da0:1::1", "2a00:5da0:1:2::1"]) == "2a00:5da0:1::/48"


def test_phones():
    assert check_phone("+7 727 2501234")
    assert check_phone("+7 (727) 250-12-34 ext 12")
    assert not check_phone("call me")
    assert not check_phone("12")


@pytest.mark.parametrize(
    "name, ok",
    [
        ("Kazakhtelecom Joint Stock Company", True),
        ("«Қазақтелеком» акционерлік қоғамы", True),
        ("John Smith dba Best Hosting", False),
        ("Best Hosting d/b/a Host", False),
        ("IBM", False),
        ("ТОО", False),
    ],
)
def test_registrant_must_be_the_legal_name(name, ok):
    """R10: no "dba" and no bare abbreviation as the registrant name."""
    assert registrant_name_acceptable(name) is ok
