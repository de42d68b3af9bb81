"""API tokens: made for a user (shown once), looked up by their prefix, checked against the kept hash,
revoked. A token acts with its user's permissions at the moment of each call."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kzreg.api import idempotency, statements
from kzreg.api.errors import ApiError, problem
from kzreg.api.models import ApiToken, RateWindow
from kzreg.api.problems import ApiCode
from kzreg.api.ratelimit import per_minute
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

SCHEME = "kzr"  # kzr_<prefix>_<secret>: the prefix finds the row, the secret proves it
MAX_EXPIRES_DAYS = 3650
# Read with the token in one statement: the user, its profile (permissions) and who it sells as, which
# every call asks for (`accounts.roles.permissions_of`, `registrar.access.seller_of`).
CALLER = ("user__staff_profile__reseller__registrar", "user__staff_profile__registrar")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    user: Any, name: str = "", expires_days: int | None = None, created_by: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret (the only time it is known)."""
    problems = []
    if len(name) > 100:
        problems.append(Problem("name", Code.TOO_LONG, {"limit": 100}))
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        problems.append(Problem("expires_days", Code.INVALID, {"value": expires_days}))
    if not user.is_active:
        problems.append(Problem("user", ApiCode.USER_INACTIVE))
    if problems:
        raise OperationFailed(problems)
    now = clock.now()
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=_digest(secret), created_at=now, created_by=created_by,
        expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
    )  # fmt: skip
    return token, f"{SCHEME}_{prefix}_{secret}"


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def revoke(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_by_name(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise OperationFailed([Problem("username", Code.NOT_FOUND, {"kind": "user", "key": username})])
    return user


def _by_prefix(prefix: str) -> ApiToken | None:
    """The token with its caller (`CALLER`) in one prepared statement (`statements.joined`: what
    `select_related(*CALLER)` reads, without compiling a five-table query on every call)."""
    read = statements.joined(ApiToken, CALLER, statements.vendor(ApiToken))
    found = statements.run(ApiToken, f"{read.select} WHERE t0.{statements.quote(ApiToken, 'prefix')} = %s", [prefix])
    return read.load(found[0]) if found else None


def _counted_by_prefix(
    prefix: str, digest: str, now: dt.datetime, claim: idempotency.Claim | None = None
) -> ApiToken | None:
    """`_by_prefix` and, in the same statement, this call counted in the token's rate window (PostgreSQL:
    a data-modifying WITH) — only when the token is live: the secret's hash matches, not revoked, not
    expired, its user active (the checks `verify` makes on the row again). The count it made is left on
    the token for `ratelimit.count_call`; a refused token counts nothing. `claim`: the call's
    `Idempotency-Key` claimed in the same statement too, when the call was counted within the limit and
    its caller sells as someone (`idempotency.claim_ctes`); the outcome is left on `claim`."""
    vendor, alone = statements.where(ApiToken)
    read = statements.joined(ApiToken, CALLER, vendor)
    window = now.replace(second=0, microsecond=0)
    params = [
        prefix,
        statements.prep(RateWindow, "window", window),
        digest,
        statements.prep(ApiToken, "expires_at", now),
    ]
    if claim is not None:
        params += idempotency.claim_params(claim, per_minute(), now)
    found = statements.run(ApiToken, _counted_sql(vendor, alone, claim is not None), params)
    if not found:
        return None
    row = found[0]
    if claim is not None:
        claim.tenant, claim.pk = row[-2], None if row[-1] is None else int(row[-1])
        row = row[:-2]
    token: ApiToken = read.load(row[:-1])
    if row[-1] is not None:
        token._kzreg_counted = (window, int(row[-1]))  # type: ignore[attr-defined]
    return token


@functools.cache
def _counted_sql(vendor: str, no_wait: bool = False, claim: bool = False) -> str:
    """`no_wait`: the count commits without waiting for its WAL flush (ADR 0011: a crash may forget the
    last fraction of a second's counts, which only lets a few calls more through that minute); the claim
    too, as its own statement did. `claim`: with the key's claim (`idempotency.claim_ctes`), answering the
    tenant it was tried for and the row it made after the count."""
    read = statements.joined(ApiToken, CALLER, vendor)
    q = functools.partial(statements.quote, RateWindow)
    rate, token_id, window, count = statements.table(RateWindow), q("token_id"), q("window"), q("count")

    def c(path: str, attname: str) -> str:
        return f"c{read.column(path, attname)}"

    columns = ", ".join(f"{column} AS c{at}" for at, column in enumerate(read.columns))
    profile = "user__staff_profile"
    claims = (
        ", " + idempotency.claim_ctes("t", c(profile, "organisation"), c(profile, "reseller_id"),
                                      c(f"{profile}__registrar", "handle"), count)
        if claim else ""
    )  # fmt: skip
    return (
        f"WITH t AS (SELECT {columns} {read.tables} WHERE t0.{statements.quote(ApiToken, 'prefix')} = %s), "
        f"bump AS (INSERT INTO {rate} ({token_id}, {window}, {count}) SELECT {c('', 'id')}, %s, 1 FROM t "
        f"WHERE {c('', 'secret_hash')} = %s AND {c('', 'revoked_at')} IS NULL "
        f"AND ({c('', 'expires_at')} IS NULL OR {c('', 'expires_at')} > %s) AND {c('user', 'is_active')} "
        f"ON CONFLICT ({token_id}, {window}) DO UPDATE SET {count} = {rate}.{count} + 1 RETURNING {count})"
        f"{claims}{', ' + statements.NO_WAIT if no_wait else ''} "
        f"SELECT t.*, (SELECT {count} FROM bump){', (SELECT tenant FROM who), (SELECT id FROM claim)' if claim else ''} "
        f"FROM t{', no_wait' if no_wait else ''}"
    )


def verify(raw: str, count: bool = False, claim: idempotency.Claim | None = None) -> ApiToken:
    """The live token this secret belongs to; otherwise an error that says why (never which part was
    wrong: a wrong secret and an unknown prefix are the same answer). `count`: this call is counted
    against the token's rate limit in the same statement where the database allows (PostgreSQL);
    `claim`: there, the call's `Idempotency-Key` is claimed in it too (`_counted_by_prefix`)."""
    scheme, _, rest = raw.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    digest, now = _digest(secret), clock.now()
    token = None
    if scheme == SCHEME:
        merged = count and per_minute() > 0 and statements.vendor(ApiToken) == "postgresql"
        token = _counted_by_prefix(prefix, digest, now, claim) if merged else _by_prefix(prefix)
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        raise problem(ApiCode.TOKEN_INVALID)
    if token.revoked_at is not None:
        raise problem(ApiCode.TOKEN_REVOKED, at=token.revoked_at.isoformat(timespec="seconds"))
    if token.expires_at is not None and token.expires_at <= now:
        raise problem(ApiCode.TOKEN_EXPIRED, at=token.expires_at.isoformat(timespec="seconds"))
    if not token.user.is_active:
        raise problem(ApiCode.USER_INACTIVE)
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):  # one write a minute
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


__all__ = ["ApiError", "create_token", "revoke", "tokens_of", "user_by_name", "verify"]
