"""The sanitising boundary (safe_text, tui.text): whatever an attacker writes, what reaches the
terminal is characters, never a control sequence, never markup."""

from __future__ import annotations

import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from apiwatch.emulator.hostile import PAYLOADS
from apiwatch.safe_text import encodable_json, shown, shown_block, shown_tree
from apiwatch.tui.format import fit_crumb
from apiwatch.tui.text import add_row, block, data

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                    "\u2028\u2029\ud800-\udfff]")

# Text as attackers write it: the payloads, markup-ish brackets, controls, any code point.
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(PAYLOADS),
        st.sampled_from(["[", "]", "[/]", "[@click=app.quit]", "[b]", "\\[", "[link=x]", "=", "'"]),
        st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF),
                max_size=8),
    ),
    max_size=12,
).map("".join)


def rendered(renderable, width: int = 60) -> str:
    out = io.StringIO()
    # A terminal with no colour: any escape in the output came from the data.
    Console(file=out, width=width, color_system=None, force_terminal=True,
            legacy_windows=False).print(renderable)
    return out.getvalue()


@settings(max_examples=400)
@given(hostile_text)
def test_one_line_has_no_control_no_break(text):
    out = shown(text)
    assert UNSAFE.search(out) is None
    assert "\n" not in out
    out.encode("utf-8")  # a lone surrogate would raise here


@settings(max_examples=300)
@given(hostile_text)
def test_a_block_keeps_its_lines_and_nothing_else(text):
    out = shown_block(text)
    assert UNSAFE.search(out.replace("\n", "").replace("\t", "")) is None
    assert out.count("\n") >= text.count("\n") - text.count("\r\n")


@settings(max_examples=300)
@given(hostile_text, st.integers(min_value=8, max_value=120))
def test_rich_draws_data_as_its_characters(text, width):
    for renderable in (data(text), block(text)):
        out = rendered(renderable, width)
        assert "\x1b" not in out  # no colour asked for, so no escape at all
    # every bracket of the data is drawn: markup is not parsed
    assert rendered(data(text), 10_000).count("[") == shown(text).count("[")


@settings(max_examples=200)
@given(st.lists(hostile_text, min_size=1, max_size=4))
def test_table_cells_are_data(cells):
    table = Table(show_header=False, box=None)
    for _ in cells:
        table.add_column(overflow="fold")
    add_row(table, *cells)
    out = rendered(table, 200)
    assert "\x1b" not in out
    assert out.count("[") == sum(shown(c).count("[") for c in cells)


def test_the_payloads_read_as_symbols():
    assert shown("a\x1b]52;c;ZXZpbA==\x07b") == "a␛]52;c;ZXZpbA==␇b"
    assert shown("\x9b2J") == "\\x9b2J"
    assert shown("evil\u202etxt.exe") == "evil\\u202etxt.exe"
    assert shown("one\r\n\ttwo") == "one two"
    assert shown("\ud800") == "\\ud800"
    assert shown_block("one\ntwo\x1b[2J") == "one\ntwo␛[2J"
    assert shown_tree({"a": ["x\x07"], "n": 1}) == {"a": ["x␇"], "n": 1}
    assert rendered(data("[@click=app.quit]quit[/]"), 80).strip() == "[@click=app.quit]quit[/]"


@settings(max_examples=200)
@given(st.recursive(
    st.one_of(hostile_text, st.integers(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(hostile_text, inner, max_size=3)),
    max_leaves=10,
))
def test_json_output_is_exact_and_encodable(value):
    text = encodable_json(json.dumps(value, ensure_ascii=False))
    text.encode("utf-8")
    assert json.loads(text) == value


@settings(max_examples=300)
@given(st.lists(hostile_text.map(shown).filter(bool), min_size=1, max_size=5),
       st.integers(min_value=20, max_value=120))
def test_the_crumb_fits_and_keeps_both_ends_of_the_current_screen(parts, width):
    out = fit_crumb(parts, width)
    assert cell_len(out) <= width
    last = parts[-1]
    if cell_len(last) > 4:
        # the current screen's first and last characters both stay in view
        assert out.endswith(last[-1]) and last[0] in out
