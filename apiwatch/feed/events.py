"""What the live feed reports to whoever shows it, one frozen event at a time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Snapshot
from ..store.views import Views


@dataclass(frozen=True, slots=True, eq=False)
class SnapshotReady:
    """A snapshot to show; `views`, when given, were built (and warmed) over it (the cache's)."""

    snapshot: Snapshot
    views: Views | None = None


@dataclass(frozen=True, slots=True)
class SeenLoaded:
    """The alerts seen in earlier runs (keys, lower case); `baseline`: a first look was taken
    in one of them, so alerts not among these are new."""

    seen: frozenset[str]
    baseline: bool


@dataclass(frozen=True, slots=True)
class StateUnavailable:
    """The state database could not be used: this session goes on without cache and without
    keeping alerts seen. `damaged`: not a database (for the user to move aside); otherwise it
    may pass (locked, read-only, I/O) and the file may be sound."""

    path: Path
    damaged: bool
    reason: str


@dataclass(frozen=True, slots=True)
class FeedStopped:
    """The feed ended on an error: no more live data this session. `message` says why, in one
    line fit for the user (no secrets)."""

    message: str


@dataclass(frozen=True, slots=True)
class ReadFailed:
    """One read of the whole tenant failed (a one-shot feed's); the next may succeed."""

    message: str


Event = SnapshotReady | SeenLoaded | StateUnavailable | FeedStopped | ReadFailed
