"""The status line: freshness and health of the data, marks, unseen alerts. Always one line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from ...safe_text import shown
from ..format import CRUMB_SEPARATOR, fit_crumb

if TYPE_CHECKING:
    from ..host import Console


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.update_status()

    def update_status(self) -> None:
        """Draw what the console's state says (console/state.py); nothing decided here."""
        app = cast("Console", self.app)
        parts = app.state.status(app.clock())
        line = Text(" · ").join(Text(p.text, style=TONES[p.tone]) for p in parts)
        if line != self.content:  # a poll that changed nothing must not cost a frame
            self.update(line)


TONES = {"plain": "", "error": "bold red", "warning": "bold yellow", "strong": "bold",
         "badge": "bold reverse"}


class Crumb(Static):
    """Where you are, area first. When it does not fit, the middle gives way, never the end:
    the current screen (an alert's name, the posture query just opened) stays in view."""

    DEFAULT_CSS = """
    Crumb { height: 1; width: 1fr; padding: 0 1; background: $boost; text-style: bold;
            text-wrap: nowrap; }
    """
    _parts: tuple[str, ...] = ()

    def show(self, parts: Sequence[str]) -> None:
        self._parts = tuple(shown(p) for p in parts)
        self.update(Text(CRUMB_SEPARATOR.join(self._parts)))

    def render(self) -> Text:
        return Text(fit_crumb(self._parts, self.content_size.width))


AREA_TABS = (("1", "Overview"), ("2", "Collections"), ("3", "Alerts"), ("4", "Recs"),
             ("5", "Audit"))


class AreaTabs(Static):
    """Which area you are in, among all five, and the key of each (k9s-style header)."""

    DEFAULT_CSS = """
    AreaTabs { height: 1; width: auto; background: $boost; color: $text-muted; }
    """

    def show_area(self, current: str, width: int) -> None:
        """Every label when there is room; on a narrow terminal the other areas shrink to
        their keys and three letters, so the crumb keeps its space."""
        wide = width >= 110
        text = Text()
        for key, label in AREA_TABS:
            here = label.lower().startswith(current[:4].lower())
            name = label if here or wide else label[:3]
            style = "bold reverse" if here else ""
            text.append(f" {key}", style="bold " + style)
            text.append(f" {name} ", style=style)
        self.update(text)
