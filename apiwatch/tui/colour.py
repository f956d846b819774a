"""Colour as the terminal allows it."""

from __future__ import annotations

from collections.abc import Iterable

from textual.filter import LineFilter, Monochrome, NoColor

# NO_COLOR means no colour at all. Textual's own answer (Monochrome) still sends greys, drew a
# High in grey 237 on 233, and turns an ANSI theme's default colours to black on black.
_NO_COLOR_FILTER = NoColor()


def line_filters(filters: Iterable[LineFilter], *, no_color: bool) -> list[LineFilter]:
    kept = list(filters)
    if not no_color:
        return kept
    return [*(f for f in kept if not isinstance(f, (Monochrome, NoColor))), _NO_COLOR_FILTER]
