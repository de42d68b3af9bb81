"""One lookup for port 43 and the web page: query text in, WHOIS text out, with an optional LRU cache.

The cache holds rendered answers keyed by the parsed query. `ChangeWatcher` (`registry.reads.changes`) tells the
cache which entries went stale; an answer that depends on time (a domain that expires) carries the
instant after which it must be rendered again.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable

from kzreg.core import clock
from kzreg.registry.reads import records
from kzreg.registry.reads.connection import RawDatabase
from kzreg.whois import render
from kzreg.whois.answers import StoredAnswers
from kzreg.whois.query import InvalidQuery, Kind, Query, parse_query
from kzreg.whois.texts import LANGUAGE_ORDER, Notice, notice_text

FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)


class Answer:
    """One reply. A plain slotted class: one is made per uncached query, so construction is kept cheap."""

    __slots__ = ("body", "data", "found", "kind", "valid_until")

    def __init__(self, body: str | bytes, found: bool, kind: str = "", valid_until: dt.datetime = FOREVER):
        self.body = body  # bytes when read pre-rendered: the server sends them as they are
        self.data = body if isinstance(body, bytes) else body.encode("utf-8")  # what port 43 sends
        self.found = found
        self.kind = kind  # domain, contact, host, registrar; "" when nothing was found; "invalid" for a bad query
        self.valid_until = valid_until

    @property
    def text(self) -> str:
        return self.body if isinstance(self.body, str) else self.body.decode("utf-8")


class Lookup:
    def __init__(
        self,
        db: RawDatabase,
        cache_size: int = 0,
        languages: tuple[str, ...] = LANGUAGE_ORDER,
        stored: StoredAnswers | None = None,
    ):
        self.db = db
        self.stored = stored  # pre-rendered answers (port 43 only: the web page shows one language)
        self.cache_size = cache_size
        self.languages = languages
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self.hits = self.misses = 0

    def answer(self, text: str, at: dt.datetime | None = None) -> Answer:
        """The reply to one query line. Bad input gets a notice, never an exception."""
        return self.answer_many([text], at)[0]

    def answer_many(self, texts: list[str], at: dt.datetime | None = None) -> list[Answer]:
        """The replies to several query lines: the stored answers of all their domains in one SELECT
        (the server batches the queries that arrive in one turn of its event loop)."""
        at = at or clock.now()
        answers, live = self.answer_known(texts, at)
        if live:
            self.settle(answers, live, self.look_up_live(list(live), at))
        return answers  # type: ignore[return-value]  # settle filled every position

    def answer_known(self, texts: list[str], at: dt.datetime) -> tuple[list[Answer | None], dict[Query, list[int]]]:
        """What needs no registry database: bad queries, cached and stored answers. Returns the answers
        (None where a lookup is still needed) and those queries with their positions. Local reads only,
        so the server runs this in its event loop even on PostgreSQL."""
        answers: list[Answer | None] = [None] * len(texts)
        stored: dict[str, list[int]] = {}  # domain → positions, looked up together below
        queries: dict[str, Query] = {}
        live: dict[Query, list[int]] = {}
        for i, text in enumerate(texts):
            try:
                query = parse_query(text)
            except InvalidQuery:
                answers[i] = Answer(notice_text(Notice.INVALID, self.languages), found=False, kind="invalid")
                continue
            if query is None:
                answers[i] = Answer(notice_text(Notice.EMPTY, self.languages), found=False, kind="invalid")
                continue
            if self.cache_size:
                cached = self._cache.get(query.cache_key)
                if cached is not None and at < cached.valid_until:
                    self._cache.move_to_end(query.cache_key)
                    self.hits += 1
                    answers[i] = cached
                    continue
            if self.stored is not None and query.kind == Kind.DOMAIN:
                stored.setdefault(query.key, []).append(i)
                queries[query.key] = query
            else:
                live.setdefault(query, []).append(i)
        if stored:
            assert self.stored is not None
            hits = self.stored.get_many(list(stored), at)
            for name, positions in stored.items():
                hit = hits.get(name)
                if hit is None:
                    live.setdefault(queries[name], []).extend(positions)
                    continue
                answer = self._remember(queries[name], Answer(hit[0], True, "domain", hit[1]))
                for i in positions:
                    answers[i] = answer
        return answers, live

    def look_up_live(self, queries: list[Query], at: dt.datetime) -> list[Answer]:
        """Renders from the registry database (on PostgreSQL in the server's database thread: it touches
        neither the cache nor the stored answers)."""
        return [self._lookup(query, at, stored=False) for query in queries]

    def settle(self, answers: list[Answer | None], live: dict[Query, list[int]], found: list[Answer]) -> None:
        """Fills in and caches the answers `look_up_live` gave for `live` (in the same order)."""
        for (query, positions), answer in zip(live.items(), found, strict=True):
            answer = self._remember(query, answer)
            for i in positions:
                answers[i] = answer

    def _remember(self, query: Query, answer: Answer) -> Answer:
        if self.cache_size:
            self.misses += 1
            self._cache[query.cache_key] = answer
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return answer

    def _lookup(self, query: Query, at: dt.datetime, stored: bool = True) -> Answer:
        if query.kind == Kind.DOMAIN:
            if stored and self.stored is not None and (hit := self.stored.get(query.key, at)) is not None:
                return Answer(hit[0], True, "domain", hit[1])
            domain = records.fetch_domain(self.db, query.key)
            if domain is not None:
                text, _ = render.render_domain(domain, at, self.languages)
                until = domain.expires_at if domain.expires_at > at else FOREVER
                return Answer(text, True, "domain", until)
        elif query.kind == Kind.HOST:
            host = records.fetch_host(self.db, query.key)
            if host is not None:
                return Answer(render.render_host(host), True, "host")
        else:
            if query.kind in (Kind.HANDLE, Kind.CONTACT):
                contact = records.fetch_contact(self.db, query.key)
                if contact is not None:
                    return Answer(render.render_contact(contact, self.languages), True, "contact")
            if query.kind in (Kind.HANDLE, Kind.REGISTRAR):
                registrar = records.fetch_registrar(self.db, query.key)
                if registrar is not None:
                    return Answer(render.render_registrar(registrar), True, "registrar")
        return Answer(render.render_not_found(), False)

    def forget(self, domain_names: Iterable[str] = (), everything: bool = False) -> None:
        """Drops stale answers: the named domains' (found or not), or all of them."""
        if everything:
            self._cache.clear()
            return
        for name in domain_names:
            self._cache.pop(Query(Kind.DOMAIN, name).cache_key, None)
