"""A SIGKILL during any write leaves the SQLite state readable and consistent."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from apiwatch.actions.audit import AuditLog
from apiwatch.store.state_db import StateDB

WRITER = r"""
import sys, itertools
from datetime import datetime, timezone
from pathlib import Path
from apiwatch.store.state_db import StateDB
from apiwatch.actions.audit import AuditLog
state = StateDB(Path(sys.argv[1]) / "state.sqlite3")
audit = AuditLog(Path(sys.argv[1]) / "audit.sqlite3")
payload = [{"id": f"/subscriptions/s/x/{i}", "properties": {"n": i, "pad": "x" * 200}}
           for i in range(2000)]
print("ready", flush=True)
for batch in itertools.count():
    # a batch of seen alerts is one transaction: all of it or none of it
    state.mark_seen([f"/alerts/{batch}/{i}" for i in range(50)])
    state.save_source("p", "alerts", f"sub{batch % 3}", datetime.now(timezone.utc),
                      payload + [{"id": f"batch-{batch}"}])
    action = audit.begin(identity="t", action="trigger", summary=f"batch {batch}",
                         resources=[f"/r/{batch}/{i}" for i in range(5)])
    for seq in range(5):
        audit.target(action, seq, "succeeded")
    audit.complete(action, "succeeded")
"""


def run_and_kill(tmp: Path, after: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_sigkill_mid_write_leaves_state_consistent(tmp_path):
    for after in (0.05, 0.13, 0.31, 0.47, 0.7):
        run_and_kill(tmp_path, after)

        state = StateDB(tmp_path / "state.sqlite3")
        try:
            assert state.check() == "ok"
            seen = state.seen_alerts()
            batches: dict[str, int] = {}
            for alert in seen:
                batch = alert.split("/")[2]
                batches[batch] = batches.get(batch, 0) + 1
            assert batches and set(batches.values()) == {50}  # no half batch
            for _, _, fetched, raw, _ in state.cached_sources("p"):
                assert isinstance(raw, list) and len(raw) == 2001  # never a torn payload
                assert fetched <= datetime.now(timezone.utc)
        finally:
            state.close()

        audit = AuditLog(tmp_path / "audit.sqlite3")
        try:
            entries = audit.entries(10_000)
            assert entries
            for entry in entries:
                assert len(entry.targets) == 5  # the intent always has every resource
                assert entry.outcome in ("succeeded", "unknown")
                if entry.outcome == "unknown":
                    assert "process ended" in entry.detail
            assert audit.recovered <= 1
        finally:
            audit.close()
        with sqlite3.connect(tmp_path / "audit.sqlite3") as db:
            assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_torn_cache_row_is_ignored_not_fatal(tmp_path):
    state = StateDB(tmp_path / "state.sqlite3")
    state.save_source("p", "alerts", "s1", datetime.now(timezone.utc), [{"id": "a"}])
    state._db.execute("UPDATE source_cache SET payload = '[{\"id\": ' WHERE subscription = 's1'")
    state.save_source("p", "alerts", "s2", datetime.now(timezone.utc), [{"id": "b"}])
    rows = list(state.cached_sources("p"))
    state.close()
    assert [(r[1], json.dumps(r[3])) for r in rows] == [("s2", '[{"id": "b"}]')]
