"""A resource table that renders only the rows on screen (Textual's line API), so 40,000
endpoints filter, sort and scroll as fast as forty. Columns give way by priority on narrow
terminals; `/` filters, `s` sorts, `space` marks; the cursor stays on the same resource across
refreshes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...safe_text import shown
from ...store.queries import TextFilter
from ..format import Squeezed

MARK = "●"
MARK_KEY = "__mark"


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
    haystack: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Lower-cased once: `/` then tests each row with one substring search.
        object.__setattr__(self, "haystack", "\x00".join(self.text()).casefold())

    def text(self) -> list[str]:
        return [c.plain if isinstance(c, Text) else str(c) for c in self.cells.values()]


class ResourceTable(ScrollView, can_focus=True):
    """Rows are keyed by resource key; marks live in a set shared by the whole app."""

    DEFAULT_CSS = """
    ResourceTable { height: 1fr; background: $surface; }
    ResourceTable > .resource-table--header { text-style: bold; background: $panel; }
    ResourceTable > .resource-table--cursor { background: $block-cursor-blurred-background; }
    ResourceTable:focus > .resource-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    ResourceTable > .resource-table--odd { background: $surface-lighten-1 10%; }
    /* no colour: the cursor is the one reversed row */
    ResourceTable:nocolor > .resource-table--cursor { text-style: reverse; }
    ResourceTable:nocolor:focus > .resource-table--cursor { text-style: bold reverse; }
    """
    COMPONENT_CLASSES = {"resource-table--header", "resource-table--cursor",
                         "resource-table--odd"}
    # Every key has an id (remappable), with the vi keys k9s users type without thinking.
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=False, id="table.open"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding("s", "sort_next", "Sort", show=False, id="table.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="table.sort_reverse"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class Opened(Message):
        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class Highlighted(Message):
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
        super().__init__(id=id)
        self.spec = list(columns)
        self.marks = marks if marks is not None else set()
        self.markable = markable
        self.rows_all: list[Row] = []
        self._by_key: dict[str, Row] = {}
        self.filter = TextFilter.parse("")
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._shown: list[Column] = []
        self._visible: list[Row] = []
        self._known_width = 0

    # -- data -------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        # Two rows for one resource would be ambiguous: keep the first.
        by_key: dict[str, Row] = {}
        for row in rows:
            by_key.setdefault(row.key, row)
        self._by_key = by_key
        self.rows_all = list(by_key.values())
        self._rebuild()

    def set_filter(self, text: str) -> None:
        self.filter = TextFilter.parse(text)
        self._rebuild()

    @property
    def visible_rows(self) -> list[Row]:
        return list(self._visible)

    @property
    def current_key(self) -> str | None:
        if 0 <= self.cursor_row < len(self._visible):
            return self._visible[self.cursor_row].key
        return None

    def row_for(self, key: str) -> Row | None:
        return self._by_key.get(key)

    def get_cell(self, key: str, column: str) -> Any:
        if column == MARK_KEY:
            return MARK if key in self.marks else " "
        row = self._by_key.get(key)
        return None if row is None else row.cells.get(column)

    def move_cursor(self, row: int, animate: bool = False) -> None:
        self.cursor_row = row

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
            self._shown = self._fit(event.size.width)
        self._clamp()
        self.refresh()

    def _rebuild(self) -> None:
        keep = self.current_key
        width = self._known_width or (self.app.size.width if self.is_attached else 80)
        self._shown = self._fit(width)
        matches = self.filter.matches
        rows = [r for r in self.rows_all if matches(r.haystack)]
        if self.sort_column:
            column = self.sort_column
            rows.sort(key=lambda r: _sort_key(r.sort.get(column, r.cells.get(column))),
                      reverse=self.sort_reverse)
        self._visible = rows
        self.virtual_size = Size(width, len(rows) + 1)
        index = 0
        if keep is not None:
            index = next((i for i, r in enumerate(rows) if r.key == keep), 0)
        self.cursor_row = index
        self.refresh()

    # -- drawing ----------------------------------------------------------------------------
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _clamp(self) -> None:
        """Keep the cursor on a row and in view (the header holds the top line)."""
        top = int(self.scroll_offset.y)
        page = self._page()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + page:
            self.scroll_to(y=self.cursor_row - page + 1, animate=False)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._visible) - 1)) if self._visible else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        if self.is_attached:
            self._clamp()
            self.refresh()
        key = self.current_key
        if key is not None:
            self.post_message(self.Highlighted(self, key))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._visible):
            return Strip.blank(width, self.rich_style)
        row = self._visible[index]
        if index == self.cursor_row:
            base = self.get_component_rich_style("resource-table--cursor")
        elif index % 2:
            base = self.rich_style + self.get_component_rich_style("resource-table--odd")
        else:
            base = self.rich_style
        cells: list[Any] = []
        if self.markable:
            cells.append((MARK if row.key in self.marks else " ", 1))
        cells.extend((row.cells.get(c.key, ""), c.width) for c in self._shown)
        return self._strip(cells, base, width)

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("resource-table--header")
        cells: list[Any] = [(" ", 1)] if self.markable else []
        for col in self._shown:
            label = col.label
            if col.key == self.sort_column:
                label = _with_arrow(label, "▼" if self.sort_reverse else "▲", col.width)
            cells.append((label, col.width))
        return self._strip(cells, style, width)

    def _strip(self, cells: list[tuple[Any, int]], base: Style, width: int) -> Strip:
        segments: list[Segment] = []
        for value, cell_width in cells:
            if isinstance(value, Squeezed):
                value = value.fit(cell_width)
            text = _cell_text(value)
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            segments.append(Segment(" ", base))
            for span_text, span_style in _styled(text):
                segments.append(Segment(span_text, base + span_style if span_style else base))
            segments.append(Segment(" ", base))
        strip = Strip(segments)
        return strip.extend_cell_length(width, base).crop(0, width)

    # -- mouse (optional) -------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.cursor_row = int(self.scroll_offset.y) + event.y - 1
            if event.chain >= 2:
                self.action_select_cursor()

    # -- actions ----------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._visible) - 1

    def action_toggle_mark(self) -> None:
        key = self.current_key
        if not self.markable or key is None:
            return
        row = self._by_key.get(key)
        if row is None or not row.markable:
            self.app.bell()
            return
        if key in self.marks:
            self.marks.discard(key)
        else:
            self.marks.add(key)
        self.post_message(self.MarksChanged())
        self.cursor_row += 1
        self.refresh()

    def action_sort_next(self) -> None:
        sortable = [c.key for c in self._shown if c.sortable]
        if not sortable:
            return
        if self.sort_column in sortable:
            index = (sortable.index(self.sort_column) + 1) % (len(sortable) + 1)
            self.sort_column = sortable[index] if index < len(sortable) else None
        else:
            self.sort_column = sortable[0]
        self._rebuild()

    def action_sort_reverse(self) -> None:
        if self.sort_column is None:
            self.action_sort_next()
        self.sort_reverse = not self.sort_reverse
        self._rebuild()

    def action_select_cursor(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Opened(self, key))


def _with_arrow(label: str, arrow: str, width: int) -> str:
    """A sorted column's header: the arrow always shows (the cell's ellipsis cut it off in
    every narrow column: 'Eps…', 'Unhealth…'); the label gives way to it."""
    for joined in (f"{label} {arrow}", f"{label}{arrow}"):
        if cell_len(joined) <= width:
            return joined
    return set_cell_size(label, max(width - 2, 0)) + "…" + arrow


def _cell_text(value: Any) -> Text:
    """A cell as one line of characters that are safe to draw (cells hold data from Azure:
    see safe_text); a copy, as truncating changes it."""
    if isinstance(value, Text):
        plain = value.plain
        cleaned = shown(plain)
        if cleaned == plain:
            return value.copy()
        return Text(cleaned, style=value.style)
    return Text(shown(value if isinstance(value, str) else str(value)))


def _styled(text: Text) -> list[tuple[str, Style | None]]:
    """A truncated Text as (characters, style) runs, without a console round trip."""
    plain = text.plain
    if not text.spans and not text.style:
        return [(plain, None)]
    base = Style.parse(text.style) if isinstance(text.style, str) else text.style
    runs: list[tuple[str, Style | None]] = []
    cuts = sorted({0, len(plain), *(s.start for s in text.spans), *(s.end for s in text.spans)})
    for start, end in itertools.pairwise(cuts):
        if start >= end:
            continue
        style = base or Style()
        for span in text.spans:
            if span.start <= start and span.end >= end:
                extra = span.style
                style = style + (Style.parse(extra) if isinstance(extra, str) else extra)
        runs.append((plain[start:end], style or None))
    return runs


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
    if hasattr(value, "timestamp"):
        return (0, value.timestamp())
    return (1, str(value).casefold())
