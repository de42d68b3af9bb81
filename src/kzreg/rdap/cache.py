"""A per-process cache of rendered domain answers, kept fresh from the history table (the 2,000/s target).

Building a domain answer (one SQL statement, the builders, JSON) costs several times what serving
cached bytes does. An answer is cached as the bytes around its one time-dependent value, the
`last update of RDAP database` event, which is filled in with the current time on every hit.

Freshness: every registry change writes a history row (R1). Before answering, a request polls the history
table (a primary-key range scan, reusing the registry's `ChangeWatcher` (`registry.reads.changes`), which also catches ids that
commit out of order on PostgreSQL) if the last poll is `CACHE_SECONDS` old or more, and drops what
changed: the domain for a domain row, everything for a contact or host row, or when a registrar row
changed. So an answer is never older than `CACHE_SECONDS` (1 s by default). An answer also
expires at the domain's expiry time, when its status turns `inactive`. The cache is first-in-first-out,
bounded by `CACHE_SIZE` answers per process (about 10 KB each).

A miss reads the answer store (`kzreg.rdap.stored`: the worker's pre-rendered answers) before building:
the same poll feeds the store's freshness rule (a row is used only when rendered after its domain's
change was seen), and starts from the store's history position so that the first poll marks what the
worker has not rendered yet.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kzreg.rdap import config
from kzreg.rdap.http import NotFound, encode
from kzreg.rdap.objects import Context, Json
from kzreg.rdap.stored import StoredDomains
from kzreg.registry.disclosure import may_publish_personal_data
from kzreg.registry.models import Contact, ContactKind, Registrar
from kzreg.registry.reads import changes, joined
from kzreg.registry.reads.changes import ChangeWatcher
from kzreg.registry.reads.connection import django_database

NOW_MARK = b'"eventAction":"last update of RDAP database","eventDate":"'
STAMP_LENGTH = len("2026-11-22T04:45:06Z")
FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)
# Everything an answer depends on: base URL, port43 host, whether individuals are redacted, A-label name.
Key = tuple[str, str, bool, str]
# An individual who did not consent: whether the one disclosure rule withholds such a contact's data.
WITHHELD_PROBE = Contact(kind=ContactKind.INDIVIDUAL, disclose=False)


class RdapChangeWatcher(ChangeWatcher):
    """History changes, plus any change to what RDAP shows of registrars (no history rows here)."""

    def _registrars(self) -> list[tuple]:
        return changes.rows_of(self.db, Registrar, joined.REGISTRAR_FIELDS)


@dataclass(frozen=True)
class Answer:
    head: bytes  # the body up to the `last update of RDAP database` date
    tail: bytes  # the body after it
    until: dt.datetime  # the answer is stale from this moment (the domain expires)
    name: str


class AnswerCache:
    def __init__(
        self,
        size: int,
        seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        stored: StoredDomains | None = None,
        wall: Callable[[], float] = time.time,
    ):
        self.size, self.seconds, self.monotonic, self.wall = size, seconds, monotonic, wall
        self.stored = stored  # the answer store, read on a miss; its freshness is fed by this cache's poll
        self.answers: dict[Key, Answer] = {}
        self.lock = threading.Lock()
        self.watcher: RdapChangeWatcher | None = None
        self.polled_at = float("-inf")
        self.generation = 0  # polls so far: an answer read before a poll may miss what that poll dropped

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def refresh(self) -> None:
        """Drop what changed since the last poll, if that poll is `seconds` old (before any answer)."""
        if self.monotonic() - self.polled_at < self.seconds:
            return
        with self.lock:
            started = self.monotonic()
            if started - self.polled_at < self.seconds:
                return  # another thread polled while this one waited
            if self.watcher is None:
                # With a store: from the history position its rows are known to include, so that the
                # first poll marks every change the job has not rendered yet.
                last_id = None
                if self.stored is not None:
                    self.stored.answers.reload_state()
                    last_id = self.stored.answers.history_id if self.stored.answers.usable else None
                self.watcher = RdapChangeWatcher(django_database(), self.monotonic, last_id=last_id)
                self.answers.clear()  # answers built before the watcher's starting point
            changes = self.watcher.poll()
            if self.stored is not None:
                self.stored.answers.note(changes, self.wall())  # after the poll returned: the store's clock
            if changes.everything:
                self.answers.clear()
            elif changes.domains:
                for key in [k for k in self.answers if k[3] in changes.domains]:
                    self.answers.pop(key, None)
            self.polled_at = started
            self.generation += 1

    def get(self, key: Key, now: dt.datetime) -> bytes | None:
        answer = self.answers.get(key)
        if answer is None or now >= answer.until:
            return None
        return answer.head + stamp(now) + answer.tail

    def put(self, key: Key, body: bytes, expires_at: dt.datetime, now: dt.datetime, generation: int) -> None:
        """Keep `body`, read from the database after poll number `generation`, unless a poll ran since
        (it may have dropped this very domain before the answer was stored)."""
        at = body.find(NOW_MARK)
        if at < 0 or generation != self.generation:
            return
        at += len(NOW_MARK)
        until = expires_at if now < expires_at else FOREVER
        answer = Answer(body[:at], body[at + STAMP_LENGTH :], until, key[3])
        while len(self.answers) >= self.size:
            try:
                self.answers.pop(next(iter(self.answers)))
            except (StopIteration, RuntimeError, KeyError):  # another thread changed the dict meanwhile
                break
        self.answers[key] = answer


def stamp(now: dt.datetime) -> bytes:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def restamp(body: bytes, now: dt.datetime) -> bytes:
    """`body` with `now` as the `last update of RDAP database` date."""
    at = body.find(NOW_MARK)
    if at < 0:
        return body
    at += len(NOW_MARK)
    return body[:at] + stamp(now) + body[at + STAMP_LENGTH :]


_answers: AnswerCache | None = None


def answers() -> AnswerCache:
    """This process's cache, configured from `KZREG_RDAP_CACHE_SIZE` and `KZREG_RDAP_CACHE_SECONDS`."""
    global _answers
    if _answers is None:
        _answers = AnswerCache(config.cache_size(), config.cache_seconds(), stored=StoredDomains())
    return _answers


