"""Modal dialogs for actions: pick a logic app, confirm (focus on Cancel), follow progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ...safe_text import shown
from ..text import add_row, cell, data

if TYPE_CHECKING:  # names only: the actions layer loads the Azure SDK
    from ...actions.context import ActionResult, TargetResult

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 78; max-width: 100%; height: auto; max-height: 95%;
    border: round $accent; background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; height: auto; }}
{name} .buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; min-width: 10; }}
{name} ToastRack {{ dock: top; align: right top; margin-bottom: 0; }}
"""
# Toasts go to the top while a dialog is up: at the bottom (Textual's place for them) they hid
# its buttons, and with them which one has the focus.


class PickScreen(ModalScreen[Any]):
    """Choose one of several options; options that cannot be chosen are shown, disabled."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PickScreen") + """
    PickScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[RenderableType, Any, bool]],
                 note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(data(self.title_text), classes="title")
            yield OptionList(*[
                Option(cell(label, one_line=True), id=str(i), disabled=not enabled)
                for i, (label, _, enabled) in enumerate(self.options)
            ])
            if self.note:
                yield Static(Text(self.note, style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A write about to be sent: what, where, how many. Focus starts on Cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen") + """
    ConfirmScreen VerticalScroll { height: auto; max-height: 15; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, body: RenderableType, confirm: str, *,
                 danger: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm = confirm
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(data(self.title_text), classes="title")
            yield VerticalScroll(Static(cell(self.body)))
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(self.confirm, id="confirm", compact=True,
                             variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ProgressScreen(ModalScreen[None]):
    """Each resource's result as it comes, then each run's final status."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ProgressScreen") + """
    ProgressScreen VerticalScroll { height: auto; max-height: 18; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", id="dialog.close")]

    def __init__(self, title: str, labels: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.labels = list(labels)
        self.results: dict[int, TargetResult] = {}
        self.final: ActionResult | None = None
        self.error: str | None = None
        self._drawn = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(data(self.title_text), classes="title")
            yield VerticalScroll(Static(id="rows"))
            yield Static(id="summary")

    def on_mount(self) -> None:
        self._drawn = True
        self._draw()

    # Results may arrive before the screen is composed (a fast answer from ARM) or after it
    # was closed (the action goes on): they are kept, and drawn only while there is a screen.
    def update(self, seq: int, result: TargetResult) -> None:
        self.results[seq] = result
        if self._drawn and self.is_attached:
            self._draw()

    def finish(self, result: ActionResult | None, error: str | None = None) -> None:
        self.final = result
        self.error = error
        if self._drawn and self.is_attached:
            self._draw()

    def _draw(self) -> None:
        table = Table(box=None, padding=(0, 1), expand=True)
        table.add_column("Resource", ratio=3, overflow="ellipsis", no_wrap=True)
        table.add_column("Result", ratio=2, overflow="fold")
        for seq, label in enumerate(self.labels):
            result = self.results.get(seq)
            add_row(table, label, _result_text(result))
        self.query_one("#rows", Static).update(table)
        summary = Text()
        if self.error:
            summary.append(shown(self.error), style="bold red")
        elif self.final is not None:
            style = "bold green" if self.final.ok else "bold yellow"
            summary.append(f"Done: {self.final.outcome}. ", style=style)
            summary.append("Recorded in the audit log (5). esc closes.", style="dim")
        else:
            summary.append("Working… esc hides this; the action goes on.", style="dim")
        self.query_one("#summary", Static).update(summary)

    def action_close(self) -> None:
        self.dismiss(None)


def _result_text(result: TargetResult | None) -> Text:
    if result is None:
        return Text("waiting", style="dim")
    style = {"succeeded": "green", "failed": "bold red", "unknown": "bold yellow",
             "accepted": "cyan"}.get(result.outcome, "")
    text = Text(shown(result.outcome), style=style)
    if result.run_id:
        text.append(f" run {shown(result.run_id[-8:])}", style="dim")
    if result.detail and result.detail not in ("accepted", "done"):
        text.append(f" — {shown(result.detail)}")
    return text
