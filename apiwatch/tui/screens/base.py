"""What every console screen shares: crumb line, filter box, status line, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input

from ...poller.memory import keep_long_lived
from ..messages import Responded
from ..widgets.footer import KeyFooter
from ..widgets.status import AreaTabs, Crumb, StatusLine
from ..widgets.table import ResourceTable

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from ...console.outcome import Outcome
    from ..host import Console


# Actions that write to Azure: dimmed and refused in read-only mode.
WRITE_ACTIONS = frozenset({
    "trigger", "alert_state", "samples", "probe", "onboard", "offboard",
})


class AreaScreen(Screen):
    """A screen inside one area's back stack."""

    DEFAULT_CSS = """
    AreaScreen #topbar { height: 1; }
    AreaScreen #filter { height: 1; border: none; padding: 0 1; display: none; }
    AreaScreen #filter.shown { display: block; }
    AreaScreen ResourceTable { height: 1fr; }
    /* toasts sit above the status line and the footer (Textual leaves room for one line) */
    AreaScreen ToastRack { margin-bottom: 2; }
    """
    BINDINGS = [
        # Priority: taken as the key arrives, so the keys typed right behind it (fast over
        # SSH, or pasted) find the box focused instead of reaching the table's bindings
        # (`s` sorts, `i` opens the inactive endpoints). Not while typing in the box: there
        # check_action lets the key through as text.
        Binding("slash", "filter", "Filter", priority=True, id="screen.filter"),
        Binding("escape", "back", "Back", show=False, id="screen.back"),
    ]
    crumb_title = ""
    version = -1

    @property
    def watch_app(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Crumb(id="crumb")
            yield AreaTabs(id="areas")
        yield from self.body()
        # (the filter box is mounted on the first `/`, just before the status line: an Input
        # composed on every screen cost each first paint and drill-down about 6 ms)
        yield StatusLine()
        yield KeyFooter()

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self._sync()

    def on_screen_resume(self) -> None:
        self._sync()

    def _sync(self) -> None:
        self.query_one(Crumb).show(self.crumb())
        self.query_one(AreaTabs).show_area(self.app.current_mode, self.app.size.width)
        if self.version != self.watch_app.version and self.watch_app.views is not None:
            self.version = self.watch_app.version
            self.show_data()
            # The indexes and rows just built live as long as the snapshot and the screen: out
            # of the cyclic collector's walks, or a later keystroke pays for a full pass over
            # millions of objects (120 ms to 0.7 s in the bench).
            keep_long_lived()
        self.show_status()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(AreaTabs).show_area(self.app.current_mode, event.size.width)

    def data_changed(self) -> None:
        """The app has a new snapshot; redraw if visible (else on resume)."""
        if self.is_current:
            self._sync()

    def status_changed(self) -> None:
        """The same data was read again: only freshness and source health moved."""
        if self.is_current:
            self.show_status()

    def show_status(self) -> None:
        """Freshness and source health, as of the app's snapshot (also on resume: a screen
        left behind missed the changes made while it was hidden)."""
        self.query_one(StatusLine).update_status()

    def show_data(self) -> None:
        """Fill the screen from `self.watch_app.views`."""

    def crumb(self) -> list[str]:
        stack = [s for s in self.app.screen_stack if isinstance(s, AreaScreen)]
        return [s.crumb_title for s in stack if s.crumb_title]

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

    def _filter_box(self) -> Input | None:
        boxes = self.query("#filter").results(Input)
        return next(boxes, None)

    async def action_filter(self) -> None:
        if self.main_table() is None:
            return
        box = self._filter_box()
        if box is None:
            box = Input(placeholder="filter (!text inverts, esc clears)", id="filter")
            await self.mount(box, before=self.query_one(StatusLine))
        box.add_class("shown")
        self.set_focus(box)  # at once, not at the next idle as focus() does: see BINDINGS

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
        box = self._filter_box()
        if box is not None and (box.has_class("shown") or box.value):
            table = self.main_table()
            box.value = ""
            box.remove_class("shown")
            if table is not None:
                table.set_filter("")
                table.focus()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.watch_app.read_only:
            return None  # shown dimmed in the footer, not run
        # nothing to filter where there is no table (an alert's details): not offered; and
        # in a text box the key is text
        return action != "filter" or (self.main_table() is not None
                                      and not isinstance(self.focused, Input))

    def selected(self, table: ResourceTable | None = None) -> list[str]:
        """The marked rows of the table, else the row under the cursor."""
        table = table or self.main_table()
        if table is None:
            return []
        marked = [r.key for r in table.rows_all if r.key in self.watch_app.marks]
        if marked:
            return marked
        return [table.current_key] if table.current_key else []

    def respond(self, work: Awaitable[Outcome | None]) -> None:
        """Run a write flow as an app worker: it outlives this screen if the user moves on, and
        its outcome goes up to the app to apply."""
        app = self.app

        async def flow() -> None:
            outcome = await work
            if outcome is not None:
                app.post_message(Responded(outcome))

        app.run_worker(flow(), group="respond")

    def on_resource_table_marks_changed(self, event: ResourceTable.MarksChanged) -> None:
        self.query_one(StatusLine).update_status()
