"""Every version of every object, and any object as it was at a given time (SPEC R1)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry import queries

pytestmark = pytest.mark.django_db


def test_object_as_it_was_at_any_time(make_domain, staff, frozen_clock):
    created = frozen_clock.now()
    make_domain("example.kz")
    frozen_clock.advance(dt.timedelta(days=10))
    ops.modify_domain(c.ModifyDomain("example.kz", purpose="online shop"), staff)
    frozen_clock.advance(dt.timedelta(days=10))
    ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), staff)

    ref = queries.resolve_object("example.kz")
    versions = list(queries.history(ref))
    assert [(v.version, v.operation) for v in versions] == [
        (1, "domain_create"),
        (2, "domain_modify"),
        (3, "domain_status_set"),
    ]
    assert versions[2].reason == "court order"
    assert queries.as_of(ref, created - dt.timedelta(seconds=1)) is None
    assert queries.as_of(ref, created + dt.timedelta(days=5)).snapshot["purpose"] == ""
    assert queries.as_of(ref, created + dt.timedelta(days=15)).snapshot["purpose"] == "online shop"
    assert queries.as_of(ref, frozen_clock.now()).snapshot["flags"] == ["hold"]


def test_objects_are_found_by_name_handle_or_host(make_domain):
    make_domain("example.kz")
    assert queries.resolve_object("IVG1").object_type == "contact"
    assert queries.resolve_object("ns1.ps.kz").object_type == "host"
    assert queries.resolve_object("EXAMPLE.KZ").object_type == "domain"


def test_deleted_domain_keeps_its_history(make_domain, staff):
    make_domain("example.kz")
    ops.delete_domain(c.DeleteDomain("example.kz", "gone"), staff)
    ref = queries.resolve_object("example.kz")
    assert [v.operation for v in queries.history(ref)] == ["domain_create", "domain_delete"]
