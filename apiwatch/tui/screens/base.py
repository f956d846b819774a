"""What every console screen shares: crumb line, filter box, status line, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input

from ..widgets.status import Crumb, StatusLine
from ..widgets.table import ResourceTable

if TYPE_CHECKING:
    from ..app import ApiWatchApp


class AreaScreen(Screen):
    """A screen inside one area's back stack."""

    DEFAULT_CSS = """
    AreaScreen #filter { dock: bottom; height: 1; border: none; padding: 0 1; display: none; }
    AreaScreen #filter.shown { display: block; }
    AreaScreen ResourceTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="screen.filter"),
        Binding("escape", "back", "Back", id="screen.back"),
    ]
    crumb_title = ""
    version = -1

    @property
    def watch_app(self) -> ApiWatchApp:
        return cast("ApiWatchApp", self.app)

    def compose(self) -> ComposeResult:
        yield Crumb(id="crumb")
        yield from self.body()
        yield Input(placeholder="filter (!text inverts, esc clears)", id="filter")
        yield StatusLine()
        yield Footer()

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self._sync()

    def on_screen_resume(self) -> None:
        self._sync()

    def _sync(self) -> None:
        self.query_one(Crumb).update(self.crumb())
        if self.version != self.watch_app.version and self.watch_app.views is not None:
            self.version = self.watch_app.version
            self.show_data()
        self.query_one(StatusLine).update_status()

    def data_changed(self) -> None:
        """The app has a new snapshot; redraw if visible (else on resume)."""
        if self.is_current:
            self._sync()

    def show_data(self) -> None:
        """Fill the screen from `self.watch_app.views`."""

    def crumb(self) -> str:
        stack = [s for s in self.app.screen_stack if isinstance(s, AreaScreen)]
        return " › ".join(s.crumb_title for s in stack if s.crumb_title)

    # -- filter -----------------------------------------------------------------------------
    _last_table: ResourceTable | None = None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, ResourceTable):
            self._last_table = event.widget

    def main_table(self) -> ResourceTable | None:
        """The table the filter applies to: the one last focused, else the first."""
        if self._last_table is not None and self._last_table.is_attached:
            return self._last_table
        tables = list(self.query(ResourceTable))
        return tables[0] if tables else None

    def action_filter(self) -> None:
        if self.main_table() is None:
            return
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            table = self.main_table()
            if table is not None:
                table.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            table = self.main_table()
            if not event.value:
                event.input.remove_class("shown")
            if table is not None:
                table.focus()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_class("shown") or box.value:
            table = self.main_table()
            box.value = ""
            box.remove_class("shown")
            if table is not None:
                table.set_filter("")
                table.focus()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_resource_table_marks_changed(self, event: ResourceTable.MarksChanged) -> None:
        self.query_one(StatusLine).update_status()
