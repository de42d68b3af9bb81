"""Pre-rendered domain answers (WHOIS text and RDAP JSON): written by the worker, read by the servers.

The rows live in the answer store (`kzreg.whois.store`, one SQLite file in the data folder on both
backends). Writing: `build_all` renders every live domain; the `whois-answers` job (`refresh`) follows
the history and re-renders the domains a change can show in (the domain itself, domains whose contacts
include a changed contact, whose name servers include a changed host, whose registrar changed).

Reading: a server uses a row only when it cannot be stale. Its own change watcher notes, per domain,
when it first saw a change (`seen_at`, after the change committed). The job stamps each row with the
time taken *before* it read the registry (`rendered_at`), and the state row with `fresh_as_of`: every
change committed before it is in the rows. So a row is fresh for a domain changed at `seen_at` when
`rendered_at` or `fresh_as_of` is later; after a contact, host or registrar change every row
waits for `fresh_as_of` to pass it. Until then, and for expired domains, names without a row, rows made
with other rendering settings, or no store at all, the server renders live. All times are one clock
(`time.time()`; the servers and the worker share the data folder, so the host); MARGIN absorbs small
differences.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import secrets
import time
import zlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connections

from kzreg.core import clock
from kzreg.registry.models import Registrar
from kzreg.registry.reads import changes, records
from kzreg.registry.reads.changes import Changes, ChangeWatcher
from kzreg.registry.reads.connection import RawDatabase, django_database
from kzreg.whois import render
from kzreg.whois.store import Compressor, Reader, Row, State, Writer, decompress, make_dictionary, store_path

MARGIN = 1.0  # seconds of clock difference between the worker and the servers that are tolerated
BATCH = 500  # domains rendered and written per transaction
FORMAT = 4  # bump when the stored layout or rendering changes: older stores are then rebuilt, not used
SAMPLES = 4  # answers of the first batch that make up the compression dictionaries
NEVER = 1e15  # `valid_until` of an answer no time can stale (rendered after the expiry): only a change can
FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)
# What either answer shows of registrars: a change to any of these re-renders their domains. A domain's
# reseller is a name in the domain's own row: its change is a domain change.
REGISTRAR_FIELDS = ("id", "handle", "name", "email", "phone", "url", "whois_server", "status", "created_at")


# Renders the RDAP column: the live names among `names` → their encoded answers (build, now). The RDAP app
# registers `kzreg.rdap.stored.render_templates` when Django loads it: RDAP reads this store, so WHOIS does
# not import RDAP.
RdapRenderer = Callable[[Sequence[str], str, dt.datetime], dict[str, bytes]]
_rdap_renderer: list[RdapRenderer] = []


def register_rdap_renderer(render: RdapRenderer) -> None:
    _rdap_renderer[:] = [render]


def rdap_renderer() -> RdapRenderer:
    if not _rdap_renderer:
        raise RuntimeError("the answer store needs the RDAP app (kzreg.rdap in INSTALLED_APPS) to render its answers")
    return _rdap_renderer[0]


def settings_key() -> str:
    """What, besides the registry, the rendered answers depend on: rows made otherwise are not used."""
    return f"format={FORMAT};redact={int(settings.KZREG.get('REDACT_INDIVIDUALS', True))}"


class StoredAnswers:
    """The server side of one column (`whois` or `rdap`), used only when a row is known to be fresh."""

    def __init__(self, column: str = "whois", reader: Reader | None = None):
        self.column = column
        self.reader = reader or Reader()
        self.usable = False
        self.fresh_as_of = 0.0
        self.history_id = 0
        self.current = ("", b"")  # (build, its dictionary), replaced as one value: threads read it
        self.everything_at = 0.0
        self.dirty: dict[str, float] = {}  # domain → when this process saw it change
        self.reads = 0

    def note(self, found: Changes, seen_at: float) -> None:
        """Called after each poll of the history, with a time taken after the poll returned."""
        for name in found.domains:
            self.dirty[name] = seen_at
        if found.everything:
            self.everything_at = seen_at
        self.reload_state()

    def reload_state(self) -> None:
        state = self.reader.state()
        self.usable = state is not None and state.settings_key == settings_key()
        self.fresh_as_of = state.fresh_as_of if state else 0.0
        self.history_id = state.history_id if state else 0
        if state is None:
            self.current = ("", b"")
        else:
            self.current = (state.build, state.whois_dictionary if self.column == "whois" else state.rdap_dictionary)
        self.dirty = {name: t for name, t in self.dirty.items() if t + MARGIN >= self.fresh_as_of}

    def get(self, name: str, at: dt.datetime) -> tuple[bytes, dt.datetime] | None:
        """The stored answer and its expiry, or None when the caller must render live."""
        return self.get_many([name], at).get(name)

    def get_many(self, names: Sequence[str], at: dt.datetime) -> dict[str, tuple[bytes, dt.datetime]]:
        """The usable stored answers among `names` (one SELECT); the others must be rendered live."""
        return self.lookup(names, at)[1]

    def lookup(self, names: Sequence[str], at: dt.datetime) -> tuple[str, dict[str, tuple[bytes, dt.datetime]]]:
        """The build the answers belong to, and the usable answers among `names`."""
        build, dictionary = self.current
        if not self.usable or self.everything_at + MARGIN >= self.fresh_as_of:
            return build, {}
        now = at.timestamp()
        found = {}
        for name, data, valid_until, rendered_at in self.reader.get_many(names, self.column):
            changed = self.dirty.get(name)
            if (changed is not None and rendered_at <= changed + MARGIN) or now >= valid_until:
                continue
            try:
                text = decompress(data, dictionary)
            except zlib.error:  # a row of another build (a rebuild is under way): render live
                continue
            until = FOREVER if valid_until >= NEVER else dt.datetime.fromtimestamp(valid_until, dt.UTC)
            found[name] = (text, until)
        self.reads += len(found)
        return build, found


def _render_rows(db: RawDatabase, names: list[str], rendered_at: float, state: State) -> tuple[list[Row], list[str]]:
    """Both answers of each name as of now; names no longer live are returned as gone."""
    at = clock.now()  # the registry's clock (tests move it)
    whois = records.fetch_domains(db, names)
    rdap = rdap_renderer()(names, state.build, at)
    rows, gone = [], []
    compress_whois, compress_rdap = Compressor(state.whois_dictionary), Compressor(state.rdap_dictionary)
    for name in names:
        domain, template = whois.get(name), rdap.get(name)
        if domain is None or template is None:
            gone.append(name)
            continue
        text = render.render_domain(domain, at)[0].encode("utf-8")
        # Rendered before the expiry: valid until then. After it: the expired status stays until a change.
        until = domain.expires_at.timestamp() if domain.expires_at > at else NEVER
        rows.append(Row(name, compress_whois(text), compress_rdap(template), until, rendered_at))
    return rows, gone


def _dictionaries(db: RawDatabase, build: str) -> tuple[bytes, bytes]:
    """Compression dictionaries from the first live domains' answers (empty registry: none)."""
    names = changes.live_names(db, limit=SAMPLES)
    at = clock.now()  # the registry's clock (tests move it)
    whois = [render.render_domain(d, at)[0].encode("utf-8") for d in records.fetch_domains(db, names).values()]
    rdap = list(rdap_renderer()(names, build, at).values())
    if not whois:
        return b"", b""
    return make_dictionary(build, whois), make_dictionary(build, rdap)


