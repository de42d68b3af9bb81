"""One lookup for port 43 and the web page: query text in, WHOIS text out, with an optional LRU cache.

The cache holds rendered answers keyed by the parsed query. `ChangeWatcher` (freshness.py) tells the
cache which entries went stale; an answer that depends on time (a domain that expires) carries the
instant after which it must be rendered again.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from kzreg.core import clock
from kzreg.whois import records, render
from kzreg.whois.answers import StoredAnswers
from kzreg.whois.db import RawDatabase
from kzreg.whois.query import InvalidQuery, Kind, Query, parse_query
from kzreg.whois.texts import LANGUAGE_ORDER, Notice, notice_text

FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Answer:
    body: str | bytes  # bytes when read pre-rendered: the server sends them as they are
    found: bool
    kind: str = ""  # domain, contact, host, registrar; "" when nothing was found; "invalid" for a bad query
    valid_until: dt.datetime = FOREVER

    @property
    def text(self) -> str:
        return self.body if isinstance(self.body, str) else self.body.decode("utf-8")

    @cached_property
    def data(self) -> bytes:
        """The UTF-8 bytes port 43 sends, encoded once per cached answer."""
        return self.body if isinstance(self.body, bytes) else self.body.encode("utf-8")


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
        answers: list[Answer | None] = [None] * len(texts)
        stored: dict[str, list[int]] = {}  # domain → positions, looked up together below
        queries: dict[str, Query] = {}
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
                answers[i] = self._remember(query, self._lookup(query, at))
        if stored:
            assert self.stored is not None
            hits = self.stored.get_many(list(stored), at)
            for name, positions in stored.items():
                hit = hits.get(name)
                query = queries[name]
                answer = Answer(hit[0], True, "domain", hit[1]) if hit else self._lookup(query, at, stored=False)
                answer = self._remember(query, answer)
                for i in positions:
                    answers[i] = answer
        return answers  # type: ignore[return-value]  # every position is filled above

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
