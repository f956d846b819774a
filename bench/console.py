"""The console, headless with Textual's Pilot: first paint, `/` filtering over every endpoint,
opening a collection, paging, and idle cost. Times are taken when a frame is composed: the
probe wraps `App._display` (called with each compositor update, headless or not) and stamps it.
Headless, Textual skips only the last step, encoding the update to terminal bytes; the idle
figure does that encoding itself to count the bytes a terminal would receive."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from common import Timer, clock, percentile
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static, Tabs

from apiwatch.config import Config
from apiwatch.model import Snapshot
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.base import AreaScreen
from apiwatch.tui.screens.inventory import CollectionsScreen, EndpointsScreen, endpoint_rows
from apiwatch.tui.widgets.table import ResourceTable

SIZE = (120, 40)
WAIT_LIMIT = 120.0  # seconds before a wait gives up (the figure is then reported as missing)


class AllEndpointsScreen(EndpointsScreen):
    """apiwatch's endpoints screen (same table, columns, rows and filter), over every endpoint
    of the tenant. apiwatch has no such screen: an API's screen holds ~20 endpoints and no
    posture query matches them all, so the bench gives the screen every endpoint itself."""

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        self.crumb_title = "All endpoints (bench)"
        self.query_one(ResourceTable).set_rows(endpoint_rows(views.endpoints))
        self._sync_crumb()


class Bare(App[None]):
    """The floor: a Textual app with one static line."""

    def compose(self) -> ComposeResult:
        yield Static("apiwatch bench: one static line")


class StockChrome(App[None]):
    """Not a floor but a reference: Textual's own Header, Tabs and Footer (with five key
    bindings) around the same line, the least a console with a keyboard's worth of areas
    shows. What it costs over `Bare` is Textual's, before any of ours."""

    BINDINGS = [("q", "quit", "Quit"), ("r", "refresh", "Refresh"), ("slash", "filter", "Filter"),
                ("1", "area", "Overview"), ("2", "area", "Collections")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tabs("Overview", "Collections", "Endpoints", "Recommendations", "Alerts")
        yield Static("apiwatch bench: one static line")
        yield Footer()


@dataclass
class FrameProbe:
    """Stamps every frame the app composes; optionally counts the terminal bytes of each."""

    app: App[Any]
    ready: Callable[[], bool] = lambda: True
    frames: list[float] = field(default_factory=list)
    first_ready: float | None = None
    count_bytes: bool = False
    frame_bytes: int = 0
    write_bytes: int = 0

    def __post_init__(self) -> None:
        original = self.app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            self.frames.append(now)
            if self.first_ready is None and self.ready():
                self.first_ready = now
            if self.count_bytes and hasattr(renderable, "render_segments"):
                self.frame_bytes += len(renderable.render_segments(self.app.console).encode())

        self.app._display = display  # type: ignore[method-assign]

    def wrap_driver(self) -> None:
        driver = self.app._driver
        if driver is None:
            return
        write = driver.write

        def counted(data: str) -> None:
            if self.count_bytes:
                self.write_bytes += len(data.encode())
            write(data)

        driver.write = counted  # type: ignore[method-assign]


def make_app(snapshot: Snapshot) -> ApiWatchApp:
    fresh = replace(snapshot, from_cache=True)  # a new instance: no cached properties carried over

    async def loader() -> Snapshot:
        return fresh

    return ApiWatchApp(Config(), loader=loader, clock=clock, refresh_seconds=3600)


def data_on_screen(app: ApiWatchApp) -> bool:
    screen = app.screen
    return (app.views is not None and isinstance(screen, AreaScreen)
            and screen.version == app.version)


async def _until(pilot: Any, condition: Callable[[], bool], limit: float = WAIT_LIMIT) -> bool:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await pilot.pause(0.002)
    return True


# -- first paint ----------------------------------------------------------------------------

async def first_paint_apiwatch(snapshot: Snapshot) -> tuple[float, float]:
    """(first frame with the tenant's data on it, first frame of any kind), in seconds."""
    app = make_app(snapshot)
    probe = FrameProbe(app, ready=lambda: data_on_screen(app))
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        ok = await _until(pilot, lambda: probe.first_ready is not None)
        await app.workers.wait_for_complete()
    if not ok or probe.first_ready is None:
        return float("nan"), float("nan")
    return probe.first_ready - start, probe.frames[0] - start


async def first_paint_bare(app_class: type[App[None]] = Bare) -> float:
    app = app_class()
    probe = FrameProbe(app, ready=lambda: bool(app.screen.query(Static)))
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        ok = await _until(pilot, lambda: probe.first_ready is not None)
    return probe.first_ready - start if ok and probe.first_ready else float("nan")


# -- interaction ----------------------------------------------------------------------------

@dataclass
class Interaction:
    keystrokes_ms: list[float] = field(default_factory=list)
    word: str = ""
    rows: int = 0
    rows_after: int = 0
    open_collection_ms: float = float("nan")
    pagedown_collections_ms: list[float] = field(default_factory=list)
    pagedown_endpoints_ms: list[float] = field(default_factory=list)
    all_endpoints_open_ms: float = float("nan")
    filter_rebuild_ms: list[float] = field(default_factory=list)  # inside set_filter only


async def _press_until_frame(pilot: Any, probe: FrameProbe, key: str,
                             done: Callable[[], bool]) -> float:
    """ms from the key press to the first frame composed while `done()` holds (checked as each
    frame is composed, so the frame that first shows the change is the one stamped)."""
    probe.ready, probe.first_ready = done, None
    start = time.perf_counter()
    await pilot.press(key)
    if not await _until(pilot, lambda: probe.first_ready is not None):
        return float("nan")
    assert probe.first_ready is not None
    return (probe.first_ready - start) * 1000


async def _pagedowns(pilot: Any, probe: FrameProbe, table: ResourceTable, n: int) -> list[float]:
    out = []
    for _ in range(n):
        before = table.cursor_row
        out.append(await _press_until_frame(pilot, probe, "pagedown",
                                            lambda b=before: table.cursor_row != b))
    return out


async def interaction(snapshot: Snapshot, word: str, pagedowns: int = 5) -> Interaction:
    app = make_app(snapshot)
    probe = FrameProbe(app)
    out = Interaction(word=word)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: data_on_screen(app))
        await pilot.pause(0.2)

        # Collections area: open one collection (Enter), back, then page down.
        await pilot.press("2")
        await _until(pilot, lambda: isinstance(app.screen, CollectionsScreen)
                     and data_on_screen(app))
        await pilot.pause(0.2)
        out.open_collection_ms = await _press_until_frame(
            pilot, probe, "enter",
            lambda: isinstance(app.screen, EndpointsScreen) and data_on_screen(app))
        await pilot.press("escape")
        await _until(pilot, lambda: not isinstance(app.screen, EndpointsScreen))
        await pilot.pause(0.2)
        collections = app.screen.query_one(ResourceTable)
        collections.focus()
        await pilot.pause()
        out.pagedown_collections_ms = await _pagedowns(pilot, probe, collections, pagedowns)

        # Every endpoint in apiwatch's endpoints table.
        probe.first_ready = None
        probe.ready = lambda: isinstance(app.screen, AllEndpointsScreen) and data_on_screen(app)
        start = time.perf_counter()
        app.push_screen(AllEndpointsScreen())
        if await _until(pilot, lambda: probe.first_ready is not None):
            assert probe.first_ready is not None
            out.all_endpoints_open_ms = (probe.first_ready - start) * 1000
        table = app.screen.query_one(ResourceTable)
        out.rows = len(table.visible_rows)
        table.focus()
        await pilot.pause(0.2)
        out.pagedown_endpoints_ms = await _pagedowns(pilot, probe, table, pagedowns)

        set_filter = table.set_filter

        def timed_set_filter(text: str) -> None:
            began = time.perf_counter()
            set_filter(text)
            out.filter_rebuild_ms.append((time.perf_counter() - began) * 1000)

        table.set_filter = timed_set_filter  # type: ignore[method-assign]
        # `/` then the word, one key at a time: each key until the table shows the new filter.
        await pilot.press("slash")
        await pilot.pause(0.2)
        for i, char in enumerate(word):
            typed = word[: i + 1].casefold()
            out.keystrokes_ms.append(await _press_until_frame(
                pilot, probe, char, lambda t=typed: table.filter.needle == t))
        out.rows_after = len(table.visible_rows)
    return out


# -- idle -----------------------------------------------------------------------------------

@dataclass
class Idle:
    seconds: float
    cpu_thread: float
    cpu_process: float
    frames: int
    frame_bytes: int
    write_bytes: int

    def per_minute(self, value: float) -> float:
        return value * 60 / self.seconds


async def idle(snapshot: Snapshot, seconds: float) -> Idle:
    app = make_app(snapshot)
    probe = FrameProbe(app)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: data_on_screen(app))
        await app.workers.wait_for_complete()
        await pilot.pause(1.0)  # let the first paint and its follow-ups settle
        return await sit(probe, seconds)


async def sit(probe: FrameProbe, seconds: float) -> Idle:
    """Do nothing for `seconds`, counting frames, terminal bytes and CPU."""
    probe.wrap_driver()
    before = len(probe.frames)
    probe.count_bytes = True
    with Timer() as timer:
        await asyncio.sleep(seconds)
    probe.count_bytes = False
    return Idle(timer.wall, timer.cpu_thread, timer.cpu_process, len(probe.frames) - before,
                probe.frame_bytes, probe.write_bytes)


def p(values: list[float], q: float) -> float:
    return percentile([v for v in values if v == v], q)
