"""Severity read off the bytes the console sends, on each kind of terminal an engineer may have:
NO_COLOR, 16 colours (TERM=xterm), 256 colours, truecolor, and the ANSI themes that draw with the
terminal's own palette. High must stay the most prominent, and every level legible."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pytest
from rich.color import EIGHT_BIT_PALETTE

from apiwatch.config import Config, UiSettings
from apiwatch.tui.widgets.table import ResourceTable

from .conftest import make_app, ready

WORDS = ("High", "Medium", "Low")
RED = {31, 91, 41, 101}  # the 16-colour reds, as foreground or background


@dataclass(frozen=True)
class Sgr:
    """One SGR sequence: attributes and colours (("default",), ("ansi", code), ("rgb", rgb))."""

    bold: bool = False
    reverse: bool = False
    fg: tuple = ("default",)
    bg: tuple = ("default",)

    @property
    def colours(self) -> bool:
        return self.fg != ("default",) or self.bg != ("default",)


def parse_sgr(params: str) -> Sgr:
    codes = [int(p) if p else 0 for p in params.split(";")]
    sgr = Sgr()
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in (38, 48):
            if codes[i + 1] == 5:
                colour = ("rgb", EIGHT_BIT_PALETTE[codes[i + 2]])
                i += 3
            else:
                colour = ("rgb", tuple(codes[i + 2:i + 5]))
                i += 5
            sgr = replace(sgr, **{"fg" if code == 38 else "bg": colour})
            continue
        if code == 1:
            sgr = replace(sgr, bold=True)
        elif code == 7:
            sgr = replace(sgr, reverse=True)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            sgr = replace(sgr, fg=("ansi", code))
        elif 40 <= code <= 47 or 100 <= code <= 107:
            sgr = replace(sgr, bg=("ansi", code))
        i += 1
    return sgr


def luminance(rgb) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def prominence(sgr: Sgr, row: Sgr) -> int:
    """A badge (reversed, or its own background) counts more than bold; colour alone nothing."""
    return 2 * (sgr.reverse or sgr.bg != row.bg) + sgr.bold


def screen_lines(app) -> list[str]:
    """The screen as the bytes Textual writes to the terminal, one string per line: the
    compositor's full update rendered by the app's console (its colour system, its filters)."""
    update = app.screen._compositor.render_full_update()
    return ["".join(strip.render(app.console) for strip in line) for line in update.strips]


def severity_cells(app) -> tuple[dict[str, set[Sgr]], Sgr]:
    """Each severity word's SGR in the alerts table (the cursor row aside: it has its own
    colours), and the plain rows' own SGR (their time column)."""
    table = app.screen.query_one(ResourceTable)
    cursor_line = table.region.y + 1 + table.cursor_row - int(table.scroll_offset.y)
    found: dict[str, set[Sgr]] = {}
    rows: set[Sgr] = set()
    for y, raw in enumerate(screen_lines(app)):
        if y == cursor_line or not table.region.y < y < table.region.bottom:
            continue
        for match in re.finditer(r"\x1b\[([0-9;]*)m(High|Medium|Low) *(?=\x1b)", raw):
            found.setdefault(match.group(2), set()).add(parse_sgr(match.group(1)))
        for match in re.finditer(r"\x1b\[([0-9;]*)m\d\d-\d\d \d\d:\d\d *(?=\x1b)", raw):
            rows.add(parse_sgr(match.group(1)))
    assert set(found) == set(WORDS), f"severities on screen: {sorted(found)}"
    assert len(rows) == 1 or len({r.bg for r in rows}) == 2, rows  # odd rows may be shaded
    return found, sorted(rows, key=lambda r: str(r.bg))[0]


TERMINALS = {
    "no colour": ({"NO_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor"},
                  "textual-dark"),
    "no colour, ANSI theme": ({"NO_COLOR": "1", "TERM": "xterm"}, "ansi-dark"),
    "no colour, light theme": ({"NO_COLOR": "1", "TERM": "xterm-256color"}, "textual-light"),
    "16 colours": ({"TERM": "xterm"}, "textual-dark"),
    "16 colours, light theme": ({"TERM": "xterm"}, "textual-light"),
    "256 colours": ({"TERM": "xterm-256color"}, "textual-dark"),
    "256 colours, light theme": ({"TERM": "xterm-256color"}, "textual-light"),
    "truecolor": ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "textual-dark"),
    "ANSI theme": ({"TERM": "xterm-256color"}, "ansi-dark"),
    "ANSI light theme, 16 colours": ({"TERM": "xterm"}, "ansi-light"),
}


def on_terminal(monkeypatch, env: dict[str, str]) -> None:
    for name in ("NO_COLOR", "COLORTERM", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


async def alerts_as_sent(demo_snapshot, theme: str):
    app = make_app(demo_snapshot, replace(Config(), ui=UiSettings(theme=theme)))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        cells, row = severity_cells(app)
        return cells, row, screen_lines(app), app.console.color_system


@pytest.mark.parametrize("terminal", list(TERMINALS))
async def test_severity_is_legible_and_ordered_on_every_terminal(demo_snapshot, monkeypatch,
                                                                   terminal):
    env, theme = TERMINALS[terminal]
    on_terminal(monkeypatch, env)
    cells, row, lines, system = await alerts_as_sent(demo_snapshot, theme)
    styles = {word: next(iter(found)) for word, found in cells.items()}
    assert all(len(found) == 1 for found in cells.values()), cells  # one look per level
    high, medium, low = (styles[w] for w in WORDS)

    if "no colour" in terminal:
        # not one colour on the whole screen: only attributes
        for raw in lines:
            for params in re.findall(r"\x1b\[([0-9;]*)m", raw):
                assert not parse_sgr(params).colours, (params, raw)
        assert high.bold and high.reverse
        assert medium.bold and not medium.reverse
        assert not low.bold and not low.reverse
        return

    for sgr in styles.values():  # never a colour on itself (the terminal's own pair is fine)
        assert sgr.reverse or sgr.fg != sgr.bg or sgr.fg == ("default",)
    assert prominence(high, row) > prominence(medium, row) >= prominence(low, row)
    if system == "standard" or "ANSI" in terminal:
        # the terminal's own reds, and High the only red one
        assert {high.fg[-1], high.bg[-1]} & RED, high
        assert not {medium.fg[-1], low.fg[-1]} & RED, (medium, low)
        assert prominence(high, row) > prominence(medium, row) > prominence(low, row)
    else:
        assert len(set(styles.values())) == 3
        for sgr in styles.values():
            assert contrast(sgr.fg[1], sgr.bg[1]) >= 3, sgr


async def test_changing_the_theme_redraws_the_severities(demo_snapshot, monkeypatch):
    on_terminal(monkeypatch, {"TERM": "xterm-256color"})
    app = make_app(demo_snapshot)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        app.theme = "ansi-dark"  # as the command palette's theme picker does
        await pilot.pause()
        cells, _ = severity_cells(app)
        (high,) = cells["High"]
        assert high.bg == ("ansi", 41)