def build_all(progress: Callable[[int], object] | None = None, processes: int = 1) -> int:
    """Renders every live domain into a fresh store (`kzreg whois build-answers`); returns how many.

    With `processes` > 1 the name ranges are rendered by that many forked processes (a one-off build of
    a large registry); they write to the store in turns."""
    db = django_database()
    writer = Writer()
    try:
        history_id = changes.last_history_id(db)
        watched = AnswerWatcher(db, history_id, "[[]]")
        watched.poll()  # reads the registrars as they are now (before any rendering)
        started = time.time()
        writer.begin_build()  # servers render live while the rows are being replaced
        build = secrets.token_hex(8)
        state = State(build, settings_key(), history_id, started, *_dictionaries(db, build), watched.watched())
        ranges = _name_ranges(db, processes * 8 if processes > 1 else 1)
        done = 0
        if processes > 1:
            connections.close_all()  # each process opens its own: a connection must not cross a fork
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                for count in pool.imap_unordered(_build_range, [(lo, hi, state) for lo, hi in ranges]):
                    done += count
                    if progress:
                        progress(done)
        else:
            done = _build_range(("", None, state), progress)
        if not writer.save_state(state, expected_build=""):
            raise RuntimeError("another build of the answer store started meanwhile")
    finally:
        writer.close()
    _job.watcher = _job.expired_until = None
    return done


