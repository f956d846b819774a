"""What the console holds between frames, without Textual: the views shown and whether a new
snapshot is news, alerts seen / unseen / announced, marks, read-only, why loading stopped. The
app asks it and draws; every decision here is tested without a screen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Literal

from ..model import AlertStatus, Severity, Snapshot
from ..model.sources import Source
from ..safe_text import shown
from ..store.views import Views
from .words import age, kinds_loading


class Taken(Enum):
    """What showing a snapshot meant."""

    NEWS = "news"  # different data: screens are rebuilt, new alerts may be announced
    FRESHER = "fresher"  # the same data read again: only freshness and health move


@dataclass(frozen=True, slots=True)
class Shown:
    taken: Taken
    # Alert ids the first look took as the baseline (to be kept on disk), or none.
    baseline: tuple[str, ...] = ()
    announcement: str | None = None


Tone = Literal["plain", "error", "warning", "strong", "badge"]


@dataclass(frozen=True, slots=True)
class StatusPart:
    """One part of the status line: its words (safe to draw) and how loud it is."""

    text: str
    tone: Tone = "plain"


def alerts_read_everywhere(snapshot: Snapshot) -> bool:
    """Every subscription's alerts have been read (or failed) once, from Azure or the cache: a
    baseline taken earlier would announce the later subscriptions' alerts as new."""
    # no health: a one-shot read (headless, tests), where everything was read
    return not snapshot.health or snapshot.read_everywhere((Source.ALERTS,), ())


