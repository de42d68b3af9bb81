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
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from kzreg.api import statements
from kzreg.api.errors import problem
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


def _claim(tenant: str, key: str, request: HttpRequest, digest: str) -> int | HttpResponse:
    """The id of this call's row for the key, or the stored answer to give instead."""
    now = clock.now()
    for _ in range(2):
        made = _insert(tenant, key, request.method or "", request.path[:300], digest, now)
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
    claimed = _claim(tenant, key, request, request_hash(request))
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
