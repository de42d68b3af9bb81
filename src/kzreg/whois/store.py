"""The answer store: each live domain's WHOIS text and RDAP JSON, pre-rendered, in one small SQLite file.

A derived artifact in the data folder (like the zone files), on both database backends: the port-43
servers and the RDAP workers read it locally (no PostgreSQL round trip, no random pages of the registry
database); `kzreg whois build-answers` fills it, the `whois-answers` worker job keeps it current
(`kzreg.whois.answers` holds the freshness rule). Deleting the file is always safe: lookups then render
live.

Each answer is zlib-compressed with a preset dictionary made from sample answers of the same build
(answers share most of their text: ~1.6 KB of WHOIS → ~0.2 KB, ~9 KB of RDAP → ~0.5 KB), so a million
domains take well under 1 GB and stay in the page cache. The dictionary starts with the build id, so
a row of another build (or another redaction setting) fails zlib's dictionary check instead of
decoding wrongly: the reader then renders live.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FILE_NAME = "answers.sqlite3"
LEVEL = 6  # zlib level: decompression speed does not depend on it
DICTIONARY_SIZE = 32 * 1024  # zlib's window: a longer dictionary is not used

SCHEMA = """
CREATE TABLE IF NOT EXISTS answer (
    name TEXT PRIMARY KEY,          -- A-label, lowercase
    whois BLOB NOT NULL,            -- the port-43 text (UTF-8), compressed
    rdap BLOB NOT NULL,             -- the RDAP domain JSON with base/port43 marks, compressed
    valid_until REAL NOT NULL,      -- Unix time of the domain's expiry: from then on render live
    rendered_at REAL NOT NULL       -- Unix time taken before the registry rows were read
);
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    build TEXT NOT NULL,            -- '' while a build is running: readers render live
    settings_key TEXT NOT NULL,     -- rendering settings the rows were made with
    history_id INTEGER NOT NULL,    -- history read up to this id
    fresh_as_of REAL NOT NULL,      -- every change committed before this Unix time is in the rows
    whois_dictionary BLOB NOT NULL,
    rdap_dictionary BLOB NOT NULL,
    watched TEXT NOT NULL           -- JSON: digests of the registrar rows the answers show
);
"""
SCHEMA_VERSION = 1  # PRAGMA user_version; a file of another version is emptied and made again


def store_path() -> Path:
    """`settings.KZREG_ANSWER_STORE` (tests), else `answers.sqlite3` in the data folder."""
    configured = getattr(settings, "KZREG_ANSWER_STORE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / FILE_NAME


STATE_COLUMNS = "build, settings_key, history_id, fresh_as_of, whois_dictionary, rdap_dictionary, watched"


@dataclass(frozen=True)
class State:
    build: str
    settings_key: str
    history_id: int
    fresh_as_of: float
    whois_dictionary: bytes
    rdap_dictionary: bytes
    watched: str = "[[]]"


@dataclass(frozen=True)
class Row:
    name: str
    whois: bytes  # compressed
    rdap: bytes  # compressed
    valid_until: float
    rendered_at: float


class Compressor:
    """Compresses with one dictionary; copies a primed compressor (priming costs more than compressing)."""

    def __init__(self, dictionary: bytes):
        self.primed = zlib.compressobj(LEVEL, zdict=dictionary) if dictionary else zlib.compressobj(LEVEL)

    def __call__(self, data: bytes) -> bytes:
        packer = self.primed.copy()
        return packer.compress(data) + packer.flush()


def decompress(data: bytes, dictionary: bytes) -> bytes:
    """Raises zlib.error for a row compressed with another dictionary (another build)."""
    unpacker = zlib.decompressobj(zdict=dictionary) if dictionary else zlib.decompressobj()
    out = unpacker.decompress(data)
    if not unpacker.eof:
        raise zlib.error("truncated answer")
    return out


def make_dictionary(build: str, samples: Sequence[bytes]) -> bytes:
    """The build id, then sample answers: the most useful bytes last (zlib looks back from the end)."""
    head = f"kzreg answers {build}\n".encode()
    body = b"".join(samples)[-(DICTIONARY_SIZE - len(head)) :]
    return head + body


class Reader:
    """Read-only access for the servers, one connection per thread (gunicorn threads, the WHOIS loop).

    Reopens the file when it is replaced or appears (checked on each `state()`, i.e. each poll, and
    passed on to the other threads), so a server started before the first build picks the store up by
    itself and no thread keeps reading a deleted file."""

    def __init__(self, path: Path | None = None):
        self.path = path or store_path()
        self.local = threading.local()
        # The file as last seen by any thread: device, inode and change time (a file made again after a
        # deletion may get the old inode number back; a checkpoint also counts as a change: a cheap reopen).
        self.identity: tuple[int, int, int] | None = None

    def _connection(self) -> sqlite3.Connection | None:
        conn: sqlite3.Connection | None = getattr(self.local, "conn", None)
        try:
            stat = os.stat(self.path)
        except OSError:
            self.identity = None
            self.close()
            return None
        self.identity = (stat.st_dev, stat.st_ino, stat.st_ctime_ns)
        if conn is not None and getattr(self.local, "identity", None) == self.identity:
            return conn
        self.close()
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=5)
        conn.execute("PRAGMA query_only=1")
        conn.execute("PRAGMA mmap_size=4294967296")  # the whole store mapped: a read touches no syscall
        self.local.conn, self.local.identity = conn, self.identity
        return conn

    def state(self) -> State | None:
        """The state row, or None when there is no usable store (missing, never built, being rebuilt)."""
        try:
            conn = self._connection()
            if conn is None:
                return None
            rows = conn.execute(f"SELECT {STATE_COLUMNS} FROM state").fetchall()
        except sqlite3.Error:  # no tables yet, a damaged file: render live
            self.close()
            return None
        if not rows or not rows[0][0]:
            return None
        return State(*rows[0])

    def get_many(self, names: Sequence[str], column: str) -> list[tuple[str, bytes, float, float]]:
        """(name, compressed answer, valid_until, rendered_at) of the names that have a row."""
        conn = getattr(self.local, "conn", None)
        if conn is None or getattr(self.local, "identity", None) != self.identity:
            conn = self._connection()  # this thread's first read, or another thread saw the file replaced
        if conn is None:
            return []
        if len(names) == 1:
            sql = f"SELECT name, {column}, valid_until, rendered_at FROM answer WHERE name = ?"
        else:
            sql = f"SELECT name, {column}, valid_until, rendered_at FROM answer WHERE name IN ({','.join('?' * len(names))})"
        try:
            return conn.execute(sql, tuple(names)).fetchall()
        except sqlite3.Error:
            return []

    def close(self) -> None:
        conn = getattr(self.local, "conn", None)
        self.local.conn = self.local.identity = None
        if conn is not None:
            conn.close()


class Writer:
    """The build and the worker job: the only writers (one at a time; SQLite serialises them)."""

    def __init__(self, path: Path | None = None):
        self.path = path or store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the job
        self.conn.execute("PRAGMA synchronous=NORMAL")  # derived data: a lost tail is rebuilt from history
        if self.conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self.conn.executescript("DROP TABLE IF EXISTS answer; DROP TABLE IF EXISTS state;")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self.conn.executescript(SCHEMA)

    def state(self) -> State | None:
        rows = self.conn.execute(f"SELECT {STATE_COLUMNS} FROM state").fetchall()
        return State(*rows[0]) if rows else None

    def begin_build(self) -> None:
        """Readers render live from now on, and the job stops writing, until `finish_build`."""
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DELETE FROM state")
        self.conn.execute("INSERT INTO state VALUES (1, '', '', 0, 0, x'', x'', '[[]]')")
        self.conn.execute("DELETE FROM answer")
        self.conn.execute("COMMIT")

    def _begin_for(self, expected_build: str) -> bool:
        """Opens a write transaction if the state row still names `expected_build` (else nothing open)."""
        self.conn.execute("BEGIN IMMEDIATE")
        current = self.conn.execute("SELECT build FROM state").fetchall()
        if not current or current[0][0] != expected_build:
            self.conn.execute("ROLLBACK")
            return False
        return True

    def put(self, rows: Iterable[Row], gone: Iterable[str], expected_build: str) -> bool:
        """Writes rows while the state row names `expected_build` ('' during a build); False, nothing
        written, when another build took over meanwhile (the rows were compressed for this one)."""
        if not self._begin_for(expected_build):
            return False
        try:
            self.conn.executemany(
                "INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?)",
                [(r.name, r.whois, r.rdap, r.valid_until, r.rendered_at) for r in rows],
            )
            self.conn.executemany("DELETE FROM answer WHERE name = ?", [(name,) for name in gone])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return True

    def save_state(self, state: State, expected_build: str) -> bool:
        """Records progress (False when another build took over meanwhile)."""
        if not self._begin_for(expected_build):
            return False
        self.conn.execute("DELETE FROM state")
        self.conn.execute(
            "INSERT INTO state VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            (state.build, state.settings_key, state.history_id, state.fresh_as_of,
             state.whois_dictionary, state.rdap_dictionary, state.watched),
        )  # fmt: skip
        self.conn.execute("COMMIT")
        return True

    def close(self) -> None:
        self.conn.close()
