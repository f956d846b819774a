"""Text from Azure on screen: always a Rich `Text` (never a markup string, so `[@click=app.quit]`
in an alert is characters, not an action) made of `safe_text.shown` characters (never a control
sequence the terminal obeys). Every widget and table cell that shows data is given one of these.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from ..safe_text import shown, shown_block


def data(value: object, style: str = "") -> Text:
    """One line of data: a name, an id, a URL."""
    return Text(shown(value if isinstance(value, str) else str(value)), style=style)


def block(value: object, style: str = "") -> Text:
    """Text that keeps its line breaks: a description, a remediation step."""
    return Text(shown_block(value if isinstance(value, str) else str(value)), style=style)


def cell(value: Any, *, one_line: bool = False) -> Any:
    """A value for a Rich table cell or a Static: strings become data, renderables stay."""
    if isinstance(value, str):
        return data(value) if one_line else block(value)
    if isinstance(value, Text):
        return safe(value, one_line=one_line)
    return value


def safe(text: Text, *, one_line: bool = False) -> Text:
    """A Text whose characters may have come from data (assembled with f-strings, say)."""
    plain = text.plain
    cleaned = shown(plain) if one_line else shown_block(plain)
    if cleaned == plain:
        return text
    # Spans index the old characters; the line keeps its base style, not its runs.
    return Text(cleaned, style=text.style, justify=text.justify, overflow=text.overflow,
                no_wrap=text.no_wrap)


def add_row(table: Table, *cells: Any, **kwargs: Any) -> None:
    """`Table.add_row` with every string cell taken as data (Rich would read it as markup)."""
    table.add_row(*(cell(c, one_line=True) for c in cells), **kwargs)
