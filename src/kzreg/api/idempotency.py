"""`Idempotency-Key` on every call that costs money (and every call that places an order): the first
answer to a key is stored; the same key with the same request, from anyone of the same tenant, gets that
answer again (status and body) and nothing runs twice; the same key with another request is a 409.

Only successes are stored: a refusal (bad input, funds short) changed nothing and charged nothing, so the
same key may be tried again once the cause is fixed. The order underneath carries the same key
(`registrar.orders`: one order per payer and key), so even two calls racing past this table charge once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from kzreg.api import statements
from kzreg.api.errors import log, problem
from kzreg.api.models import IdempotentAnswer
from kzreg.api.problems import ApiCode
from kzreg.core import clock
from kzreg.core.messages import Code

HEADER = "Idempotency-Key"
MAX_LENGTH = 100
# A first call that died (its process killed) leaves its row unanswered; after this, the key is free again.
STALE_AFTER = dt.timedelta(minutes=10)


def request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise problem(ApiCode.IDEMPOTENCY_KEY_REQUIRED, HEADER)
    if len(key) > MAX_LENGTH:
        raise problem(Code.TOO_LONG, HEADER, limit=MAX_LENGTH)
    return key


def replay(row: IdempotentAnswer) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status or 200, content_type=row.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


# The request attribute that carries a claim made with the token's read (`Claim`).
CLAIMED = "_kzreg_claimed"
# The request attribute `api.urls` sets to the methods of the called path whose operation takes the key.
KEYED = "_kzreg_keyed"


@dataclass
class Claim:
    """The key of a call that takes one, claimed in the same statement as the token's read and the rate
    count (`tokens.verify`, PostgreSQL: one round trip and one transaction fewer per order call; ADR 0011,
    section 2026-12-04).
    `tenant` is the tenant it was tried for (None: not tried — no live token, over the rate limit, or a
    caller that sells as nobody); `pk` the row it made (None with a tenant: the key was taken). `once`
    takes the row if the tenant and key are its own (`used`); otherwise `release` deletes it when the call
    ends, so a call refused after its token was read (403, 422, 404, …) leaves its key free as before."""

    key: str
    method: str
    path: str
    digest: str
    tenant: str | None = None
    pk: int | None = None
    used: bool = False


def wanted(request: HttpRequest) -> Claim | None:
    """The claim to try with the token's read: only for a method whose operation takes the key
    (`KEYED`), with a header ninja and `check_key` would both accept and a body that can be read."""
    methods: Collection[str] = getattr(request, KEYED, ())
    if request.method not in methods:
        return None
    raw = request.headers.get(HEADER)
    if raw is None or not 1 <= len(raw) <= MAX_LENGTH or not raw.strip():
        return None
    try:
        digest = request_hash(request)
    except Exception:  # a body too large, …: left to the call's own refusal, as before
        return None
    return Claim(raw.strip(), request.method or "", request.path[:300], digest)


def claim_ctes(table_t: str, organisation: str, reseller: str, handle: str, counted: str) -> str:
    """The two CTEs `tokens._counted_sql` adds for a `Claim`: `who` works out the caller's tenant from its
    profile as `endpoints.common.Acting.tenant` does (a reseller's user: `reseller:<id>`, registrar staff:
    `registrar:<handle>`, anyone else none), only when the call was counted within the limit (`counted`:
    the rate count's column); `claim` inserts the key's row for it as `_insert` does. Parameters, in
    order: the limit, then key, method, path, request hash, body, created_at."""
    q = functools.partial(statements.quote, IdempotentAnswer)
    columns = ("tenant", "key", "method", "path", "request_hash", "body", "content_type", "created_at")
    return (
        f"who AS (SELECT CASE WHEN {table_t}.{organisation} = 'reseller' AND {table_t}.{reseller} IS NOT NULL "
        f"THEN 'reseller:' || {table_t}.{reseller}::text WHEN {table_t}.{organisation} = 'registrar' AND "
        f"{table_t}.{handle} IS NOT NULL THEN 'registrar:' || {table_t}.{handle} END AS tenant "
        f"FROM {table_t}, bump WHERE bump.{counted} <= %s), "
        f"claim AS (INSERT INTO {statements.table(IdempotentAnswer)} ({', '.join(q(c) for c in columns)}) "
        f"SELECT who.tenant, %s, %s, %s, %s, %s, '', %s FROM who WHERE who.tenant IS NOT NULL "
        f"ON CONFLICT ({q('tenant')}, {q('key')}) DO NOTHING RETURNING {q('id')})"
    )


def claim_params(claim: Claim, limit: int, now: dt.datetime) -> list[Any]:
    created = statements.prep(IdempotentAnswer, "created_at", now)
    body = statements.prep(IdempotentAnswer, "body", b"")
    return [limit, claim.key, claim.method, claim.path, claim.digest, body, created]


def release(request: HttpRequest) -> None:
    """At the end of a call: a claim made with its token's read that `once` did not take is deleted (one
    prepared statement; as the claim, it commits without waiting when it is its own transaction)."""
    claim = request.__dict__.pop(CLAIMED, None)
    if isinstance(claim, Claim) and claim.pk is not None and not claim.used:
        try:
            statements.run(IdempotentAnswer, _release_sql(*statements.where(IdempotentAnswer)), [claim.pk], rows=False)
        except Exception:  # the call's own answer stands; the row is a stale claim, free after STALE_AFTER
            log.exception(
                "API %s %s: its Idempotency-Key claim %s was not freed", request.method, request.path, claim.pk
            )


@functools.cache
def _release_sql(vendor: str, no_wait: bool = False) -> str:
    delete = f"DELETE FROM {statements.table(IdempotentAnswer)} WHERE {statements.quote(IdempotentAnswer, 'id')} = %s"
    return (
        f"WITH {statements.NO_WAIT}, gone AS ({delete} RETURNING 1) SELECT 1 FROM gone, no_wait" if no_wait else delete
    )


def _made_with_token(request: HttpRequest, tenant: str, key: str) -> Claim | None:
    """The claim the token's read tried for this tenant and key, if any (taken by this call now)."""
    claim = getattr(request, CLAIMED, None)
    if not isinstance(claim, Claim) or claim.tenant != tenant or claim.key != key:
        return None  # a claim for another tenant or key (never expected) is released when the call ends
    claim.used = True
    return claim


