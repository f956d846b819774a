"""How values look on screen: short, aligned, readable without colour (NO_COLOR)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from ..console.words import API_SOURCES as API_SOURCES  # said in words below the console,
from ..console.words import KINDS_LOADED as KINDS_LOADED  # re-exported for the screens
from ..console.words import age as age
from ..console.words import kinds_loading as kinds_loading
from ..console.words import still_loading as still_loading
from ..model import AlertStatus, Health, Severity
from ..safe_text import shown


@dataclass(frozen=True, slots=True)
class Palette:
    """How severities are drawn on one kind of terminal. The colours a theme gives do not
    survive everywhere: under NO_COLOR only bold and reverse are left, and on a 16-colour
    terminal Textual's theme red comes out magenta. Each palette keeps High the most prominent
    and the order readable without the colour."""

    name: str
    high: str
    medium: str
    low: str
    info: str = ""
    unknown: str = "bold magenta"

    def severity_style(self, value: Severity) -> str:
        if value in (Severity.HIGH, Severity.CRITICAL):
            return self.high
        if not value.known or value is Severity.UNKNOWN_SEVERITY:
            return self.unknown
        return {Severity.MEDIUM: self.medium, Severity.LOW: self.low}.get(value, self.info)

    def severity(self, value: Severity) -> Text:
        label = "Info" if value is Severity.INFORMATIONAL else value.value
        return Text(label, style=self.severity_style(value))


# 256 colours and more: the theme's own colours (Textual maps the names onto the theme); on a
# light theme its red, yellow and cyan are hard to read (contrast 2.9, 1.9, 2.7): darker ones.
FULL_COLOUR = Palette("full", high="bold red", medium="yellow", low="cyan")
FULL_LIGHT = Palette("full-light", high="bold #af0000", medium="#7a5200", low="#005f87")
# No colour (NO_COLOR, or a terminal without any): attributes only, in order.
NO_COLOUR = Palette("none", high="bold reverse", medium="bold", low="", unknown="bold underline")
# 16 colours: named colours would be mapped onto the theme and back (its red came out magenta,
# its yellow bright red), so these are the 16 themselves: High a red badge, Low plain (the
# cursor row is cyan there).
BASIC_DARK = Palette("basic-dark", high="bold #ffffff on #aa0000", medium="bold #aa5500",
                     low="", unknown="bold #aa00aa")
BASIC_LIGHT = Palette("basic-light", high="bold #ffffff on #aa0000", medium="bold", low="",
                      unknown="bold #aa00aa")
# An ANSI theme draws with the terminal's own palette: yellow on a light one is unreadable.
ANSI_DARK = Palette("ansi-dark", high="bold white on red", medium="bold yellow", low="cyan")
ANSI_LIGHT = Palette("ansi-light", high="bold white on red", medium="bold", low="blue")


def palette_for(*, no_color: bool, colour_system: str | None, ansi: bool, dark: bool) -> Palette:
    """The palette for the terminal and theme the console draws on (`colour_system` as Rich
    names it: None, "standard", "windows", "256" or "truecolor")."""
    if no_color or colour_system is None:
        return NO_COLOUR
    if ansi:
        return ANSI_DARK if dark else ANSI_LIGHT
    if colour_system in ("standard", "windows"):
        return BASIC_DARK if dark else BASIC_LIGHT
    return FULL_COLOUR if dark else FULL_LIGHT


def severity(value: Severity, palette: Palette = FULL_COLOUR) -> Text:
    return palette.severity(value)


HEALTH_STYLE = {Health.UNHEALTHY: "bold red", Health.HEALTHY: "green"}


def health(value: Health) -> Text:
    """Shared per value: a table of 40,000 endpoints holds five distinct cells, not 40,000.
    The table copies a cell before styling it, so sharing is safe."""
    cell = _HEALTH_CELLS.get(value)
    if cell is None:
        label = {Health.NOT_APPLICABLE: "n/a", Health.UNKNOWN_HEALTH: "unknown"}.get(
            value, value.value)
        cell = _HEALTH_CELLS[value] = Text(
            label, style=HEALTH_STYLE.get(value, "" if value.known else "magenta"))
    return cell


_HEALTH_CELLS: dict[Health, Text] = {}


def status(value: AlertStatus) -> Text:
    label = {AlertStatus.IN_PROGRESS: "In progress"}.get(value, value.value)
    return Text(label, style="" if value.known else "magenta")


def flag(value: bool | None, label: str) -> str:
    """A yes/no/unknown cell; the word, not just a glyph, so it reads without colour."""
    if value is None:
        return "?"
    return label if value else "-"


def count(value: int | None) -> str:
    return "?" if value is None else str(value)


def when(value: datetime | None) -> str:
    """Compact absolute UTC time for lists: the same on every screen and every clock."""
    if value is None:
        return "-"
    return value.astimezone(timezone.utc).strftime("%m-%d %H:%M")


def stamp(value: datetime | None) -> str:
    """Full UTC time for detail views."""
    if value is None:
        return "-"
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


NOT_ONBOARDED_STYLE = "italic yellow"


def not_onboarded(name: str, service: str | None = None) -> Text | Squeezed:
    """An API Defender does not watch; `service` tells it from others of the same name."""
    if service:
        return Squeezed(shown(f"{name} (not onboarded, "), shown(service), ")",
                        NOT_ONBOARDED_STYLE)
    return Text(shown(f"{name} (not onboarded)"), style=NOT_ONBOARDED_STYLE)


@dataclass(frozen=True, slots=True)
class Squeezed:
    """A table cell whose middle gives way first in a narrow column: a name, the APIM service
    that tells it from its namesakes, what closes it. The end of a service's name is what
    differs ('apim-contoso-prod-weu-01' and '-02'): cutting the cell's end, as every other
    cell is, made the two rows read the same."""

    head: str
    middle: str
    tail: str = ""
    style: str = ""

    def __str__(self) -> str:
        return self.head + self.middle + self.tail

    def fit(self, width: int) -> Text:
        full = str(self)
        room = width - cell_len(self.head) - cell_len(self.tail)
        if cell_len(full) <= width or room < 7:
            return Text(full, style=self.style)  # too narrow even so: the end is cut
        return Text(self.head + middle_cut(self.middle, room) + self.tail, style=self.style)


def services_where_names_repeat(
    items: Iterable[tuple[str, str, str | None, str]],
) -> dict[str, str]:
    """key -> what to show beside a display name that more than one (key, name, APIM service,
    subscription) has: Defender names collections by display name alone, and a tenant has
    two 'Shipping API's, one per stage. The service, and the subscription too when even that
    repeats (services of the same name in two subscriptions)."""
    listed = list(items)
    names = Counter(name.casefold() for _, name, _, _ in listed)
    pairs = Counter((name.casefold(), (service or "").casefold()) for _, name, service, _ in listed)
    told: dict[str, str] = {}
    for key, name, service, subscription in listed:
        if names[name.casefold()] < 2:
            continue
        where = service or "?"
        if pairs[(name.casefold(), (service or "").casefold())] > 1:
            where = f"{where}, {subscription}"
        told[key] = where
    return told


def named(name: str, told: dict[str, str], key: str) -> str | Squeezed:
    """A display name, with its service where the name repeats (see above)."""
    where = told.get(key)
    return Squeezed(shown(f"{name} ("), shown(where), ")") if where else name


CRUMB_SEPARATOR = " › "


def fit_crumb(parts: Sequence[str], width: int) -> str:
    """The crumb in `width` cells: the parts before the last give way first (to '…'), then the
    last is cut in its middle, so both its start and its end stay readable."""
    full = CRUMB_SEPARATOR.join(parts)
    if width <= 0 or cell_len(full) <= width or not parts:
        return full
    head, last = list(parts[:-1]), parts[-1]
    # Keep the area (the first part) as long as it fits, eliding the parts between.
    for kept in ([head[0], "…"] if len(head) > 1 else head, ["…"] if head else []):
        text = CRUMB_SEPARATOR.join([*kept, last])
        if cell_len(text) <= width:
            return text
    prefix = ""
    if head:
        area = head[0] + CRUMB_SEPARATOR + ("…" + CRUMB_SEPARATOR if len(head) > 1 else "")
        prefix = area if width - cell_len(area) >= 16 else "…" + CRUMB_SEPARATOR
    room = width - cell_len(prefix)
    if room < 5:
        return set_cell_size(full, width)
    return prefix + middle_cut(last, room)


def middle_cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    left = width // 2
    right = width - 1 - left
    end = set_cell_size(text[::-1], right)[::-1] if right > 0 else ""
    return set_cell_size(text, left) + "…" + end
