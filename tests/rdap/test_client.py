"""A real RDAP client (whoisit, from PyPI) against the RDAP service on a live server on 127.0.0.1.

whoisit finds the server the way any RDAP client does, from an RFC 9224 bootstrap file, here one that
maps `kz` and `xn--80ao21a` to the live server; entities go through its named-endpoint table.
"""

from __future__ import annotations

import json

import pytest
import requests
import whoisit
from django.test import override_settings
from whoisit.bootstrap import BaseBootstrap
from whoisit.errors import RateLimitedError, ResourceDoesNotExist

from kzreg.registry.zones import forget_zones
from tests.conftest import person

# Live-server tests flush the tables after each test; serialized rollback brings back the zones that the
# migrations created, and the per-process zone cache is dropped so that it cannot outlive them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def rdap_base(live_server, monkeypatch):
    base = f"{live_server.url}/rdap/"
    services = {
        "dns": [[["kz", "xn--80ao21a"], [base]]],
        "asn": [[["64496-64511"], [base]]],
        "ipv4": [[["192.0.2.0/24"], [base]]],
        "ipv6": [[["2001:db8::/32"], [base]]],
        "object": [[["hostmaster@nic.kz"], ["KZ"], [base]]],
    }
    bootstrap = {"timestamp": 1, **{name: {"services": s} for name, s in services.items()}}
    forget_zones()
    whoisit.clear_bootstrapping()
    whoisit.load_bootstrap_data(json.dumps(bootstrap), allow_insecure=True)
    monkeypatch.setitem(BaseBootstrap.RIR_RDAP_ENDPOINTS, "kznic", base)
    yield base
    whoisit.clear_bootstrapping()
    forget_zones()


@pytest.fixture
def session():
    with requests.Session() as s:
        s.trust_env = False  # loopback only: no proxy from the environment
        yield s


def test_client_reads_a_domain(rdap_base, session, make_domain):
    """P1 over RDAP: what a stock client makes of our answer."""
    make_domain("example.kz", ds_records=("12345 8 2 " + "4F" * 32,), admin=person(2, disclose=True))
    result = whoisit.domain("example.kz", session=session)
    assert result["name"] == "example.kz"
    assert result["handle"].startswith("D")
    assert result["status"] == ["active"]
    assert result["nameservers"] == ["ns1.ps.kz", "ns2.ps.kz"]
    assert result["nameserver_ips"]["ns1.ps.kz"] == ["195.210.46.10"]
    assert result["dnssec"] is True and result["dnssec_ds_data"][0]["key_tag"] == 12345
    assert result["registration_date"] is not None and result["expiration_date"] > result["registration_date"]
    assert result["entities"]["registrar"][0]["handle"] == "PS-KZ"
    assert result["entities"]["administrative"][0]["email"] == "ivan2@example.kz"


def test_client_reads_an_idn_by_u_label(rdap_base, session, make_domain):
    make_domain("пример.қаз")
    result = whoisit.domain("xn--e1afmkfd.xn--80ao21a", session=session)
    assert result["unicode_name"] == "пример.қаз"


def test_client_sees_redaction_and_404(rdap_base, session, make_domain):
    """R18: the stock client gets no personal data of an individual without consent."""
    make_domain("example.kz")
    result = whoisit.domain("example.kz", session=session)
    admin = result["entities"]["administrative"][0]
    assert not admin.get("email") and not admin.get("name")
    with pytest.raises(ResourceDoesNotExist):
        whoisit.domain("absent.kz", session=session)


def test_client_reads_an_entity(rdap_base, session, make_domain):
    domain = make_domain("example.kz")
    result = whoisit.entity(domain.registrant.handle, rir="kznic", session=session)
    assert result["handle"] == domain.registrant.handle
    assert result["email"] == "noc1@telecom.kz"


def test_client_is_told_to_slow_down(rdap_base, session, make_domain):
    """RFC 7480 §5.5: the client sees 429 as rate limiting."""
    make_domain("example.kz")
    with override_settings(KZREG_RDAP={"RATE_LIMIT": "1/3600"}):
        whoisit.domain("example.kz", session=session)
        with pytest.raises(RateLimitedError):
            whoisit.domain("example.kz", session=session)
