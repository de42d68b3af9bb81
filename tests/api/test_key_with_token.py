"""The `Idempotency-Key` claimed in the token's own statement (ADR 0011, section 2026-12-04; PostgreSQL with
the rate limit on, the way every production call runs): one charge per key, the first answer again, 409 for
another request, and a call refused after its token was read (bad body, no permission, another tenant's domain, the rate
limit) leaves its key free, as the separate claim did. The same rules are checked on SQLite, where the
claim is still its own statement."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import psycopg
import pytest
from django.db import connection

from kzreg.api.auth import Caller
from kzreg.api.endpoints.common import IDEMPOTENCY, Acting
from kzreg.api.idempotency import Claim
from kzreg.api.models import IdempotentAnswer
from kzreg.api.tokens import create_token, revoke, verify
from kzreg.api.urls import NINJA
from kzreg.billing.books import reseller_deposit
from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.registrar.models import Order
from tests.api.conftest import LOCATION, NS, Api, token_for

pytestmark = pytest.mark.django_db
POSTGRESQL = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


@pytest.fixture
def counted(tenants, settings):
    """The rate limit on (the fixture turns it off): on PostgreSQL the token's read counts and claims."""
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 1000}
    return tenants


def body(tenant: Any, name: str = "keyed.kz", **overrides: Any) -> dict[str, Any]:
    return {"name": name, "years": 1, "customer_id": tenant.customer.pk, "nameservers": NS,
            "location": dict(LOCATION), **overrides}  # fmt: skip


def balance(tenant: Any) -> Money:
    return reseller_deposit(tenant.reseller).balance


def rows(key: str) -> list[tuple[str, int | None]]:
    return list(IdempotentAnswer.objects.filter(key=key).values_list("tenant", "status"))


