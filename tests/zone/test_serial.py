"""The SOA serial grows with every change of the zone and never goes backwards (P2)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.registry import commands as c
from kzreg.registry.operations import modify_host
from kzreg.zone.models import ZoneState
from kzreg.zone.serial import SERIAL_LIMIT, next_serial
from tests.conftest import T0
from tests.zone.conftest import export, find_zone, hold, unhold

pytestmark = pytest.mark.django_db
BASE = int(T0.timestamp())


def test_next_serial_is_unix_time_or_previous_plus_one_P2():
    assert next_serial(0, T0) == BASE
    assert next_serial(BASE + 10, T0) == BASE + 11  # a clock behind the last serial never lowers it
    assert next_serial(2026112205, T0) == 2026112206  # a date-style serial carries on by +1
    assert next_serial(SERIAL_LIMIT, T0) == 0  # RFC 1982 wrap


def test_unchanged_registry_exports_the_same_serial_and_bytes_P2(frozen_clock, make_domain):
    make_domain("example.kz")
    first, r1 = export("kz")
    clock.advance(dt.timedelta(hours=1))
    second, r2 = export("kz")
    assert (r2.serial, second) == (r1.serial, first)


def test_every_change_raises_the_serial_P2_R13(frozen_clock, make_domain, staff):
    make_domain("example.kz")
    _, r1 = export("kz")
    hold("example.kz", staff)
    text2, r2 = export("kz")
    assert r2.serial == r1.serial + 1 and "example.kz." not in text2
    unhold("example.kz", staff)  # same frozen instant: the version sum still tells the change
    text3, r3 = export("kz")
    assert r3.serial == r2.serial + 1 and "example.kz.\tNS\t" in text3
    modify_host(c.ModifyHost("ns1.ps.kz", addresses=("195.210.46.99",)), staff)
    _, r4 = export("kz")
    assert r4.serial == r3.serial + 1


def test_expiry_alone_removes_the_delegation_and_raises_the_serial_P2_R4(frozen_clock, make_domain):
    make_domain("example.kz", period=1)
    text1, r1 = export("kz")
    clock.advance(dt.timedelta(days=366))  # no row changes: the worker's sweep has not run yet
    text2, r2 = export("kz")
    assert "example.kz.\tNS\t" in text1 and "example.kz.\tNS\t" not in text2
    assert r2.serial > r1.serial


def test_serial_never_goes_backwards_when_the_clock_does_P2(frozen_clock, make_domain, staff):
    make_domain("example.kz")
    clock.advance(dt.timedelta(days=30))
    _, r1 = export("kz")
    clock.freeze(T0 - dt.timedelta(days=30))
    hold("example.kz", staff)
    _, r2 = export("kz")
    assert r1.serial == BASE + 30 * 86400 and r2.serial == r1.serial + 1


def test_a_zone_published_with_date_serials_continues_above_them_P2(frozen_clock, make_domain, staff):
    make_domain("example.kz")
    export("kz")
    ZoneState.objects.filter(zone=find_zone("kz")).update(serial=2026112205)
    hold("example.kz", staff)
    _, result = export("kz")
    assert result.serial == 2026112206
