"""The audit log, in SQLite under the state dir. Every write is recorded *before* it is sent and
completed after; an entry still open when its process died is marked unknown on the next start.
WAL with synchronous=FULL: a SIGKILL between two writes loses neither."""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..model.audit import UNKNOWN, AuditEntry, AuditTarget
from ..redact import redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    identity TEXT NOT NULL,
    action TEXT NOT NULL,
    subscription_id TEXT,
    logic_app TEXT,
    summary TEXT NOT NULL,
    outcome TEXT,
    detail TEXT,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
    action_id INTEGER NOT NULL REFERENCES actions(id),
    seq INTEGER NOT NULL,
    resource_id TEXT NOT NULL,
    outcome TEXT,
    run_id TEXT,
    detail TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (action_id, seq)
);
CREATE INDEX IF NOT EXISTS targets_resource ON targets(resource_id);
"""
DIED = "the process ended before the outcome was known"
log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _clean(text: str | None) -> str | None:
    return None if text is None else redact(text)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=10, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self.recovered = self._recover()

    def close(self) -> None:
        self._db.close()

    # -- writing ----------------------------------------------------------------------------
    def begin(
        self,
        *,
        identity: str,
        action: str,
        summary: str,
        resources: Sequence[str],
        subscription_id: str | None = None,
        logic_app: str | None = None,
    ) -> int:
        """Record the intent, with every resource, before anything is sent."""
        with self._tx():
            cur = self._db.execute(
                "INSERT INTO actions (started_at, identity, action, subscription_id, logic_app,"
                " summary, host, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), identity, action, subscription_id, logic_app, _clean(summary),
                 socket.gethostname(), os.getpid()),
            )
            action_id = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO targets (action_id, seq, resource_id, updated_at) VALUES (?,?,?,?)",
                [(action_id, i, r, _now()) for i, r in enumerate(resources)],
            )
        log.info("action %d by %s: %s", action_id, identity, summary)
        return action_id

    def target(self, action_id: int, seq: int, outcome: str | None, *,
               run_id: str | None = None, detail: str | None = None) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE targets SET outcome = ?, run_id = COALESCE(?, run_id),"
                " detail = COALESCE(?, detail), updated_at = ? WHERE action_id = ? AND seq = ?",
                (outcome, run_id, _clean(detail), _now(), action_id, seq),
            )

    def complete(self, action_id: int, outcome: str, detail: str | None = None) -> None:
        log.info("action %d ended: %s %s", action_id, outcome, detail or "")
        with self._tx():
            self._db.execute(
                "UPDATE actions SET outcome = ?, detail = ?, finished_at = ? WHERE id = ?",
                (outcome, _clean(detail), _now(), action_id),
            )

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    def _recover(self) -> int:
        """Entries left open by a process that no longer runs become unknown."""
        host = socket.gethostname()
        open_rows = self._db.execute(
            "SELECT id, host, pid FROM actions WHERE outcome IS NULL"
        ).fetchall()
        dead = [row[0] for row in open_rows if row[1] != host or not _alive(row[2])]
        if not dead:
            return 0
        log.warning("%d action(s) left open by a process that died: marked unknown", len(dead))
        with self._tx():
            marks = ",".join("?" * len(dead))
            self._db.execute(
                f"UPDATE actions SET outcome = ?, detail = ?, finished_at = ?"
                f" WHERE id IN ({marks})",
                (UNKNOWN, DIED, _now(), *dead),
            )
            self._db.execute(
                f"UPDATE targets SET outcome = ?, detail = ?, updated_at = ?"
                f" WHERE outcome IS NULL AND action_id IN ({marks})",
                (UNKNOWN, DIED, _now(), *dead),
            )
        return len(dead)

    # -- reading ----------------------------------------------------------------------------
    def entries(self, limit: int = 500) -> list[AuditEntry]:
        rows = self._db.execute(
            "SELECT id, started_at, finished_at, identity, action, subscription_id, logic_app,"
            " summary, outcome, detail FROM actions ORDER BY id DESC LIMIT ?", (limit,),
        ).fetchall()
        targets: dict[int, list[AuditTarget]] = {}
        if rows:
            marks = ",".join("?" * len(rows))
            for action_id, resource, outcome, run_id, detail in self._db.execute(
                f"SELECT action_id, resource_id, outcome, run_id, detail FROM targets"
                f" WHERE action_id IN ({marks}) ORDER BY action_id, seq",
                [r[0] for r in rows],
            ):
                targets.setdefault(action_id, []).append(
                    AuditTarget(resource, outcome, run_id, detail)
                )
        return [
            AuditEntry(
                id=r[0], started_at=datetime.fromisoformat(r[1]),
                finished_at=datetime.fromisoformat(r[2]) if r[2] else None,
                identity=r[3], action=r[4], subscription_id=r[5], logic_app=r[6], summary=r[7],
                outcome=r[8], detail=r[9], targets=tuple(targets.get(r[0], ())),
            )
            for r in rows
        ]

    def recently_triggered(
        self, logic_app: str, resources: Iterable[str], within: timedelta
    ) -> set[str]:
        """Resources this logic app was triggered on (or tried) within the window."""
        since = (datetime.now(timezone.utc) - within).isoformat(timespec="milliseconds")
        wanted = {r.lower() for r in resources}
        rows = self._db.execute(
            "SELECT t.resource_id FROM targets t JOIN actions a ON a.id = t.action_id"
            " WHERE a.action = 'trigger' AND lower(a.logic_app) = ? AND a.started_at >= ?",
            (logic_app.lower(), since),
        ).fetchall()
        return {r[0] for r in rows if r[0].lower() in wanted}

    def to_json(self, limit: int = 500) -> str:
        from ..export import plain

        return json.dumps([plain(e) for e in self.entries(limit)], indent=2)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_audit_log(path: Path | None = None) -> AuditLog:
    from ..paths import state_dir

    return AuditLog(path or state_dir() / "audit.sqlite3")