class Sent:
    """Every statement sent through psycopg (the plain statements go past Django's query log)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.execute = psycopg.Cursor.execute

    def __enter__(self) -> Sent:
        def recorded(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self.statements.append(str(query))
            return self.execute(cursor, query, *args, **kwargs)

        psycopg.Cursor.execute = recorded  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        psycopg.Cursor.execute = self.execute  # type: ignore[method-assign]

    def claims(self) -> list[str]:
        return [q for q in self.statements if 'INSERT INTO "api_idempotentanswer"' in q]


def test_one_charge_the_first_answer_again_and_409_for_another_request(counted):
    tenants = counted
    api, before = Api(token_for(tenants.a.admin)), balance(tenants.a)
    with Sent() as sent:
        first = api.post("/domains", body(tenants.a), {"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    assert rows("k-1") == [(f"reseller:{tenants.a.reseller.pk}", 201)]
    if connection.vendor == "postgresql":  # claimed in the token's statement: no claim of its own
        assert len(sent.claims()) == 1 and "api_ratewindow" in sent.claims()[0]
    again = api.post("/domains", body(tenants.a), {"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    other = api.post("/domains", body(tenants.a, "keyed-other.kz"), {"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert [e["code"] for e in other.json()["errors"]] == ["api_idempotency_conflict"]
    assert balance(tenants.a) == before - Money.of("40.00", "USD")
    assert Order.objects.filter(domain="keyed.kz").count() == 1 and rows("k-1")[0][1] == 201
    # the other tenant's same key is its own
    theirs = Api(token_for(tenants.b.admin)).post("/domains", body(tenants.b, "keyed-b.kz"), {"Idempotency-Key": "k-1"})
    assert theirs.status_code == 201
    assert sorted(rows("k-1")) == sorted([(f"reseller:{tenants.a.reseller.pk}", 201),
                                          (f"reseller:{tenants.b.reseller.pk}", 201)])  # fmt: skip


def test_a_call_refused_after_the_token_leaves_its_key_free(counted):
    tenants = counted
    api, before = Api(token_for(tenants.a.admin)), balance(tenants.a)
    key = {"Idempotency-Key": "k-free"}
    bad = api.post("/domains", body(tenants.a, years=0), key)  # the body: 400 after the token's read
    assert bad.status_code == 400 and rows("k-free") == []
    wrong_zone = api.post("/domains", body(tenants.a, "keyed.com"), key)  # refused in the endpoint, before `once`
    assert wrong_zone.status_code == 400 and rows("k-free") == []
    foreign = api.post(f"/domains/{tenants.b.service.name}/renew", {"years": 1}, key)  # another tenant's: 404
    assert foreign.status_code == 404 and rows("k-free") == []
    viewer = Api(token_for(tenants.a.viewer)).post("/domains", body(tenants.a), key)  # no permission: 403
    assert viewer.status_code == 403 and rows("k-free") == []
    assert balance(tenants.a) == before
    done = api.post("/domains", body(tenants.a), key)
    assert done.status_code == 201 and rows("k-free") == [(f"reseller:{tenants.a.reseller.pk}", 201)]
    assert balance(tenants.a) == before - Money.of("40.00", "USD")


@POSTGRESQL
def test_a_claim_that_cannot_be_freed_leaves_the_refusal_as_it_was(counted, monkeypatch, caplog):
    """The refused call keeps its own answer (400), the failure is logged, and the row left behind is a
    claim like one of a process killed mid-call: its key is "in progress" until it goes stale."""
    from kzreg.api import idempotency

    run = idempotency.statements.run

    def failing(model: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        if "DELETE FROM" in sql:
            raise RuntimeError("the database went away")
        return run(model, sql, *args, **kwargs)

    monkeypatch.setattr(idempotency.statements, "run", failing)
    refused = Api(token_for(counted.a.admin)).post("/domains", body(counted.a, years=0), {"Idempotency-Key": "k-stuck"})
    assert refused.status_code == 400
    assert "was not freed" in caplog.text and rows("k-stuck") == [(f"reseller:{counted.a.reseller.pk}", None)]


def test_a_call_over_the_rate_limit_claims_nothing(counted, settings):
    tenants = counted
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 1}
    api, before = Api(token_for(tenants.a.admin)), balance(tenants.a)
    assert api.get("/domains").status_code == 200  # the minute's one call
    limited = api.post("/domains", body(tenants.a), {"Idempotency-Key": "k-429"})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert rows("k-429") == [] and balance(tenants.a) == before


def test_a_revoked_expired_or_deactivated_token_is_refused_at_once_and_claims_nothing(counted):
    """The token's statement claims only for a live token: revoked, expired or its user deactivated
    between two calls, the next call is a 401 and leaves no row for its key."""
    tenants = counted
    api, before = Api(token_for(tenants.a.admin)), balance(tenants.a)
    token, secret = create_token(tenants.a.admin, "to-revoke", expires_days=1)
    doomed = Api(secret)
    assert doomed.post("/domains", body(tenants.a, "live.kz"), {"Idempotency-Key": "k-live"}).status_code == 201
    revoke(token)
    refused = doomed.post("/domains", body(tenants.a, "revoked.kz"), {"Idempotency-Key": "k-revoked"})
    assert refused.status_code == 401 and rows("k-revoked") == []
    expiring = Api(token_for(tenants.a.admin, expires_days=1))
    clock.advance(dt.timedelta(days=1, seconds=1))
    expired = expiring.post("/domains", body(tenants.a, "expired.kz"), {"Idempotency-Key": "k-expired"})
    assert expired.status_code == 401 and rows("k-expired") == []
    tenants.a.admin.is_active = False
    tenants.a.admin.save()
    inactive = api.post("/domains", body(tenants.a, "inactive.kz"), {"Idempotency-Key": "k-inactive"})
    assert inactive.status_code == 401 and rows("k-inactive") == []
    assert balance(tenants.a) == before - Money.of("40.00", "USD")  # the one live call


def test_registrar_staff_claim_for_the_registrar_and_registrants_claim_nothing(counted):
    tenants = counted
    staff = Api(token_for(tenants.registrar_staff)).post(
        "/domains", {**body(tenants.a, "keyed-staff.kz")}, {"Idempotency-Key": "k-staff"}
    )
    # the registrar sells direct without a price list here (409): refused inside `once`, its key freed
    assert staff.status_code == 409, staff.content
    assert rows("k-staff") == []
    registrant = Api(token_for(tenants.registrant)).post("/domains", body(tenants.a), {"Idempotency-Key": "k-reg"})
    assert registrant.status_code == 403 and rows("k-reg") == []


@POSTGRESQL
def test_the_statement_works_out_the_tenant_as_the_endpoints_do(counted):
    """The tenant the token's statement claims for is `Acting.tenant` for every kind of caller that sells."""
    tenants = counted
    for user in (tenants.a.admin, tenants.b.viewer, tenants.registrar_staff, tenants.registrant):
        claim = Claim(f"t-{user.pk}", "POST", "/api/v1/domains", "0" * 64)
        found = verify(token_for(user), count=True, claim=claim)
        acting = Acting(Caller(found, found.user, frozenset()))
        expected = acting.seller_if_any() and acting.tenant
        assert claim.tenant == (expected or None), user
        assert (claim.pk is not None) == bool(expected)
        again = Claim(f"t-{user.pk}", "POST", "/api/v1/domains", "0" * 64)
        verify(token_for(user), count=True, claim=again)
        assert again.tenant == claim.tenant and again.pk is None  # taken: the row is read, not made twice


def test_every_operation_that_takes_the_key_has_its_methods_marked():
    """`urls.keyed_methods` finds the operations from ninja's views: every one that declares the header."""
    from kzreg.api.app import api

    marked = {(str(p.pattern), m) for p in NINJA[0] for m in getattr(p.callback, "keyed", ())}
    declared = {
        (f"{prefix}{path}".strip("/").replace("{", "<").replace("}", ">"), method)
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        if any(p.default is IDEMPOTENCY for p in inspect.signature(operation.view_func).parameters.values())
        for method in operation.methods
    }
    assert {("v1/domains", "POST"), ("v1/domains/<name>", "PATCH"), ("v1/domains/<name>", "DELETE"),
            ("v1/domains/<name>/renew", "POST"), ("v1/bulk", "POST")} <= declared  # fmt: skip
    assert marked == declared
