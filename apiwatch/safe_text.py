"""The one boundary between text from Azure and a terminal: what an attacker wrote into an alert
(a User-Agent, a URL, an API's name from a compromised publisher) is shown as the characters it
is, never as a control sequence the terminal obeys.

Control characters (C0, DEL and the 8-bit C1 set) are drawn visibly: ESC as `␛`, C1 as `\\x9b`,
so an OSC 52 clipboard write or a CSI screen clear reads as text instead of acting. Bidi controls
(which make a line read differently than it is) and lone surrogates (which cannot be encoded) are
written as `\\u202e`. In a single line, line breaks and tabs collapse to one space, so a name
cannot cut a table row or spread a picker entry over three lines.

Markup is the other half: the console passes such text as Rich `Text` / Textual `Content`, never
as a markup string (see `apiwatch.tui.text`). JSON output is not passed through here: its encoder
escapes every control character exactly."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Line breaks and tabs of every kind, collapsed in single-line text.
_SPACING = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE_CLASS = (
    "\x00-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029\ud800-\udfff"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_LINE_UNSAFE = re.compile(f"[{re.escape(_SPACING)}]+|[{_UNSAFE_CLASS}]")
_BLOCK_SPACING = frozenset("\n\t")


def _picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ ␀ ␇ …
    if code == 0x7F:
        return "␡"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def shown(text: str) -> str:
    """One line of text from Azure, safe to draw: no control character, no line break."""
    if _UNSAFE.search(text) is None:  # the usual case: nothing to do, and no copy
        return text
    return _LINE_UNSAFE.sub(_line_sub, text)


def shown_block(text: str) -> str:
    """Several lines of text from Azure (a description, remediation steps): line breaks and tabs
    kept as layout, every other control character drawn visibly."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_block_sub, text.replace("\r\n", "\n"))


def _line_sub(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] in _SPACING:
        return " "
    return _picture(found)


def _block_sub(match: re.Match[str]) -> str:
    found = match.group()
    if found in _BLOCK_SPACING:
        return found
    if found == "\r":
        return "\n"
    return _picture(found)


def shown_tree(value: Any) -> Any:
    """Every string in a JSON-like value made safe (single line), for text output built from it."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, Mapping):
        return {k: shown_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown_tree(v) for v in value]
    return value


# What `json.dumps(ensure_ascii=False)` leaves raw that a terminal obeys or no stream can carry:
# DEL, the C1 set (8-bit CSI, OSC...), bidi controls, line separators, lone surrogates.
_JSON_UNSAFE = re.compile("[\x7f-\x9f" + _BIDI + "\u2028\u2029\ud800-\udfff]")


def encodable_json(text: str) -> str:
    """JSON text as `json.dumps(ensure_ascii=False)` wrote it, with every character a terminal
    would obey (C1, bidi) or no UTF-8 stream can carry (a lone surrogate) written as its JSON
    escape: the same value, still exact, and safe to print to a terminal."""
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