class ConsoleState:
    def __init__(self, *, read_only: bool = False,
                 notify_min_severity: str = "Informational") -> None:
        self.views: Views | None = None
        self.version = 0  # moves with each snapshot that is news: screens redraw on it
        self.marks: set[str] = set()
        self.read_only = read_only
        self.refreshing = False
        self.loading_error: str | None = None
        self.seen_alerts: set[str] | None = None  # None until the first read: nothing is new
        self.baseline_from_disk = False  # seen alerts were kept by an earlier run
        self._floor = Severity(notify_min_severity)
        self._notified: set[str] | None = None  # alerts already announced in this session
        self._unseen: tuple[tuple[int, int, int], set[str]] | None = None

    # -- snapshots --------------------------------------------------------------------------
    def take(self, snapshot: Snapshot, views: Views | None = None) -> Shown:
        """A snapshot to show; `views`, when given, were built (and warmed) over it."""
        if not snapshot.from_cache:
            self.refreshing = False
        baseline: tuple[str, ...] = ()
        if self.seen_alerts is None and alerts_read_everywhere(snapshot):
            # The very first look: what is there now is the baseline, not news.
            self.seen_alerts = {a.key for a in snapshot.alerts}
            baseline = tuple(self.seen_alerts)
        current = self.views
        if current is not None and current.snapshot.same_data(snapshot):
            # Read again, nothing changed (most polls): fresher health, no rebuilt screens, and
            # no index rebuilt at the next keystroke either.
            current.snapshot = snapshot.carry_indexes(current.snapshot)
            return Shown(Taken.FRESHER, baseline)
        self.views = (views if views is not None and views.snapshot is snapshot
                      else Views(snapshot, previous=current))
        self.version += 1
        return Shown(Taken.NEWS, baseline, self._announce(snapshot))

    def with_alert_status(self, ids: set[str], status: AlertStatus) -> Snapshot | None:
        """The snapshot shown, with these alerts in their new state (shown at once, before the
        next read confirms it)."""
        if self.views is None or not ids:
            return None
        snapshot = self.views.snapshot
        alerts = tuple(replace(a, status=status) if a.id in ids else a for a in snapshot.alerts)
        return replace(snapshot, alerts=alerts)

    def redraw(self) -> None:
        """Every screen draws its rows again (a theme change restyles them)."""
        self.version += 1

    # -- what the status line says ---------------------------------------------------------
    def status(self, now: datetime) -> tuple[StatusPart, ...]:
        """Freshness and health of the data, read-only, marks, unseen alerts, in that order;
        what is long and passing (what is still loading) last, so 80 columns cut only it."""
        parts: list[StatusPart] = []
        last: list[StatusPart] = []
        views = self.views
        if self.loading_error:
            parts.append(StatusPart(shown(self.loading_error), "error"))
        elif views is None:
            parts.append(StatusPart("reading Azure…"))
        else:
            snap = views.snapshot
            alert_times = [h.fetched_at for h in snap.health
                           if h.source == Source.ALERTS and h.fetched_at]
            if alert_times:
                parts.append(StatusPart(f"alerts {age(min(alert_times), now)}"))
            else:
                parts.append(StatusPart(f"data {age(snap.taken_at, now)}"))
            if snap.from_cache:
                parts.append(StatusPart("cached", "warning"))
            elif any(h.stale for h in snap.health):
                parts.append(StatusPart("stale", "warning"))
            failing = {f.subscription_id or "tenant" for f in snap.failures}
            if failing and not snap.subscriptions:
                parts.append(StatusPart(shown(str(snap.failures[0])), "error"))
            elif failing:
                parts.append(StatusPart(f"{len(failing)} scope(s) failing", "warning"))
            loading = kinds_loading(snap)
            if loading:
                last.append(StatusPart(loading, "warning"))
            elif self.refreshing:
                parts.append(StatusPart("refreshing…"))
        if self.read_only:
            parts.append(StatusPart("READ-ONLY", "badge"))
        if self.marks:
            parts.append(StatusPart(f"{len(self.marks)} marked", "strong"))
        unseen = self.unseen_alert_count
        if unseen:
            parts.append(StatusPart(f"{unseen} new alert(s)", "strong"))
        return (*parts, *last)

    # -- alerts seen, new, announced --------------------------------------------------------
    def seen_from_disk(self, seen: Iterable[str], baseline: bool) -> None:
        if baseline:
            self.seen_alerts = set(seen)
            self.baseline_from_disk = True

    def unseen_alerts(self) -> set[str]:
        """Ids (lower case) of alerts not yet seen; asked for by several widgets a frame, so
        kept until the snapshot or the seen set changes."""
        if self.views is None or self.seen_alerts is None:
            return set()
        key = (self.version, id(self.seen_alerts), len(self.seen_alerts))
        if self._unseen is None or self._unseen[0] != key:
            self._unseen = (key, set(self.views.alert_keys - self.seen_alerts))
        return self._unseen[1]

    @property
    def unseen_alert_count(self) -> int:
        return len(self.unseen_alerts())

    def mark_seen(self, ids: Iterable[str] | None = None) -> list[str]:
        """Alerts looked at (all shown, when no ids); returns those newly seen, to keep."""
        if self.views is None or self.seen_alerts is None:
            return []
        chosen = {i.lower() for i in ids} if ids is not None else {
            a.key for a in self.views.snapshot.alerts
        }
        newly = chosen - self.seen_alerts
        self.seen_alerts |= chosen
        return sorted(newly)

    @property
    def title(self) -> str:
        unseen = self.unseen_alert_count
        return f"apiwatch ({unseen} new)" if unseen else "apiwatch"

    def _announce(self, snapshot: Snapshot) -> str | None:
        """What to say of alerts new since the last snapshot, at or above the configured
        severity (an alert of unknown severity always counts)."""
        unseen = self.unseen_alerts()
        if self._notified is None:
            self._notified = set(unseen)  # the backlog is shown as new, not announced again
            return None
        news = unseen - self._notified
        fresh = [a for a in snapshot.alerts if a.key in news] if news else []
        self._notified |= {a.key for a in fresh}
        loud = [a for a in fresh if a.worth_notifying(self._floor)]
        if not loud:
            return None
        loud.sort(key=lambda a: -a.severity.rank)
        top = loud[0]
        what = (top.severity.value if top.severity is not Severity.UNKNOWN_SEVERITY
                else "(severity not given)")
        return (f"{len(loud)} new alerts, the worst: {what} {top.display_name}"
                if len(loud) > 1 else f"New {what} alert: {top.display_name}")
