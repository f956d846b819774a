"""`?`: every key of the current screen, with the binding id to remap it in `[keymap]`."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..text import add_row


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, bindings: list[tuple[str, Binding]]) -> None:
        super().__init__()
        self.bindings = bindings  # (key as shown, binding) of the screen underneath

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), expand=True, title="Keys on this screen")
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        table.add_column("Binding id", style="dim", no_wrap=True)
        # One row per binding with all its keys; the console's own (with ids) first.
        rows: dict[str, tuple[list[str], Binding]] = {}
        for key, binding in self.bindings:
            if not binding.description and not binding.id:
                continue
            keys, _ = rows.setdefault(binding.id or binding.action, ([], binding))
            if key not in keys:
                keys.append(key)
        for keys, binding in sorted(rows.values(), key=lambda kb: kb[1].id is None):
            add_row(table, " ".join(keys), binding.description or binding.action,
                    binding.id or "")
        add_row(table, "ctrl+p", "Command palette: jump to anything, run any action", "")
        yield VerticalScroll(Static(table))
