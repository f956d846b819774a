"""The footer: this screen's keys, its own actions first, whole keys only, and `?` and `q` always.

Textual's footer lists the keys in binding order and lets the line run off the edge: the alert
keys past `d` did not fit at 80 columns, and at 60 the command palette's key, docked right, hid
`?` and `q`. Here the keys that do not fit give way, least useful first (all are in `?`)."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED = ("app.help", "app.quit")
# By binding id prefix: the screen's own actions, then filtering, marking, the app's keys.
RANK = {"action": 0, "screen": 1, "table": 2, "detail": 2, "app": 3}
_Shown = tuple[Binding, bool, str]


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter #pinned { dock: right; width: auto; height: 1; }
    """

    def __init__(self) -> None:
        # ctrl+p is in `?` and the README: its key took 11 columns of every footer
        super().__init__(compact=True, show_command_palette=False)
        self._laid_out_for = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:  # Textual's own footer waits for the same signal
            return
        shown: dict[str, _Shown] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                shown.setdefault(binding.action, (binding, enabled, tooltip))
        pinned = [s for s in shown.values() if s[0].id in PINNED]
        rest = sorted((s for s in shown.values() if s[0].id not in PINNED),
                      key=lambda s: RANK.get((s[0].id or "").split(".")[0], 4))
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        room = width - sum(self._cost(s[0]) for s in pinned)
        for item in rest:
            cost = self._cost(item[0])
            if cost <= room:
                room -= cost
                yield self._key(*item)
        with Horizontal(id="pinned"):
            for item in pinned:
                yield self._key(*item)

    def _key(self, binding: Binding, enabled: bool, tooltip: str) -> Widget:
        return FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                         binding.action, disabled=not enabled,
                         tooltip=tooltip).data_bind(compact=Footer.compact)

    def _cost(self, binding: Binding) -> int:
        """Columns a compact key takes: key, space, description, and the gap after it."""
        return cell_len(self.app.get_key_display(binding)) + 1 + cell_len(binding.description) + 1

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
