"""Audit area: every action taken from apiwatch (console or headless), newest first, with each
resource's outcome for the highlighted entry."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ...model.audit import AuditEntry
from ...safe_text import shown
from ..text import add_row, data
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

AUDIT_COLUMNS = [
    Column("time", "When (UTC)", 11),
    Column("action", "Action", 12),
    Column("summary", "What", 24, flex=True),
    Column("outcome", "Outcome", 9),
    Column("identity", "Who", 20, priority=2),
]
OUTCOME_STYLE = {"succeeded": "green", "failed": "bold red", "unknown": "bold yellow",
                 "partial": "yellow"}


class AuditScreen(AreaScreen):
    crumb_title = "Audit"
    DEFAULT_CSS = """
    AuditScreen #audit-detail { height: auto; max-height: 8; padding: 0 1; }
    """

    def body(self) -> ComposeResult:
        yield ResourceTable(AUDIT_COLUMNS, markable=False, id="audit")
        yield Static(id="audit-detail")

    def show_data(self) -> None:
        self._entries = {str(e.id): e for e in self.watch_app.audit.entries()}
        rows = [
            Row(key, {
                "time": e.started_at.strftime("%m-%d %H:%M"), "action": e.action,
                "summary": e.summary,
                "outcome": Text(e.outcome or "in flight",
                                style=OUTCOME_STYLE.get(e.outcome or "", "cyan")),
                "identity": e.identity,
            }, sort={"time": e.started_at}, markable=False)
            for key, e in self._entries.items()
        ]
        self.query_one(ResourceTable).set_rows(rows)
        if not rows:
            self.query_one("#audit-detail", Static).update(
                Text("No actions have been taken from apiwatch on this machine yet."))

    def on_resource_table_highlighted(self, event: ResourceTable.Highlighted) -> None:
        entry = getattr(self, "_entries", {}).get(event.key)
        if entry is not None:
            self.query_one("#audit-detail", Static).update(_detail(entry))


def _detail(entry: AuditEntry) -> Table:
    table = Table(box=None, padding=(0, 1), expand=True, show_header=False)
    table.add_column(ratio=3, overflow="ellipsis", no_wrap=True)
    table.add_column(ratio=2, overflow="ellipsis", no_wrap=True)
    if entry.logic_app:
        add_row(table, data(f"logic app {entry.logic_app.rsplit('/', 1)[-1]}", style="bold"),
                entry.detail or "")
    for target in entry.targets:
        outcome = Text(target.outcome or "in flight",
                       style=OUTCOME_STYLE.get(target.outcome or "", "cyan"))
        if target.detail:
            outcome.append(f" {shown(target.detail)}", style="dim")
        add_row(table, target.resource_id.rsplit("/providers/", 1)[-1], outcome)
    return table
