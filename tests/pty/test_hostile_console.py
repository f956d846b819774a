"""`apiwatch --demo --hostile` in a real pty: every string from the emulator carries an attacker's
payload (apiwatch/emulator/hostile.py). Whatever screen, dialog or toast shows them, the bytes
that reach the terminal carry none of their escapes, their markup is drawn as text, and a click
on that text runs nothing."""

from __future__ import annotations

import re
import time

import pytest

from .harness import Console


def sequences(raw: bytes) -> dict[str, set[str]]:
    text = raw.decode("utf-8", "replace")
    return {
        "osc": set(re.findall(r"\x1b\](\d*)", text)),
        "dcs": set(re.findall(r"\x1bP[^\x1b]{0,8}", text)),
        "c1": set(re.findall(r"[\x80-\x9f]", text)),
        "bidi": set(re.findall(r"[\u202a-\u202e\u2066-\u2069]", text)),
    }


@pytest.fixture
def hostile(tmp_path):
    c = Console(["--demo", "--hostile"], tmp_path)
    c.wait_for("Riskiest collections", timeout=90)
    c.wait_for(lambda t: "reading Azure" not in t and "loading" not in t, timeout=90)
    yield c
    c.quit()


def click_on(c: Console, needle: str) -> bool:
    """A mouse click (SGR mode, as xterm sends it) on the first cell showing `needle`."""
    for y, line in enumerate(c.text().splitlines()):
        x = line.find(needle)
        if x >= 0:
            c.press(f"\x1b[<0;{x + 2};{y + 1}M", f"\x1b[<0;{x + 2};{y + 1}m")
            return True
    return False


def test_every_screen_shows_hostile_text_as_text(hostile):
    c = hostile
    seen: list[str] = []

    def visit(*keys: str, expect: str | None = None) -> None:
        c.press(*keys)
        if expect:
            c.wait_for(expect, timeout=20)
        c.settle()
        assert c.alive(), f"the console ended after {keys}"
        seen.append(c.text())

    visit("1", expect="Riskiest collections")
    visit("2", expect="Collection ")
    visit("g", "enter", expect="Method")  # a collection's endpoints: the crumb names it
    visit("enter")  # an endpoint's detail
    visit("escape", "escape", "3", expect="Generated")
    visit("g", "enter", expect="Alerts ›")  # an alert's detail: type, techniques, entities
    visit("escape", "4", expect="Recommendation")
    visit("g", "enter")  # a recommendation's unhealthy resources
    visit("escape", "5")
    visit("?")
    visit("escape")
    # the trigger preview names the logic app and the resource, both from Azure
    visit("3", "g", "t", expect="Trigger a logic app")
    visit("enter", expect="Cancel")
    visit("escape")
    visit("escape")
    # the command palette lists hits named from Azure
    visit("\x10", expect="Search")  # ctrl+p
    visit("A", "P", "I")
    visit("escape")
    # the filter takes what is typed as text
    visit("/", "[", "/", "]")
    visit("escape")
    # a toast announcing a new alert (the demo raises one every ~10 s)
    deadline = time.monotonic() + 40
    while "alert:" not in c.text() and "new alerts" not in c.text() and time.monotonic() < deadline:
        time.sleep(0.3)
    seen.append(c.text())
    assert "alert:" in seen[-1] or "new alerts" in seen[-1], "no toast for a new alert"

    everything = "\n".join(seen)
    # the payloads are there, as text: markup unparsed, escapes shown as symbols
    assert "[@click=" in everything and "[bold red]loud" in everything
    assert "␛]52;c;" in everything or "␛]0;pwned" in everything
    # a click on the action markup runs nothing
    c.press("3")
    c.settle()
    if click_on(c, "[@click=app.quit]") or click_on(c, "[@cli"):
        c.settle()
    assert c.alive(), "a click on data ran an action"

    raw = bytes(c.raw)
    found = sequences(raw)
    assert found["osc"] <= {"22"}, found["osc"]  # Textual's own: the mouse pointer's shape
    assert not found["dcs"] and not found["c1"] and not found["bidi"]
    assert b"\x1b[2J" not in raw and b"\x1b]8;" not in raw
    assert b"pwned\x07" not in raw and b"evil.example/\x07" not in raw
    assert c.quit() == 0
