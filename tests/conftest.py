"""Shared fixtures: a registrar, actors, a frozen clock, and a domain factory that uses the operations."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.registry import commands as c
from kzreg.registry.models import Host, Registrar
from kzreg.registry.operations import create_domain
from kzreg.resellers.models import Reseller

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and at the end every other session on them ended before the drop.

    Servers the tests start (EPP, SMTP, WHOIS, the live server) answer in threads, and each thread keeps
    its own database connection until the process exits; the registrar wing also keeps one EPP session
    per thread. On PostgreSQL those sessions made `DROP DATABASE` fail at the end of the run (pytest-django
    only warns, "N other sessions are using the database"), leaving the database for the next run to drop.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            connection.close()


@pytest.fixture(autouse=True)
def _ledger_triggers_off_for_the_flush(request):
    """A transactional test's database is emptied afterwards: by TRUNCATE on PostgreSQL, which the ledger's
    append-only triggers allow, by DELETE on SQLite, which they refuse. So on SQLite, once such a test may
    have written ledger rows (an e-mailed New invoiced under KZ-B), the triggers are dropped just before
    the emptying; every later test that uses the database gets them back first (tests run with them)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames
    if not (transactional or marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    triggers = importlib.import_module("kzreg.billing.migrations.0002_append_only")
    # The limit trail's (0011): opening an account writes its first row, so most transactional tests have some.
    trail = importlib.import_module("kzreg.billing.migrations.0011_limit_changes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'billing_%'")
        if cursor.fetchone()[0] < len(triggers.SQLITE_UP):
            for sql in triggers.SQLITE_UP:
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
        for sql in trail.SQLITE_UP:
            cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    yield
    if transactional:
        with connection.cursor() as cursor:
            for sql in [*triggers.SQLITE_DOWN, *trail.SQLITE_DOWN]:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _clock_thawed():
    yield
    clock.thaw()


@pytest.fixture
def frozen_clock():
    clock.freeze(T0)
    return clock


@pytest.fixture
def registrar(db) -> Registrar:
    registrar = Registrar.objects.create(
        handle="PS-KZ", name="Internet-company PS LLP", email="support@ps.kz", created_at=T0
    )
    make_isp_hosts(registrar)
    return registrar


def make_isp_hosts(registrar: Registrar | None = None) -> None:
    """ns1/ns2.ps.kz (`NS`), which most tests delegate to, as hosts kept from before the rule that a new
    host inside a zone needs its domain registered (issue 10): so ps.kz need not be registered in every
    test. Tests of that rule (tests/registry/test_subordinate_hosts.py) make their hosts themselves."""
    for ns in NS:
        Host.objects.get_or_create(
            name=ns.name,
            defaults={"unicode_name": ns.name, "addresses": list(ns.addresses), "registrar": registrar,
                      "created_at": T0, "updated_at": T0},
        )  # fmt: skip


@pytest.fixture
def other_registrar(db) -> Registrar:
    return Registrar.objects.create(handle="HOSTER-KZ", name="Hoster KZ LLP", email="info@hoster.kz", created_at=T0)


@pytest.fixture
def reseller(registrar) -> Reseller:
    return Reseller.objects.create(
        registrar=registrar, handle="ALPHA", name="Alpha Hosting", legal_name="Alpha Hosting LLP",
        email="support@alpha.kz", created_at=T0,
    )  # fmt: skip


@pytest.fixture
def staff() -> Actor:
    return Actor.registry_staff("tester", Channel.CLI)


@pytest.fixture
def registrar_actor(registrar) -> Actor:
    return Actor(principal="ps-operator", role=Role.REGISTRAR, channel=Channel.API, registrar_id=registrar.id)


def org_contact(n: int = 1, **overrides) -> c.ContactData:
    values = dict(
        kind="R", name="Ivanov, Ivan", organisation=f"Kazakhtelecom Joint Stock Company {n}",
        address="Abay avenue 10", city="Almaty", region="Almaty", postal_code="050000", country_code="KZ",
        phones=f"+7 727 250{n:04d}", emails=f"noc{n}@telecom.kz",
    )  # fmt: skip
    values.update(overrides)
    return c.ContactData(**values)


def person(n: int = 1, **overrides) -> c.ContactData:
    values = dict(
        kind="I", name="Grozny, Ivan V., III", address="Dostyk 5", city="Astana", country_code="KZ",
        phones=f"+7 717 270{n:04d}", emails=f"ivan{n}@example.kz",
    )  # fmt: skip
    values.update(overrides)
    return c.ContactData(**values)


NS = (c.NameServer("ns1.ps.kz", ("195.210.46.10",)), c.NameServer("ns2.ps.kz", ("91.201.214.10",)))
LOCATION = c.Location("Abay avenue 10", "Almaty", "Almaty")


def domain_command(name: str = "example.kz", **overrides) -> c.CreateDomain:
    values = dict(
        name=name, period=1, registrant=org_contact(), admin=person(), nameservers=NS, location=LOCATION,
        registrar="PS-KZ",
    )  # fmt: skip
    values.update(overrides)
    return c.CreateDomain(**values)


@pytest.fixture
def make_domain(registrar, staff):
    """`make_domain("example.kz", period=2, ...)` → the created Domain (through create_domain)."""

    def make(name: str = "example.kz", actor: Actor | None = None, **overrides):
        return create_domain(domain_command(name, **overrides), actor or staff).object

    return make
