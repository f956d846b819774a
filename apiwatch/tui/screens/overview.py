"""Overview area: coverage, risky endpoints, active alerts by severity, riskiest collections,
and how fresh each source is."""

from __future__ import annotations

import heapq

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ...model import ApiCollection, Severity
from ...model.sources import KINDS, Kind
from ...model.sources import sources as sources_of
from ...safe_text import shown
from .. import format as fmt
from ..navigation import Open
from ..text import add_row
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

RISK_COLUMNS = [
    Column("name", "Riskiest collections", 26, flex=True),
    Column("risk", "Risk", 4),
    Column("unauth", "Unauth", 6),
    Column("external", "Ext", 4, priority=1),
    Column("sensitive", "Sens", 4, priority=1),
    Column("alerts", "Alerts", 6, priority=1),
    Column("label", "Label", 19, priority=2),
]


# How fresh each kind of data is, by its name and every source it is made of.
KIND_SOURCES = tuple((KINDS[kind].shown, sources_of(kind)) for kind in Kind)


class OverviewScreen(AreaScreen):
    crumb_title = "Overview"
    DEFAULT_CSS = """
    OverviewScreen #cards { height: auto; }
    OverviewScreen #cards Static { width: 1fr; height: auto; padding: 0 1; }
    OverviewScreen #sources { height: auto; max-height: 5; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._coverage: Table | None = None
        self._counts: Table | None = None
        self._cards_shown: dict[str, tuple[Table, str | None]] = {}

    def body(self) -> ComposeResult:
        with Horizontal(id="cards"):
            yield Static(id="coverage")
            yield Static(id="alert-counts")
        yield ResourceTable(RISK_COLUMNS, markable=False, id="riskiest")
        yield Static(id="sources")

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        snap = views.snapshot
        onboarded = len(snap.collections)
        gap = len(snap.not_onboarded)
        # The collection counters are Defender's own and cheap; every endpoint's view is not.
        collections = snap.collections
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style="bold")
        grid.add_column()
        add_row(grid, f"{onboarded}/{onboarded + gap}", "APIs onboarded")
        add_row(grid, Text(str(gap), style="bold yellow" if gap else "bold"),
                     "not onboarded (blind spots)")
        for attr, label in (("inactive", "endpoints inactive 30d+"),
                            ("unauthenticated", "unauthenticated"),
                            ("external", "internet-exposed"),
                            ("sensitive", "with sensitive data")):
            add_row(grid, str(sum(getattr(c, attr) or 0 for c in collections)), label)
        self._coverage = grid

        by_severity = views.alert_figures.open_by_severity
        counts = Table.grid(padding=(0, 1))
        counts.add_column(justify="right", style="bold")
        counts.add_column()
        palette = self.watch_app.palette
        for sev in (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFORMATIONAL):
            add_row(counts, str(by_severity.get(sev, 0)), palette.severity(sev))
        odd = sum(n for sev, n in by_severity.items() if not sev.known)
        if odd:
            add_row(counts, str(odd), Text("other", style=palette.unknown))
        add_row(counts, str(self.watch_app.unseen_alert_count), "new since last look")
        self._counts = counts
        self._show_cards()

        alerts_by_api = views.open_alerts_by_api

        def risk(c: ApiCollection) -> int:
            return (3 * (c.unauthenticated or 0) + 2 * (c.external or 0)
                    + 2 * (c.sensitive or 0) + 2 * alerts_by_api.get(c.api_key, 0))

        # Rank every collection, build rows for the ten shown only.
        top = heapq.nlargest(10, snap.collections, key=risk)
        subs = {s.subscription_id: s.label for s in snap.subscriptions}
        told = fmt.services_where_names_repeat(
            (c.api_key, c.display_name, c.service_name, subs.get(c.subscription_id, ""))
            for c in snap.collections)
        self.query_one(ResourceTable).set_rows(
            Row(c.api_key, {
                "name": fmt.named(c.display_name, told, c.api_key), "risk": str(risk(c)),
                "unauth": fmt.count(c.unauthenticated), "external": fmt.count(c.external),
                "sensitive": fmt.count(c.sensitive),
                "alerts": str(alerts_by_api.get(c.api_key, 0)),
                "label": c.sensitivity_label or "-",
            }, sort={"risk": risk(c)}, markable=False)
            for c in top
        )

    def _show_cards(self) -> None:
        """The cards, each with what its counts still lack while the first read (or the
        cache's load) is under way: partial counts must not pass for the tenant's."""
        views = self.watch_app.views
        if views is None or self._coverage is None or self._counts is None:
            return
        for card, grid, sources in (("#coverage", self._coverage, fmt.API_SOURCES),
                                    ("#alert-counts", self._counts, sources_of(Kind.ALERTS))):
            loading = fmt.still_loading(views.snapshot, sources)
            drawn = self._cards_shown.get(card)
            if drawn is not None and drawn[0] is grid and drawn[1] == loading:
                continue  # a poll that changed nothing must not cost a frame
            self._cards_shown[card] = (grid, loading)
            self.query_one(card, Static).update(
                Group(grid, Text(loading, style="bold yellow")) if loading else grid)

    def show_status(self) -> None:
        super().show_status()
        if self.watch_app.views is not None:
            self._show_cards()
            sources = self.query_one("#sources", Static)
            text = self._sources()
            if text != sources.content:
                sources.update(text)

    def _sources(self) -> Text:
        """How fresh each kind of data is, then one line per failing scope and kind of error:
        what it costs, and whether its last good data is still shown (stale)."""
        views = self.watch_app.views
        assert views is not None
        snap = views.snapshot
        now = self.watch_app.clock()
        names = {s.subscription_id.lower(): s.label for s in snap.subscriptions}
        text = Text.assemble(("Data ", "bold"))
        ages = []
        for kind, sources in KIND_SOURCES:
            times = [h.fetched_at for h in snap.health if h.source in sources and h.fetched_at]
            if times:
                ages.append(f"{kind} {fmt.age(min(times), now)}")
        text.append(" · ".join(ages) if ages else f"read {fmt.age(snap.taken_at, now)}")
        if snap.from_cache:
            text.append("  (from the cache, refreshing)", style="yellow")
        groups: dict[tuple[str | None, str], list] = {}
        for f in snap.failures:
            kind = f"HTTP {f.status} {f.code or ''}".strip() if f.status else f.message
            groups.setdefault(((f.subscription_id or "").lower() or None, kind), []).append(f)
        health = {(h.source, (h.subscription_id or "").lower() or None): h for h in snap.health}
        if not groups:
            text.append(" · every source ok", style="green")
        for (sub, kind), failures in list(groups.items())[:3]:
            scope = names.get(sub or "", sub) or "tenant"
            text.append(f"\n✗ {shown(scope)}: ", style="bold yellow")
            sources = sorted({f.source for f in failures})
            text.append(shown(f"{kind} · {', '.join(sources)}"))
            kept = [health[(src, sub)].fetched_at for src in sources
                    if (src, sub) in health and health[(src, sub)].fetched_at]
            if kept:
                text.append(f" (showing data from {fmt.age(min(kept), now)})", style="dim")
        if len(groups) > 3:
            text.append(f"\n… and {len(groups) - 3} more failing scopes", style="yellow")
        return text

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        self.post_message(Open.of("api", event.key))
