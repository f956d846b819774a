"""`?`: every key of the current screen, with the binding id to remap it in `[keymap]`."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


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
        seen: set[str] = set()
        # The console's own keys (those with ids) first; the table's cursor keys after them.
        ordered = sorted(self.bindings, key=lambda kb: kb[1].id is None)
        for key, binding in ordered:
            ident = binding.id or binding.action
            if ident in seen or (not binding.description and not binding.id):
                continue
            seen.add(ident)
            table.add_row(key, binding.description or binding.action, binding.id or "")
        table.add_row("ctrl+p", "Command palette: jump to anything, run any action", "")
        yield VerticalScroll(Static(table))