def install(cache: AnswerCache | None) -> None:
    """Replace this process's cache (tests: a fresh one with their own clock); None = from settings."""
    global _answers
    _answers = cache


def known_answer(ctx: Context, ldh_name: str) -> bytes | None:
    """The domain's answer when the cache or the answer store has it (fresh), else None."""
    cache = answers()
    if not cache.enabled:
        return None
    cache.refresh()
    key = (ctx.base, ctx.port43, may_publish_personal_data(WITHHELD_PROBE), ldh_name)
    hit = cache.get(key, ctx.now)
    if hit is not None or cache.stored is None:
        return hit
    generation = cache.generation
    stored = cache.stored.get(ctx, ldh_name)
    if stored is None:
        return None
    body = restamp(stored[0], ctx.now)
    cache.put(key, body, stored[1], ctx.now, generation)
    return body


def domain_answer(ctx: Context, ldh_name: str, build: Callable[[], tuple[Json, dt.datetime] | None]) -> Json | bytes:
    """The domain's answer: cached bytes, else the answer store's (when fresh), else `build()` (body and
    expiry; None → NotFound), kept for next time. With the cache off (`CACHE_SIZE` 0) there is no poll to
    vouch for freshness: the body is built every time."""
    cache = answers()
    if not cache.enabled:
        built = build()
        if built is None:
            raise NotFound(ldh_name)
        return built[0]
    known = known_answer(ctx, ldh_name)
    if known is not None:
        return known
    key = (ctx.base, ctx.port43, may_publish_personal_data(WITHHELD_PROBE), ldh_name)
    generation = cache.generation
    built = build()
    if built is None:
        raise NotFound(ldh_name)
    body = encode(built[0])
    cache.put(key, body, built[1], ctx.now, generation)
    return body
