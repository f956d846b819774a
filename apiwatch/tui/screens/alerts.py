"""Alerts area: the live list, newest first, new ones marked -> alert detail."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Alert
from ...safe_text import shown
from .. import format as fmt
from ..navigation import Open
from ..text import add_row, block, data
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

ALERT_COLUMNS = [
    Column("new", "", 3, sortable=False),
    Column("time", "Generated", 11),
    Column("severity", "Sev", 6),
    Column("status", "Status", 11, priority=1),
    Column("name", "Alert", 26, flex=True),
    Column("entity", "Resource", 18, priority=2),
    Column("subscription", "Subscription", 16, priority=4),
    Column("type", "Type", 28, priority=5),
]


def alert_rows(alerts: list[Alert] | tuple[Alert, ...], new: set[str], subs: dict[str, str],
               palette: fmt.Palette = fmt.FULL_COLOUR) -> list[Row]:
    return [
        Row(
            a.id,
            {
                "new": Text("new", style="bold reverse") if a.key in new else "",
                "time": fmt.when(a.time_generated), "severity": palette.severity(a.severity),
                "status": fmt.status(a.status), "name": a.display_name,
                "entity": a.compromised_entity or "-",
                "subscription": subs.get(a.subscription_id) or a.subscription_id,
                "type": a.alert_type,
            },
            sort={"time": a.time_generated, "severity": a.severity.rank,
                  "new": a.key in new},
        )
        for a in alerts
    ]


ALERT_ACTIONS = [
    Binding("t", "trigger", "Trigger", id="action.trigger"),
    Binding("d", "alert_state('dismiss')", "Dismiss", id="action.dismiss"),
    Binding("x", "alert_state('resolve')", "Resolve", id="action.resolve"),
    Binding("p", "alert_state('inprogress')", "In progress", id="action.in_progress"),
    Binding("a", "alert_state('active')", "Reactivate", id="action.activate"),
]


class _AlertActions(AreaScreen):
    def chosen_alerts(self) -> list[Alert]:
        raise NotImplementedError

    def action_trigger(self) -> None:
        ids = [a.id for a in self.chosen_alerts()]
        self.respond(self.watch_app.responder.trigger(ids, None))

    def action_alert_state(self, state: str) -> None:
        self.respond(self.watch_app.responder.alert_state(self.chosen_alerts(), state))


class AlertsScreen(_AlertActions):
    crumb_title = "Alerts"
    BINDINGS = [
        *ALERT_ACTIONS,
        Binding("M", "samples", "Sample alerts", show=False, id="action.samples"),
    ]

    def chosen_alerts(self) -> list[Alert]:
        views = self.watch_app.views
        if views is None:
            return []
        wanted = set(self.selected())
        return [a for a in views.snapshot.alerts if a.id in wanted]

    def action_samples(self) -> None:
        self.respond(self.watch_app.responder.sample_alerts())

    def body(self) -> ComposeResult:
        yield ResourceTable(ALERT_COLUMNS, marks=self.watch_app.marks, id="alerts")

    def show_data(self) -> None:
        app = self.watch_app
        views = app.views
        assert views is not None
        subs = {s.subscription_id: s.label for s in views.snapshot.subscriptions}
        rows = alert_rows(views.alerts_newest_first(), app.unseen_alerts(), subs, app.palette)
        self.query_one(ResourceTable).set_rows(rows)

    def on_screen_suspend(self) -> None:
        # Leaving the list counts as having looked at what it showed.
        self.watch_app.mark_alerts_seen()

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        self.post_message(Open.of("alert", event.key))


class AlertScreen(_AlertActions):
    DEFAULT_CSS = """
    AlertScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """

    # The detail is longer than a screen: the keys that move through a table move through it.
    BINDINGS = [
        *ALERT_ACTIONS,
        Binding("down,j", "scroll_detail('down')", "Down", show=False, id="detail.down"),
        Binding("up,k", "scroll_detail('up')", "Up", show=False, id="detail.up"),
        Binding("pagedown,ctrl+f", "scroll_detail('page_down')", "Page down", show=False,
                id="detail.page_down"),
        Binding("pageup,ctrl+b", "scroll_detail('page_up')", "Page up", show=False,
                id="detail.page_up"),
        Binding("home,g", "scroll_detail('home')", "Top", show=False, id="detail.top"),
        Binding("end,G", "scroll_detail('end')", "Bottom", show=False, id="detail.bottom"),
    ]

    def __init__(self, alert_id: str) -> None:
        super().__init__()
        self.alert_id = alert_id

    def chosen_alerts(self) -> list[Alert]:
        views = self.watch_app.views
        return [a for a in views.snapshot.alerts if a.id == self.alert_id] if views else []

    def body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="alert")

    def action_scroll_detail(self, where: str) -> None:
        detail = self.query_one("#detail", VerticalScroll)
        move = {"down": detail.scroll_down, "up": detail.scroll_up,
                "page_down": detail.scroll_page_down, "page_up": detail.scroll_page_up,
                "home": detail.scroll_home, "end": detail.scroll_end}[where]
        move(animate=False)

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        alert = next((a for a in views.snapshot.alerts if a.id == self.alert_id), None)
        if alert is None:
            self.crumb_title = "(gone)"
            self.query_one("#alert", Static).update(Text("This alert is no longer listed."))
            return
        self.crumb_title = alert.display_name
        self.query_one("#alert", Static).update(
            render_alert(alert, views, self.watch_app.palette))
        self.watch_app.mark_alerts_seen([alert.id])


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def render_alert(alert: Alert, views, palette: fmt.Palette = fmt.FULL_COLOUR) -> Group:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    add_row(head, "Alert", Text(shown(alert.display_name), style="bold"))
    add_row(head, "Severity", palette.severity(alert.severity))
    add_row(head, "Status", fmt.status(alert.status))
    add_row(head, "Type", alert.alert_type)
    add_row(head, "Generated", fmt.stamp(alert.time_generated))
    add_row(head, "Activity", f"{fmt.stamp(alert.start_time)} → {fmt.stamp(alert.end_time)}")
    add_row(head, "MITRE tactics", ", ".join(alert.tactics) or "-")
    if alert.techniques:
        add_row(head, "Techniques", ", ".join(alert.techniques + alert.sub_techniques))
    names = {s.subscription_id: s.display_name for s in views.snapshot.subscriptions}
    name = names.get(alert.subscription_id)
    add_row(head, "Subscription", f"{name} ({alert.subscription_id})" if name
            else alert.subscription_id)
    parts: list = [head, _section("Description"), block(alert.description or "-")]

    parts.append(_section("Affected resource"))
    parts.append(data(alert.compromised_entity or "-"))
    for rid in alert.resource_ids:
        endpoint = views.endpoints_by_key.get(rid.lower())
        line = data(rid, style="dim")
        line.overflow = "fold"
        if endpoint is not None:
            line = Text.assemble((shown(endpoint.label), "bold"), "  ", line)
        parts.append(line)

    sensitivity = alert.sensitivity
    parts.append(_section("Sensitivity context"))
    if sensitivity.present:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        add_row(grid, "Scan time (UTC)", sensitivity.scan_time or "-")
        add_row(grid, "Top label", sensitivity.top_label or "-")
        add_row(grid, "Information types", sensitivity.information_types or "-")
        add_row(grid, "File types", sensitivity.file_types or "-")
        parts.append(grid)
    else:
        parts.append(Text("no sensitive data reported", style="dim"))

    parts.append(_section("Entities"))
    if alert.entities:
        for entity in alert.entities:
            place = entity.place
            extra = f"  ({place})" if place else ""
            parts.append(data(f"{entity.type}: {entity.summary}{extra}"))
    else:
        parts.append(Text("-"))

    parts.append(_section("Remediation"))
    steps = alert.remediation_steps or ("-",)
    for number, step in enumerate(steps, start=1):
        parts.append(block(f"{number}. {step}" if step != "-" else step))

    parts.append(_section("Extended properties"))
    if alert.extended_properties:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for key, value in alert.extended_properties.items():
            add_row(grid, key, block(value))
        parts.append(grid)
    else:
        parts.append(Text("-"))
    if alert.alert_uri:
        parts.append(_section("Portal"))
        uri = data(alert.alert_uri, style="dim")
        uri.overflow = "fold"
        parts.append(uri)
    return Group(*parts)
