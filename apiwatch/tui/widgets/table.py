"""A resource table: columns that give way by priority on narrow terminals, `/` filtering,
keyboard sorting and marks, keeping the cursor on the same resource across refreshes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ...store.queries import TextFilter

MARK = "●"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int
    priority: int = 0  # 0 = essential, always shown; higher numbers give way first
    sortable: bool = True
    flex: bool = False  # takes the width left over once the columns that fit are placed


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: dict[str, Any]
    sort: dict[str, Any] = field(default_factory=dict)
    markable: bool = True

    def text(self) -> list[str]:
        return [c.plain if isinstance(c, Text) else str(c) for c in self.cells.values()]


class ResourceTable(DataTable):
    """Rows are keyed by resource key; marks live in a set shared by the whole app."""

    # DataTable's own keys again, with ids so they can be remapped, plus the vi keys k9s users
    # type without thinking.
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=False, id="table.open"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("left,h", "cursor_left", "Left", show=False, id="table.left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="table.right"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "scroll_top", "First row", show=False, id="table.first"),
        Binding("end,G", "scroll_bottom", "Last row", show=False, id="table.last"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding("s", "sort_next", "Sort", show=False, id="table.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="table.sort_reverse"),
    ]

    class Opened(Message):
        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class MarksChanged(Message):
        pass

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        marks: set[str] | None = None,
        markable: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.spec = list(columns)
        self.marks = marks if marks is not None else set()
        self.markable = markable
        self.rows_all: list[Row] = []
        self.filter = TextFilter.parse("")
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._shown: list[Column] = []
        self._visible: list[Row] = []
        self._known_width = 0

    # -- data -------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        self.rows_all = list(rows)
        self._rebuild()

    def set_filter(self, text: str) -> None:
        self.filter = TextFilter.parse(text)
        self._rebuild()

    @property
    def visible_rows(self) -> list[Row]:
        return list(self._visible)

    @property
    def current_key(self) -> str | None:
        if not self._visible or self.cursor_row < 0 or self.cursor_row >= len(self._visible):
            return None
        return self._visible[self.cursor_row].key

    def row_for(self, key: str) -> Row | None:
        return next((r for r in self.rows_all if r.key == key), None)

    # -- layout -----------------------------------------------------------------------------
    def _fit(self, width: int) -> list[Column]:
        budget = max(width - 2, 20)  # room for the vertical scrollbar
        chosen: set[str] = set()
        used = 3 if self.markable else 0
        for col in sorted(self.spec, key=lambda c: c.priority):
            cost = col.width + 2
            if col.priority == 0 or used + cost <= budget:
                chosen.add(col.key)
                used += cost
        spare = max(budget - used, 0)
        fitted = []
        for col in self.spec:
            if col.key not in chosen:
                continue
            if col.flex and spare:
                col = replace(col, width=col.width + spare)
                spare = 0
            fitted.append(col)
        return fitted

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._known_width:
            self._known_width = event.size.width
            self._rebuild()

    def _rebuild(self) -> None:
        keep = self.current_key
        width = self._known_width or (self.app.size.width if self.is_attached else 80)
        shown = self._fit(width)
        # Two rows for one resource would break the table: show it once.
        unique = {r.key: r for r in reversed(self.rows_all)}
        rows = [r for r in self.rows_all
                if unique.get(r.key) is r and self.filter.matches(r.text())]
        if self.sort_column:
            column = self.sort_column
            rows.sort(key=lambda r: _sort_key(r.sort.get(column, r.cells.get(column))),
                      reverse=self.sort_reverse)
        self._visible = rows
        if shown != self._shown:
            self.clear(columns=True)
            if self.markable:
                self.add_column(" ", width=1, key="__mark")
            for col in shown:
                label = col.label + (self._arrow() if col.key == self.sort_column else "")
                self.add_column(label, width=col.width, key=col.key)
            self._shown = shown
        else:
            self.clear()
        for row in rows:
            cells: list[Any] = []
            if self.markable:
                cells.append(MARK if row.key in self.marks else " ")
            cells.extend(row.cells.get(c.key, "") for c in shown)
            self.add_row(*cells, key=row.key)
        if keep is not None:
            index = next((i for i, r in enumerate(rows) if r.key == keep), None)
            if index is not None:
                self.move_cursor(row=index, animate=False)

    def _arrow(self) -> str:
        return " ▼" if self.sort_reverse else " ▲"

    # -- actions ----------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        key = self.current_key
        if not self.markable or key is None:
            return
        row = self.row_for(key)
        if row is None or not row.markable:
            self.app.bell()
            return
        if key in self.marks:
            self.marks.discard(key)
        else:
            self.marks.add(key)
        self.update_cell(key, "__mark", MARK if key in self.marks else " ")
        self.post_message(self.MarksChanged())
        if self.cursor_row < len(self._visible) - 1:
            self.move_cursor(row=self.cursor_row + 1, animate=False)

    def action_sort_next(self) -> None:
        sortable = [c.key for c in self._shown if c.sortable]
        if not sortable:
            return
        if self.sort_column in sortable:
            index = (sortable.index(self.sort_column) + 1) % (len(sortable) + 1)
            self.sort_column = sortable[index] if index < len(sortable) else None
        else:
            self.sort_column = sortable[0]
        self._shown = []  # the header carries the sort arrow: rebuild it
        self._rebuild()

    def action_sort_reverse(self) -> None:
        if self.sort_column is None:
            self.action_sort_next()
        self.sort_reverse = not self.sort_reverse
        self._shown = []
        self._rebuild()

    def action_select_cursor(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Opened(self, key))


def _sort_key(value: Any) -> tuple[int, Any]:
    """Mixed cells sort without raising: unknowns last, numbers as numbers, text folded."""
    if value is None:
        return (2, "")
    if isinstance(value, Text):
        value = value.plain
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, Hashable) and hasattr(value, "timestamp"):
        return (0, value.timestamp())
    return (1, str(value).casefold())


RowBuilder = Callable[[Any], Row]
