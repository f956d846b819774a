"""The console. For now one screen listing the collections and alerts read through the data layer;
the navigable areas come next."""

from __future__ import annotations

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from ..config import Config
from ..model import Snapshot


class ApiWatchApp(App[int]):
    TITLE = "apiwatch"
    SUB_TITLE = "Defender for APIs"
    CSS = """
    #status { height: 1; padding: 0 1; background: $boost; }
    DataTable { height: 1fr; }
    .heading { height: 1; padding: 0 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
    ]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.snapshot: Snapshot | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading…", id="status")
        with Vertical():
            yield Static("API collections", classes="heading")
            yield DataTable(id="collections", cursor_type="row", zebra_stripes=True)
            yield Static("Alerts", classes="heading")
            yield DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#collections", DataTable).add_columns(
            "Collection", "Endpoints", "Inactive", "Unauth", "External", "Sensitive", "Label"
        )
        self.query_one("#alerts", DataTable).add_columns("Generated", "Severity", "Status", "Alert")
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#status", Static).update("refreshing…")
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        from ..azure.reader import read_snapshot
        from ..azure.session import ArmSession

        async with ArmSession(self.config.azure) as session:
            snapshot = await read_snapshot(session, self.config.azure.subscriptions)
        self.show(snapshot)

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        table = self.query_one("#collections", DataTable)
        table.clear()
        for c in sorted(snapshot.collections, key=lambda c: c.display_name.lower()):
            table.add_row(
                c.display_name, _n(c.endpoints), _n(c.inactive), _n(c.unauthenticated),
                _n(c.external), _n(c.sensitive), c.sensitivity_label or "-",
            )
        for api in sorted(snapshot.not_onboarded, key=lambda a: a.display_name.lower()):
            table.add_row(api.display_name, "not onboarded", "", "", "", "", "")
        alerts = self.query_one("#alerts", DataTable)
        alerts.clear()
        for a in sorted(snapshot.alerts, key=lambda a: a.time_generated or snapshot.taken_at,
                        reverse=True):
            when = a.time_generated.strftime("%Y-%m-%d %H:%M") if a.time_generated else "-"
            alerts.add_row(when, a.severity.value, a.status.value, a.display_name)
        failed = len({f.subscription_id for f in snapshot.failures})
        status = (
            f"{len(snapshot.subscriptions)} subscriptions · {len(snapshot.collections)} "
            f"collections · {len(snapshot.not_onboarded)} not onboarded · "
            f"{len(snapshot.alerts)} alerts · read {snapshot.taken_at:%H:%M:%S}"
        )
        if snapshot.failures:
            status += f" · {failed} scope(s) failing: {snapshot.failures[0]}"
        self.query_one("#status", Static).update(status)


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def run_console(config: Config) -> int:
    ApiWatchApp(config).run()
    return 0