def _name_ranges(db: RawDatabase, parts: int) -> list[tuple[str, str | None]]:
    """`parts` ranges (after lo, up to and including hi; None = to the end) of about as many live names."""
    bounds = changes.live_name_bounds(db, parts)
    lows = ["", *bounds]
    return list(zip(lows, [*bounds, None], strict=True))


def _build_range(job: tuple[str, str | None, State], progress: Callable[[int], object] | None = None) -> int:
    """Renders the live names after `lo` up to `hi` into the store being built; returns how many."""
    after, hi, state = job
    db = django_database()
    writer = Writer()
    done = 0
    try:
        while True:
            names = changes.live_names(db, after, hi, BATCH * 10)
            if not names:
                return done
            for start in range(0, len(names), BATCH):
                rows, gone = _render_rows(db, names[start : start + BATCH], state.fresh_as_of, state)
                if not writer.put(rows, gone, expected_build=""):
                    raise RuntimeError("another build of the answer store started meanwhile")
            done += len(names)
            after = names[-1]
            if progress:
                progress(done)
    finally:
        writer.close()


class AnswerWatcher(ChangeWatcher):
    """The job's watcher: every registrar field either answer shows, as (id, digest) rows.

    The digests are saved with the state, and a new watcher (a restarted worker) starts from the saved
    ones: a registrar changed while no job ran is still found (registrars have no history rows here)."""

    def __init__(self, db: RawDatabase, last_id: int, watched: str):
        super().__init__(db, last_id=last_id)
        saved = json.loads(watched)
        self.registrars = [tuple(row) for row in saved[0]]

    @staticmethod
    def _digests(rows: list[tuple]) -> list[tuple]:
        return [(row[0], hashlib.sha256(repr(row).encode()).hexdigest()) for row in rows]

    def _registrars(self) -> list[tuple]:
        return self._digests(changes.rows_of(self.db, Registrar, REGISTRAR_FIELDS))

    def watched(self) -> str:
        return json.dumps([self.registrars])


class _Job:
    watcher: AnswerWatcher | None = None
    expired_until: dt.datetime | None = None  # the registry's time up to which expiries were rendered
    build = ""


_job = _Job()


def refresh() -> int:
    """The worker job: re-renders the domains changed since the last run; returns how many."""
    if not store_path().exists():
        return 0  # never built: `kzreg whois build-answers` first
    writer = Writer()
    try:
        state = writer.state()
        if state is None or not state.build or state.settings_key != settings_key():
            return 0  # never built, being built, or built with other settings: a new build is needed
        if _job.build != state.build:
            _job.watcher, _job.build, _job.expired_until = None, state.build, None
        db = django_database()
        if _job.watcher is None:
            _job.watcher = AnswerWatcher(db, state.history_id, state.watched)
        started = time.time()  # before the poll: every change committed earlier is read below
        found = _job.watcher.poll()
        now = clock.now()
        if _job.expired_until is None:  # a (re)started worker: from the last run of any worker
            _job.expired_until = dt.datetime.fromtimestamp(state.fresh_as_of - MARGIN, dt.UTC)
        names = sorted(changes.affected_domains(db, found) | changes.expired_between(db, _job.expired_until, now))
        for start in range(0, len(names), BATCH):
            rows, gone = _render_rows(db, names[start : start + BATCH], started, state)
            if not writer.put(rows, gone, expected_build=state.build):
                _job.watcher = None  # a new build took over: follow it from its own position
                return 0
        # A restarted worker reads again from the oldest id still missing (a transaction not yet committed).
        history_id = min(_job.watcher.gaps, default=_job.watcher.last_id + 1) - 1
        _job.expired_until = now
        progress = dataclasses.replace(
            state, history_id=history_id, fresh_as_of=started, watched=_job.watcher.watched()
        )
        writer.save_state(progress, state.build)
        return len(names)
    finally:
        writer.close()


def status_line() -> str:
    """Whether the servers will find a usable store (else every uncached answer is rendered live)."""
    path = store_path()
    if not path.exists():
        return f"answer store {path}: missing (run `kzreg whois build-answers`): answers rendered live"
    state = Reader(path).state()
    usable = state is not None and state.settings_key == settings_key()
    size = path.stat().st_size / 2**20
    return f"answer store {path}: {size:,.0f} MiB, {'usable' if usable else 'NOT usable (rebuild it)'}"
