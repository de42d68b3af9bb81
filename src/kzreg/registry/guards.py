"""Places where the registrar side plugs into every registry operation without reaching around it.

A guard is any object with two methods, listed by dotted path in `settings.KZREG["OPERATION_GUARDS"]`:

- `check(ctx, target)` → problems that forbid the operation (tenant access, compliance restrictions,
  insufficient balance). Runs inside the operation's transaction after its own checks, before any write.
- `after(ctx, result)` → runs in the same transaction after the write (charge the fee, queue a
  notification). Raising `OperationFailed` there rolls the whole operation back.
- optionally `prefetch(ctx, target)` → sends what `check` will read, without waiting for it, from inside an
  operation's read pipeline (`rows.pipeline()`), so on PostgreSQL it shares the operation's round trip;
  `check` then uses the answer if it asks the same. An operation that does not call `prefetch` loses nothing.
- optionally `after_soon(ctx, result, key_sql)` → sends, from inside the operation's last write pipeline and
  behind its writes, what `after` would write, and says whether `after` will then write nothing (True), so
  that the COMMIT may travel with them (`after_soon` below). `key_sql` is an SQL expression for the new
  object's key, which is not known yet. A guard without it, or answering False, writes in `after` as before.
  A statement sent this way refuses by raising an error (its transaction aborts, the queued COMMIT commits
  nothing); the guard's optional `refused(ctx, error)` then names the problems (`refusal` below).

- optionally `ride_read(ctx, target, alias)` → a `ReadRider`: `prefetch`'s read, as part of one of the
  operation's own reads on the connection `alias` (a LEFT JOIN, `rows.select_soon(riders=…)`), so that it
  costs no statement of its own; `prefetch` then sends nothing.
- optionally `ride(ctx, result, key_sql, alias)` → a `Rider`: what `after` would write, as parts of the new row's own
  INSERT statement (the domain's `WITH`, `rows.insert_with_children`), so that it costs no statement of its
  own; its answer comes back with the new row's key. Asked inside the operation's last write pipeline,
  before that INSERT is sent; a guard that rode then answers `after_soon` True and writes nothing in `after`.
  A rider refuses as `after_soon`'s statements do: by raising an error, which fails the whole INSERT.

A guard tells the channel what it did through `ctx.reports[key]` (billing: `reports["fee"]`, the fee charged
and the balance after), which the operation's result carries (`OperationResult.reports`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

from kzreg.core.actor import Actor
from kzreg.core.errors import Problem


class GuardContext(Protocol):
    """What a guard may read of the operation in progress (`operations.base.Context` has it all; the
    guards do not import the operations, which import them)."""

    @property
    def operation(self) -> str: ...
    @property
    def command(self) -> Any: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def now(self) -> dt.datetime: ...
    @property
    def reports(self) -> dict[str, object]: ...  # what the guard tells the channel, under its own key


class OperationGuard(Protocol):
    def check(self, ctx: GuardContext, target: Any) -> Iterable[Problem]: ...

    def after(self, ctx: GuardContext, result: Any) -> None: ...


@functools.cache
def _load(paths: tuple[str, ...]) -> tuple[OperationGuard, ...]:
    return tuple(import_string(path)() for path in paths)


def active_guards() -> tuple[OperationGuard, ...]:
    config = cast(dict[str, list[str]], settings.KZREG)
    return _load(tuple(config.get("OPERATION_GUARDS", [])))


class Rider(NamedTuple):
    """Statements a guard adds to a new row's INSERT statement (`ride`): `ctes` are common table expressions
    (`name AS (…)`, comma-separated; their names start with the guard's own prefix) placed after the
    statement's own, `columns` SQL expressions added to its answer, `params` the parameters of both in the
    order they appear, and `answer` is given the values of `columns` once the statement is answered."""

    ctes: str
    columns: str
    width: int  # how many expressions `columns` holds
    params: list[Any]
    answer: Callable[[tuple[Any, ...]], None]


class ReadRider(NamedTuple):
    """A guard's read of at most one row that joins one of the operation's own reads (`ride_reads`): `sql` a
    SELECT of `width` columns with `params`; `answer` is given, when the read is sent, a function that returns
    those columns (all NULL when it found no row), reading the answer if it has not come yet."""

    sql: str
    width: int
    params: list[Any]
    answer: Callable[[Callable[[], tuple[Any, ...]]], None]


def ride_reads(ctx: GuardContext, target: Any, alias: str) -> list[ReadRider]:
    """What each guard with a `ride_read` adds to the operation's read on the connection `alias` (inside its
    read pipeline, before `prefetch`): a guard whose read rode sends nothing more from `prefetch`."""
    riders = []
    for guard in active_guards():
        join = getattr(guard, "ride_read", None)
        rider = join(ctx, target, alias) if join is not None else None
        if rider is not None:
            riders.append(rider)
    return riders


def ride(ctx: GuardContext, result: Any, key_sql: str, alias: str) -> list[Rider]:
    """What each guard with a `ride` adds to the new row's INSERT on the connection `alias` (`key_sql`: the new
    row's key inside it)."""
    riders = []
    for guard in active_guards():
        join = getattr(guard, "ride", None)
        rider = join(ctx, result, key_sql, alias) if join is not None else None
        if rider is not None:
            riders.append(rider)
    return riders


def prefetch(ctx: GuardContext, target: Any) -> None:
    """Lets each guard with a `prefetch` send its reads now (inside the operation's read pipeline)."""
    for guard in active_guards():
        send = getattr(guard, "prefetch", None)
        if send is not None:
            send(ctx, target)


def after_soon(ctx: GuardContext, result: Any, key_sql: str) -> bool:
    """Inside the operation's last write pipeline: each guard sends what its `after` would write; True when
    no guard's `after` will write anything more (the pipeline may then carry the COMMIT)."""
    done = True
    for guard in active_guards():
        send = getattr(guard, "after_soon", None)
        if send is None or not send(ctx, result, key_sql):
            done = False
    return done


def refusal(ctx: GuardContext, error: BaseException) -> list[Problem]:
    """The problems a guard's statement sent by `after_soon` refused the operation with (its error), if any."""
    for guard in active_guards():
        explain = getattr(guard, "refused", None)
        problems = list(explain(ctx, error)) if explain is not None else []
        if problems:
            return problems
    return []
