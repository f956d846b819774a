"""The status line: freshness and health of the data, marks, unseen alerts. Always one line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from ...model.sources import Source
from ...safe_text import shown
from .. import format as fmt
from ..format import CRUMB_SEPARATOR, age, fit_crumb

if TYPE_CHECKING:
    from ..host import Console


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.update_status()

    def update_status(self) -> None:
        app = cast("Console", self.app)
        parts: list[Text] = []
        last: list[Text] = []  # long and passing: after what must not be cut off at 80 columns
        views = app.views
        if app.loading_error:
            parts.append(Text(shown(app.loading_error), style="bold red"))
        elif views is None:
            parts.append(Text("reading Azure…"))
        else:
            snap = views.snapshot
            now = app.clock()
            alert_times = [h.fetched_at for h in snap.health
                           if h.source == Source.ALERTS and h.fetched_at]
            if alert_times:
                parts.append(Text(f"alerts {age(min(alert_times), now)}"))
            else:
                parts.append(Text(f"data {age(snap.taken_at, now)}"))
            if snap.from_cache:
                parts.append(Text("cached", style="bold yellow"))
            elif any(h.stale for h in snap.health):
                parts.append(Text("stale", style="bold yellow"))
            failing = {f.subscription_id or "tenant" for f in snap.failures}
            if failing and not snap.subscriptions:
                parts.append(Text(shown(str(snap.failures[0])), style="bold red"))
            elif failing:
                parts.append(Text(f"{len(failing)} scope(s) failing", style="bold yellow"))
            loading = fmt.kinds_loading(snap)
            if loading:
                last.append(Text(loading, style="bold yellow"))
            elif app.refreshing:
                parts.append(Text("refreshing…"))
        if app.read_only:
            parts.append(Text("READ-ONLY", style="bold reverse"))
        if app.marks:
            parts.append(Text(f"{len(app.marks)} marked", style="bold"))
        unseen = app.unseen_alert_count
        if unseen:
            parts.append(Text(f"{unseen} new alert(s)", style="bold"))
        line = Text(" · ").join(parts + last)
        if line != self.content:  # a poll that changed nothing must not cost a frame
            self.update(line)


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