def _claim(tenant: str, key: str, request: HttpRequest, digest: str, insert: bool = True) -> int | HttpResponse:
    """The id of this call's row for the key, or the stored answer to give instead. `insert` False: the
    key is known to be taken (the token's read tried it), so the row is read first."""
    now = clock.now()
    for _ in range(2):
        made = _insert(tenant, key, request.method or "", request.path[:300], digest, now) if insert else None
        insert = True
        if made is not None:
            return made
        row = IdempotentAnswer.objects.filter(tenant=tenant, key=key).first()
        if row is None:  # removed by a failed first call just now: try again
            continue
        if row.request_hash != digest:
            raise problem(ApiCode.IDEMPOTENCY_CONFLICT, HEADER)
        if row.status is not None:
            return replay(row)
        if now - row.created_at < STALE_AFTER:
            raise problem(ApiCode.IDEMPOTENCY_IN_PROGRESS, HEADER)
        row.delete()
    raise problem(ApiCode.IDEMPOTENCY_IN_PROGRESS, HEADER)


def _insert(tenant: str, key: str, method: str, path: str, digest: str, now: dt.datetime) -> int | None:
    """The new row's id, or None when the tenant's key is taken: one statement (no savepoint around an
    INSERT that may fail), PostgreSQL and SQLite ≥ 3.35 alike, prepared on PostgreSQL."""
    created = statements.prep(IdempotentAnswer, "created_at", now)
    sql = _insert_sql(*statements.where(IdempotentAnswer))
    made = statements.run(IdempotentAnswer, sql, [tenant, key, method, path, digest, b"", "", created])
    return int(made[0][0]) if made else None


@functools.cache
def _insert_sql(vendor: str, no_wait: bool = False) -> str:
    """`no_wait` (PostgreSQL, a statement of its own): the claim commits without waiting for its WAL flush
    (ADR 0011) — other calls see it at once all the same, and the order underneath carries the key."""
    q = functools.partial(statements.quote, IdempotentAnswer)
    columns = ("tenant", "key", "method", "path", "request_hash", "body", "content_type", "created_at")
    insert = (
        f"INSERT INTO {statements.table(IdempotentAnswer)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT ({q('tenant')}, {q('key')}) DO NOTHING "
        f"RETURNING {q('id')}"
    )
    return f"WITH {statements.NO_WAIT}, made AS ({insert}) SELECT made.id FROM made, no_wait" if no_wait else insert


def _answer(pk: int, status: int, content: bytes, content_type: str) -> None:
    """The first call's answer kept on its row (one prepared UPDATE instead of a compiled queryset)."""
    sql = _answer_sql(*statements.where(IdempotentAnswer))
    statements.run(IdempotentAnswer, sql, [status, statements.prep(IdempotentAnswer, "body", content), content_type, pk],
                   rows=False)  # fmt: skip


@functools.cache
def _answer_sql(vendor: str, no_wait: bool = False) -> str:
    """`no_wait`: as the claim (ADR 0011): an answer lost in a crash is already provided for — the replay
    runs into the order's own key and charges nothing twice (docs/api.md, Idempotency)."""
    q = functools.partial(statements.quote, IdempotentAnswer)
    update = (
        f"UPDATE {statements.table(IdempotentAnswer)} SET {q('status')} = %s, {q('body')} = %s, "
        f"{q('content_type')} = %s WHERE {q('id')} = %s"
    )
    return (
        f"WITH {statements.NO_WAIT}, done AS ({update} RETURNING 1) SELECT 1 FROM done, no_wait" if no_wait else update
    )


def once(request: HttpRequest, tenant: str, key: str, run: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """Runs `run` (→ status and a JSON-ready body) once per tenant and key."""
    key = check_key(key)
    early = _made_with_token(request, tenant, key)
    if early is not None and early.pk is not None:
        claimed: int | HttpResponse = early.pk
    else:
        claimed = _claim(tenant, key, request, early.digest if early else request_hash(request), insert=early is None)
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        status, payload = run()
    except BaseException:
        IdempotentAnswer.objects.filter(pk=claimed).delete()
        raise
    content = json.dumps(payload, ensure_ascii=False, default=str).encode()
    _answer(claimed, status, content, "application/json")
    return HttpResponse(content, status=status, content_type="application/json")
