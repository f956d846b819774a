"""What the console says of its data in words: ages, and what the first read still lacks.
Plain text (no Rich, no Textual): the status line and the Overview draw it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from ..model import ReadProgress, Snapshot
from ..model.sources import KINDS, Kind, Scope, Source, SourceStatus, sources


def age(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    seconds = int(((now or datetime.now(timezone.utc)) - value).total_seconds())
    # Ten-second steps under a minute: the ages tick on screen (see ApiWatchApp._tick_ages),
    # and a frame a second over SSH to say "13s" then "14s" would be noise.
    if seconds < 10:
        return "just now"
    if seconds < 60:
        return f"{seconds // 10 * 10}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    if seconds < 86400:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86400}d ago"


# The APIs and their collections (what the Overview's coverage card counts).
API_SOURCES = sources(Kind.INVENTORY, scope=Scope.SUBSCRIPTION)
# Each kind of data the console shows, by its name and the sources it is made of: read for
# each subscription, and for the tenant (the subscription list's own progress is said apart).
KINDS_LOADED = tuple((KINDS[kind].shown, sources(kind, scope=Scope.SUBSCRIPTION),
                      sources(kind, scope=Scope.TENANT)) for kind in Kind)


def still_loading(snapshot: Snapshot, per_subscription: Iterable[str]) -> str | None:
    """What a count built on these sources still lacks, in a few words; None once every
    subscription's first read (or the cache's) has them."""
    progress = _first_read(snapshot, per_subscription)
    if progress is None:
        return None
    if not progress.listed:
        return LOADING_LIST
    return f"loaded {progress.read}/{progress.listed} subscriptions so far"


def kinds_loading(snapshot: Snapshot) -> str | None:
    """Which kinds of data the first read (or the cache's load) has not brought in full yet,
    with how many subscriptions each has: 'loading recommendations 12/50, insights'."""
    parts = []
    for kind, per_subscription, tenant_wide in KINDS_LOADED:
        progress = _first_read(snapshot, per_subscription, tenant_wide)
        if progress is None:
            continue
        if not progress.listed:
            return LOADING_LIST
        parts.append(f"{kind} {progress.read}/{progress.listed}"
                     if progress.read < progress.listed else kind)
    return "loading " + ", ".join(parts) if parts else None


LOADING_LIST = "loading the subscription list…"


def _first_read(snapshot: Snapshot, per_subscription: Iterable[str],
                tenant_wide: Iterable[str] = ()) -> ReadProgress | None:
    """How far these sources' first read has got; None when there is nothing to say: it is
    complete, the snapshot reports no source health (made by hand, not read), or the list was
    tried and names no subscription to wait for."""
    if not snapshot.health:
        return None
    progress = snapshot.progress(per_subscription, tenant_wide)
    if progress.complete or (not progress.listed and _listed(snapshot)):
        return None
    return progress


def _listed(snapshot: Snapshot) -> bool:
    """The subscription list has been tried: none listed then means none to wait for (its
    failure is said on its own)."""
    return any(h.source == Source.SUBSCRIPTIONS and h.status != SourceStatus.PENDING
               for h in snapshot.health)
