"""Durable local state in SQLite under the state dir: which alerts have been seen (so "new"
survives restarts) and the last good wire JSON of every source (so the console opens at once).
WAL with synchronous=FULL: a process killed mid-write leaves the file readable and consistent."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from ..model import SourceFailure
from ..steps import Steps

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_alerts (alert_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_cache (
    profile TEXT NOT NULL, source TEXT NOT NULL, subscription TEXT NOT NULL,
    fetched_at TEXT NOT NULL, payload TEXT NOT NULL,
    PRIMARY KEY (profile, source, subscription)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_failures (
    profile TEXT NOT NULL, source TEXT NOT NULL, subscription TEXT NOT NULL,
    status INTEGER, code TEXT, message TEXT NOT NULL,
    PRIMARY KEY (profile, source, subscription)
);
"""
# Added later; a database from before gets the column on open.
COLUMNS = {"source_cache": {"listing": "TEXT"}}


SEPARATORS = (",", ":")
ENCODE_ITEMS = 200  # list items encoded between two points where a slice may end


class EncodedJson(str):
    """Wire JSON already encoded, as `save_source` would have encoded it."""


def encode_steps(raw: Any) -> Steps[EncodedJson]:
    """json.dumps(raw) in slices (see apiwatch/steps.py): lists a few hundred items at a time,
    mappings a value at a time; the same text a single json.dumps gives."""
    return EncodedJson((yield from _encode(raw)))


def _encode(raw: Any) -> Steps[str]:
    if isinstance(raw, list):
        parts = []
        for start in range(0, len(raw), ENCODE_ITEMS):
            parts.append(json.dumps(raw[start:start + ENCODE_ITEMS], separators=SEPARATORS)[1:-1])
            yield
        return "[" + ",".join(parts) + "]"
    if isinstance(raw, Mapping) and all(isinstance(k, str) for k in raw):
        fields = []
        for key, value in raw.items():
            fields.append(json.dumps(key) + ":" + (yield from _encode(value)))
        return "{" + ",".join(fields) + "}"
    return json.dumps(raw, separators=SEPARATORS)


class CachedSource(NamedTuple):
    source: str
    subscription: str | None
    fetched_at: datetime
    raw: Any
    listing: Any  # the pages `raw` was read from (JSON), so a restart can skip unchanged ones


class StateDB:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=10, isolation_level=None,
                                   check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
            self._add_columns()
        except BaseException:  # not a database, say: nothing left open on it
            self._db.close()
            raise
        # One connection, used from the event loop and from writer threads: one at a time, so
        # a cache write never lands inside another call's transaction.
        self._lock = threading.Lock()

    def _add_columns(self) -> None:
        for table, columns in COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def check(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA quick_check").fetchone()[0])

    # -- seen alerts ------------------------------------------------------------------------
    def seen_alerts(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT alert_id FROM seen_alerts")}

    def mark_seen(self, alert_ids: Iterable[str]) -> None:
        now = datetime.now(timezone.utc).isoformat()
        rows = [(a.lower(), now) for a in alert_ids]
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR IGNORE INTO seen_alerts (alert_id, seen_at) VALUES (?, ?)", rows)
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('baseline', ?)", (now,))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def has_baseline(self) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM meta WHERE key = 'baseline'").fetchone()
        return row is not None

    # -- the cache of every source's last good JSON -----------------------------------------
    def save_source(self, profile: str, source: str, subscription: str | None,
                    fetched_at: datetime, raw: Any, listing: Any = None) -> None:
        """`raw`: the wire JSON, or an EncodedJson of it (encoded on the loop in slices: a big
        json.dumps here would hold the GIL while the loop waits for it)."""
        payload = raw if isinstance(raw, EncodedJson) else json.dumps(raw, separators=SEPARATORS)
        pages = None if listing is None else json.dumps(listing, separators=SEPARATORS)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO source_cache (profile, source, subscription,"
                " fetched_at, payload, listing) VALUES (?, ?, ?, ?, ?, ?)",
                (profile, source, (subscription or "").lower(), fetched_at.isoformat(), payload,
                 pages),
            )

    def save_failure(self, profile: str, failure: SourceFailure) -> None:
        """A source that has never read: why, so that the next start says so at once."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO source_failures (profile, source, subscription, status,"
                " code, message) VALUES (?, ?, ?, ?, ?, ?)",
                (profile, failure.source, (failure.subscription_id or "").lower(),
                 failure.status, failure.code, failure.message),
            )

    def forget_failure(self, profile: str, source: str, subscription: str | None) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM source_failures WHERE profile = ? AND source = ? AND subscription = ?",
                (profile, source, (subscription or "").lower()))

    def cached_failures(self, profile: str) -> list[SourceFailure]:
        with self._lock:
            rows = self._db.execute(
                "SELECT source, subscription, message, status, code FROM source_failures"
                " WHERE profile = ?", (profile,)).fetchall()
        return [SourceFailure(source, sub or None, message, status, code)
                for source, sub, message, status, code in rows]

    def touch_source(self, profile: str, source: str, subscription: str | None,
                     fetched_at: datetime) -> None:
        """The cached JSON was read again unchanged: only its time moves (its listing is
        written only with it, in save_source, so the two always describe the same read)."""
        with self._lock:
            self._db.execute(
                "UPDATE source_cache SET fetched_at = ? WHERE profile = ? AND source = ?"
                " AND subscription = ?",
                (fetched_at.isoformat(), profile, source, (subscription or "").lower()),
            )

    def cached_sources(self, profile: str, wanted: Callable[[str], bool] = lambda _: True
                       ) -> Iterator[CachedSource]:
        """One source at a time: a large tenant's cache is hundreds of MB of JSON, and holding
        it all while parsing would leave the heap that much larger for good. `wanted` picks
        sources by name (a console loads what its first screen shows first)."""
        with self._lock:
            keys = self._db.execute(
                "SELECT rowid, source FROM source_cache WHERE profile = ?", (profile,)).fetchall()
        for rowid, name in keys:
            if not wanted(name):
                continue
            with self._lock:
                row = self._db.execute(
                    "SELECT source, subscription, fetched_at, payload, listing FROM source_cache"
                    " WHERE rowid = ?", (rowid,)).fetchone()
            if row is None:  # deleted or replaced since it was listed: nothing to load
                continue
            source, subscription, fetched_at, payload, pages = row
            del row
            try:
                when = datetime.fromisoformat(fetched_at)
                value = json.loads(payload)
            except ValueError:
                log.warning("cached %s for %s is unreadable; ignored", source, subscription)
                continue
            del payload
            try:
                listing = json.loads(pages) if pages else None
            except ValueError:
                listing = None  # only costs the first read a full decode
            yield CachedSource(source, subscription or None, when, value, listing)
            del value  # before the next source is decoded, not after


def state_db_path(create_dir: bool = True) -> Path:
    from ..paths import state_dir

    return state_dir(create_dir) / "state.sqlite3"


def open_state_db(path: Path | None = None) -> StateDB:
    return StateDB(path or state_db_path())
