"""Endpoint detail, "resource health": its settings, a Recommendations tab and an Alerts tab."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from ...model import AssessmentStatus
from ...safe_text import shown, shown_block
from .. import format as fmt
from ..navigation import Open
from ..text import add_row
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

REC_COLUMNS = [
    Column("status", "Status", 9),
    Column("severity", "Severity", 8),
    Column("name", "Recommendation", 30, flex=True),
]
ALERT_COLUMNS = [
    Column("time", "Generated", 11),
    Column("severity", "Severity", 8),
    Column("status", "Status", 11, priority=1),
    Column("name", "Alert", 30, flex=True),
]


class EndpointScreen(AreaScreen):
    DEFAULT_CSS = """
    EndpointScreen #settings { height: auto; max-height: 9; padding: 0 1; }
    EndpointScreen TabbedContent { height: 1fr; }
    EndpointScreen #rec-detail { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("t", "trigger", "Trigger", id="action.trigger"),
        Binding("P", "probe", "Probe", show=False, id="action.probe"),
    ]

    def __init__(self, endpoint_key: str) -> None:
        super().__init__()
        self.endpoint_key = endpoint_key

    def action_trigger(self) -> None:
        """On the endpoint: the highlighted recommendation if it is unhealthy, else every
        unhealthy one; from the Alerts tab, the marked or highlighted alerts."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-alerts":
            ids = self.selected(self.query_one("#alerts", ResourceTable))
            self.respond(self.watch_app.responder.trigger(ids, None))
            return
        rec = self._recs.get(self.query_one("#recs", ResourceTable).current_key or "") \
            if hasattr(self, "_recs") else None
        key = rec.key if rec is not None and rec.status is AssessmentStatus.UNHEALTHY else None
        self.respond(self.watch_app.responder.trigger([self.endpoint_key], key))

    def action_probe(self) -> None:
        self.respond(self.watch_app.responder.probe(self.endpoint_key))

    def body(self) -> ComposeResult:
        yield Static(id="settings")
        with TabbedContent(id="tabs"):
            with TabPane("Recommendations", id="tab-recs"):
                yield ResourceTable(REC_COLUMNS, markable=False, id="recs")
                yield VerticalScroll(Static(id="rec-detail"), id="rec-detail-box")
            with TabPane("Alerts", id="tab-alerts"):
                yield ResourceTable(ALERT_COLUMNS, marks=self.watch_app.marks, id="alerts")

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        view = views.endpoints_by_key.get(self.endpoint_key)
        if view is None:
            self.crumb_title = "(gone)"
            self.query_one("#settings", Static).update(
                Text("This endpoint is no longer in the inventory.")
            )
            return
        e = view.endpoint
        self.crumb_title = view.label
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        add_row(grid, "Endpoint", f"{e.method} {e.url_template}  ({e.display_name})")
        add_row(grid, "Health", fmt.health(view.health).copy())
        api = view.api.display_name if view.api else e.api_name
        add_row(grid, "API", f"{api} on {e.service_name}"
                + ("" if view.onboarded else "  — not onboarded to Defender for APIs"))
        flags = [
            f"inactive 30d+: {fmt.flag(view.inactive, 'yes')}",
            f"unauthenticated: {fmt.flag(view.unauthenticated, 'yes')}",
            f"external traffic: {fmt.flag(view.external, 'yes')}",
        ]
        add_row(grid, "Observed", "  ".join(flags))
        insight = view.insight
        types = ", ".join(insight.sensitive_types) if insight and insight.sensitive_types else (
            "none" if insight and insight.sensitive_types == () else "unknown")
        add_row(grid, "Sensitive data", types)
        if insight:
            add_row(grid, "Last called", fmt.stamp(insight.last_called)
                    + (f"  · discovered {fmt.stamp(insight.discovered)}"
                       if insight.discovered else ""))
        add_row(grid, "Resource", Text(shown(e.id), overflow="ellipsis", no_wrap=True))
        self.query_one("#settings", Static).update(grid)

        self._recs = {r.id: r for r in view.recommendations}
        palette = self.watch_app.palette
        rows = [
            Row(r.id, {"status": _status(r.status), "severity": palette.severity(r.severity),
                       "name": r.display_name or r.key},
                sort={"severity": r.severity.rank}, markable=False)
            for r in sorted(view.recommendations,
                            key=lambda r: (r.status is not AssessmentStatus.UNHEALTHY,
                                           -r.severity.rank))
        ]
        self.query_one("#recs", ResourceTable).set_rows(rows)
        self._show_rec(rows[0].key if rows else None)
        alert_rows = [
            Row(a.id, {"time": fmt.when(a.time_generated), "severity": palette.severity(a.severity),
                       "status": fmt.status(a.status), "name": a.display_name},
                sort={"time": a.time_generated, "severity": a.severity.rank})
            for a in sorted(view.alerts, key=lambda a: a.time_generated or views.snapshot.taken_at,
                            reverse=True)
        ]
        self.query_one("#alerts", ResourceTable).set_rows(alert_rows)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-recs").label = f"Recommendations ({len(rows)})"
        tabs.get_tab("tab-alerts").label = f"Alerts ({len(alert_rows)})"

    def _show_rec(self, key: str | None) -> None:
        rec = self._recs.get(key or "") if hasattr(self, "_recs") else None
        text = Text()
        if rec is not None:
            if rec.status_description or rec.cause:
                text.append("Status: ", style="bold")
                text.append(shown(" ".join(x for x in (rec.cause, rec.status_description)
                                           if x)) + "\n")
            if rec.description:
                text.append("Why: ", style="bold")
                text.append(shown_block(_plain(rec.description)) + "\n")
            if rec.remediation:
                text.append("Fix: ", style="bold")
                text.append(shown_block(_plain(rec.remediation)))
        self.query_one("#rec-detail", Static).update(text)

    def on_resource_table_highlighted(self, event: ResourceTable.Highlighted) -> None:
        if event.table.id == "recs":
            self._show_rec(event.key)

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        if event.table.id == "alerts":
            self.post_message(Open.of("alert", event.key))


def _status(status: AssessmentStatus) -> Text:
    style = {"Unhealthy": "bold red", "Healthy": "green"}.get(status.value, "")
    label = "n/a" if status is AssessmentStatus.NOT_APPLICABLE else status.value
    return Text(label, style=style if status.known else "magenta")


def _plain(html: str) -> str:
    """remediationDescription may carry HTML; the terminal shows its text."""
    import re

    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", html, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split()) if "\n" not in text else text.strip()
