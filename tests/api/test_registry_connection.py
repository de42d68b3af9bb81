"""The API keeps its local registry connection (the registrar's handle and id) per registrar and caller
instead of reading the registrar on every order call (`endpoints.common.registry`): the second order reads
no registrar; a call that fails drops it; an `epp` connection is still made per call."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kzreg.api.endpoints import common
from tests.api.test_domains import create_body

pytestmark = pytest.mark.django_db


def registrar_reads(captured: CaptureQueriesContext) -> int:
    """`LocalConnection`'s read of the registrar by handle (`handle__iexact`)."""
    return sum('"registry_registrar"."handle"' in q["sql"].partition(" WHERE ")[2] for q in captured)


def acting(principal: str) -> Any:
    """What `registry` reads of an `Acting`: the caller's principal."""
    return SimpleNamespace(who=SimpleNamespace(principal=principal))


def test_second_order_reads_no_registrar(api_a, tenants):
    with CaptureQueriesContext(connection) as first:
        assert (
            api_a.post("/domains", create_body(tenants.a, name="kept-1.kz"), {"Idempotency-Key": "k1"}).status_code
            == 201
        )
    with CaptureQueriesContext(connection) as second:
        assert (
            api_a.post("/domains", create_body(tenants.a, name="kept-2.kz"), {"Idempotency-Key": "k2"}).status_code
            == 201
        )
    assert registrar_reads(first) == 1
    assert registrar_reads(second) == 0
    assert list(common._KEPT_LOCAL) == [("PS-KZ", "api:altyn-admin")]


def test_one_kept_per_caller(api_a, api_b, tenants):
    api_a.post("/domains", create_body(tenants.a, name="kept-a.kz"), {"Idempotency-Key": "ka"})
    api_b.post("/domains", create_body(tenants.b, name="kept-b.kz"), {"Idempotency-Key": "kb"})
    kept = dict(common._KEPT_LOCAL)
    assert {principal for _, principal in kept} == {"api:altyn-admin", "api:sibhost-admin"}
    assert all(conn.principal == principal for (_, principal), conn in kept.items())  # type: ignore[attr-defined]


def test_a_failed_call_drops_the_kept_connection(tenants):
    now = acting("api:someone")
    with common.registry(now) as conn:
        assert conn is common._KEPT_LOCAL[("PS-KZ", "api:someone")]
    with pytest.raises(RuntimeError), common.registry(now):
        raise RuntimeError("the order failed")
    assert ("PS-KZ", "api:someone") not in common._KEPT_LOCAL


def test_epp_connection_made_per_call(tenants, settings, monkeypatch):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "CONNECTION": "epp"}
    made: list[Any] = []

    class Fake:
        def close(self) -> None:
            made.append("closed")

    monkeypatch.setattr(common, "open_connection", lambda principal: made.append(principal) or Fake())

    now = acting("api:someone")
    for _ in range(2):
        with common.registry(now):
            pass
    assert made == ["api:someone", "closed", "api:someone", "closed"]
    assert common._KEPT_LOCAL == {}


def test_too_many_callers_start_again(tenants, monkeypatch):
    monkeypatch.setattr(common, "KEPT_LOCAL_MAX", 2)
    for n in range(3):
        now = acting(f"api:user{n}")
        with common.registry(now):
            pass
    assert list(common._KEPT_LOCAL) == [("PS-KZ", "api:user2")]
