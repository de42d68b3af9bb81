"""Pre-rendered domain answers (`WhoisAnswer`): written by the worker, read by the port-43 servers.

Writing: `build_all` renders every live domain; the `whois-answers` job (`refresh`) follows the
history and re-renders the domains a change can show in (the domain itself, domains whose registrant
or admin is a changed contact, whose name servers include a changed host, or whose registrar changed).

Reading: a server uses a row only when it cannot be stale. Its own change watcher notes, per domain,
when it first saw a change (`seen_at`, after the change committed). The job stamps each row with the
time taken *before* it read the registry (`rendered_at`), and the state row with `fresh_as_of`: every
change committed before it is in the rows. So a row is fresh for a domain changed at `seen_at` when
`rendered_at` or `fresh_as_of` is later; after a contact, host or registrar change every row waits for
`fresh_as_of` to pass it. Until then, and for expired domains, names without a row, or rows made with
other rendering settings, the server renders live. All times are one clock (`time.time()`; the
servers and the worker run on hosts with synchronised clocks); MARGIN absorbs small differences.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, transaction

from kzreg.whois import records, render
from kzreg.whois.db import RawDatabase, django_database
from kzreg.whois.freshness import Changes, ChangeWatcher
from kzreg.whois.models import WhoisAnswer, WhoisAnswerState

MARGIN = 1.0  # seconds of clock difference between the worker and the servers that are tolerated
BATCH = 1000  # domains rendered and written per transaction


def settings_key() -> str:
    """What, besides the registry, the rendered text depends on: rows made otherwise are not used."""
    return f"redact={int(settings.KZREG.get('REDACT_INDIVIDUALS', True))}"


class StoredAnswers:
    """The server side: one SELECT by primary key, used only when the row is known to be fresh."""

    def __init__(self, db: RawDatabase, key: str | None = None):
        self.db = db
        self.key = key if key is not None else settings_key()
        self.usable = False
        self.fresh_as_of = 0.0
        self.history_id = 0
        self.everything_at = 0.0
        self.dirty: dict[str, float] = {}  # domain → when this process saw it change
        self.reads = 0
        self.postgresql = db.vendor == "postgresql"
        # The text as UTF-8 bytes straight from the database: no decoding here, no encoding to send it.
        as_bytes = "CAST(text AS BLOB)" if db.vendor == "sqlite" else "convert_to(text, 'UTF8')"
        self.select = f"SELECT name, {as_bytes}, valid_until, rendered_at FROM whois_whoisanswer WHERE name "

    def note(self, changes: Changes, seen_at: float) -> None:
        """Called after each poll of the history, with a time taken after the poll returned."""
        for name in changes.domains:
            self.dirty[name] = seen_at
        if changes.everything:
            self.everything_at = seen_at
        self.reload_state()

    def reload_state(self) -> None:
        try:
            rows = self.db.execute(
                "SELECT fresh_as_of, settings_key, history_id FROM whois_whoisanswerstate ORDER BY id"
            )
        except DatabaseError:  # the table is not migrated here: render live
            rows = []
        except Exception as exc:  # the raw drivers' own error classes
            if "whois_whoisanswerstate" not in str(exc):
                raise
            rows = []
        self.usable = bool(rows) and rows[0][1] == self.key
        self.fresh_as_of = rows[0][0] if rows else 0.0
        self.history_id = rows[0][2] if rows else 0
        self.dirty = {name: t for name, t in self.dirty.items() if t + MARGIN >= self.fresh_as_of}

    def get(self, name: str, at: dt.datetime) -> tuple[bytes, dt.datetime] | None:
        """The stored answer and its expiry, or None when the caller must render live."""
        return self.get_many([name], at).get(name)

    def get_many(self, names: list[str], at: dt.datetime) -> dict[str, tuple[bytes, dt.datetime]]:
        """The usable stored answers among `names` (one SELECT); the others must be rendered live."""
        if not self.usable or self.everything_at + MARGIN >= self.fresh_as_of:
            return {}
        if self.postgresql:
            rows = self.db.execute(self.select + "= ANY(%s)", (names,))
        else:
            rows = self.db.execute(self.select + f"IN ({', '.join(['%s'] * len(names))})", tuple(names))
        found = {}
        for name, text, valid_until, rendered_at in rows:
            changed = self.dirty.get(name)
            if changed is not None and rendered_at <= changed + MARGIN:
                continue
            until = records.as_datetime(valid_until)
            if at < until:
                found[name] = (bytes(text), until)
        self.reads += len(found)
        return found


def store(db: RawDatabase, names: Iterable[str], rendered_at: float) -> int:
    """Renders `names` as of now and writes their rows (deletes the rows of names no longer live)."""
    names = list(names)
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        rows, gone = [], []
        at = dt.datetime.now(dt.UTC)
        found = records.fetch_domains(db, chunk)
        for name in chunk:
            domain = found.get(name)
            if domain is None:
                gone.append(name)
                continue
            text, _ = render.render_domain(domain, at)
            rows.append(WhoisAnswer(name=name, text=text, valid_until=domain.expires_at, rendered_at=rendered_at))
        with transaction.atomic():
            WhoisAnswer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["name"],
                update_fields=["text", "valid_until", "rendered_at"],
            )
            WhoisAnswer.objects.filter(name__in=gone).delete()
    return len(names)


def save_state(history_id: int, fresh_as_of: float) -> None:
    WhoisAnswerState.objects.update_or_create(
        id=1, defaults={"history_id": history_id, "fresh_as_of": fresh_as_of, "settings_key": settings_key()}
    )


def build_all(progress=None) -> int:  # type: ignore[no-untyped-def]
    """Renders every live domain (`kzreg whois build-answers`); returns how many."""
    db = django_database()
    history_id = db.execute("SELECT MAX(id) FROM registry_historyentry")[0][0] or 0
    started = time.time()
    WhoisAnswerState.objects.filter(id=1).update(settings_key="")  # servers render live while rows are mixed
    done, after = 0, ""
    while True:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM registry_domain WHERE deleted_at IS NULL AND name > %s ORDER BY name LIMIT %s",
                (after, BATCH * 10),
            )
        ]
        if not names:
            break
        done += store(db, names, started)
        after = names[-1]
        if progress:
            progress(done)
    WhoisAnswer.objects.filter(rendered_at__lt=started).delete()  # domains gone before the build
    save_state(history_id, started)
    _job.watcher = None
    return done


class _Job:
    watcher: ChangeWatcher | None = None


_job = _Job()


def affected_domains(db: RawDatabase, changes: Changes) -> set[str]:
    """The live domains whose answer may show one of the changes."""
    names = set(changes.domains)
    queries = [
        ("SELECT name FROM registry_domain WHERE registrant_id IN ({}) OR admin_contact_id IN ({})", changes.contacts),
        (
            "SELECT d.name FROM registry_domain d JOIN registry_domainnameserver l ON l.domain_id = d.id "
            "WHERE l.host_id IN ({})",
            changes.hosts,
        ),
        ("SELECT name FROM registry_domain WHERE registrar_id IN ({})", changes.registrars),
    ]
    for sql, ids in queries:
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            params = tuple(ids) * sql.count("{}")
            names.update(r[0] for r in db.execute(sql.format(*[marks] * sql.count("{}")), params))
    return names


def refresh() -> int:
    """The worker job: re-renders the domains changed since the last run; returns how many."""
    state = WhoisAnswerState.objects.filter(id=1).first()
    if state is None or state.settings_key != settings_key():
        return 0  # never built (or built with other settings): `kzreg whois build-answers` first
    db = django_database()
    if _job.watcher is None:
        _job.watcher = ChangeWatcher(db, last_id=state.history_id)
    started = time.time()  # before the poll: every change committed earlier is read below
    changes = _job.watcher.poll()
    count = store(db, sorted(affected_domains(db, changes)), started)
    # A restarted worker reads again from the oldest id still missing (a transaction not yet committed).
    save_state(min(_job.watcher.gaps, default=_job.watcher.last_id + 1) - 1, started)
    return count
