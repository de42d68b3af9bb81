"""What the command tests make over EPP before they test something: a registrar's contacts and a domain,
created the way a registrar creates them (through the server, with the request builders)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from kzreg.epp import requests as r
from kzreg.epp.client import EppClient, Reply
from kzreg.registry.zones import forget_zones

LOCATION = r.Location(("Abay avenue 10", "office 5"), "Almaty", "Almaty")
DS = r.DsRecord(12345, 13, 2, "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE0F8A5D1F2E4B7C3A5E7F9A1B")
NS = ("ns1.ps.kz", "ns2.ps.kz")  # tests/conftest.py's hosts, sponsored by PS-KZ


@pytest.fixture(autouse=True)
def zones(transactional_db):
    """The TLS tests empty the database after each test (the server's thread needs committed rows), and the
    zones go with it: this puts the two seed zones back with their migration's own function, and drops the
    cached zone policies (which hold the old rows' ids). Import it into a module to make it autouse there."""
    forget_zones()
    importlib.import_module("kzreg.registry.migrations.0003_default_zones").add_zones(apps, None)
    forget_zones()
    yield
    forget_zones()


def send(client: EppClient, command: r.EppCommand, cltrid: str | None = None) -> Reply:
    return client.request(command.frame(cltrid))


def org_postal(n: int = 1) -> r.PostalInfo:
    return r.PostalInfo(
        name="Ivanov, Ivan", org=f"Kazakhtelecom Joint Stock Company {n}", street=("Abay avenue 10",),
        city="Almaty", sp="Almaty", pc="050000", cc="KZ",
    )  # fmt: skip


def person_postal() -> r.PostalInfo:
    return r.PostalInfo(name="Grozny, Ivan V., III", street=("Dostyk 5", "apt 7"), city="Astana", cc="KZ")


def make_contacts(client: EppClient, prefix: str = "PS") -> dict[str, str]:
    """A registrant (a role: `-ORG`) and an administrative contact, with the registrar's own ids."""
    ids = {"registrant": f"{prefix}KT-ORG", "admin": f"{prefix}IG1"}
    reply = send(client, r.contact_create(ids["registrant"], org_postal(), "noc@telecom.kz", voice="+7.7272500001"))
    assert reply.code == 1000, reply.raw
    reply = send(client, r.contact_create(ids["admin"], person_postal(), "ivan@example.kz", voice="+7.7172700001"))
    assert reply.code == 1000, reply.raw
    return ids


def create_domain(client: EppClient, name: str, ids: dict[str, str], cltrid: str | None = None, **options) -> Reply:
    values = dict(
        registrant=ids["registrant"], contacts={"admin": ids["admin"]}, location=LOCATION, host_objs=NS,
        years=1, auth_code="2fooBAR-kz",
    )  # fmt: skip
    values.update(options)
    return send(client, r.domain_create(name, **values), cltrid)
