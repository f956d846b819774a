"""The console: five areas (Textual modes, each with its own back stack), data read in a worker
so the screen never waits on the network."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from .. import steps
from ..config import Config
from ..console.state import ConsoleState, Taken
from ..feed.events import (
    Event,
    FeedStopped,
    ReadFailed,
    SeenLoaded,
    SnapshotReady,
    StateUnavailable,
)
from ..feed.oneshot import OneShotFeed
from ..model import AlertStatus, Snapshot
from ..safe_text import shown, shown_block
from ..store.views import Views
from . import colour
from . import format as fmt
from .commands import JumpCommands
from .keymap import check_config, theme_names
from .messages import FeedEvent, Responded
from .navigation import Open, Target
from .screens.audit import AuditScreen
from .screens.base import AreaScreen
from .screens.help import HelpScreen
from .screens.registry import AREA_OF, AREAS, MODES, screen_for
from .terminal import Terminal
from .widgets.status import StatusLine

if TYPE_CHECKING:  # the SDKs load on first use, not before the first paint
    from ..actions.audit import AuditLog
    from ..azure.session import ArmSession
    from ..feed.live import LiveFeed
    from .respond import Responder

Loader = Callable[[], Awaitable[Snapshot]]
AGE_TICK_SECONDS = 1.0
# New data within this long of the last: the drill-down indexes wait until it settles (a large
# tenant's first read shows a snapshot a second, each regrouping 80,000 recommendations).
INDEX_SETTLE_SECONDS = 1.5
T = TypeVar("T")


class _StateField(Generic[T]):
    """An attribute of the app that is the console state's."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, app: ApiWatchApp | None, owner: type | None = None) -> T:
        if app is None:
            return self  # type: ignore[return-value]
        return getattr(app.state, self.name)

    def __set__(self, app: ApiWatchApp, value: T) -> None:
        setattr(app.state, self.name, value)


class ApiWatchApp(App[int]):
    TITLE = "apiwatch"
    SUB_TITLE = "Defender for APIs"
    AREAS = AREAS
    MODES = MODES  # type: ignore[assignment]
    DEFAULT_MODE = "overview"
    COMMANDS = App.COMMANDS | {JumpCommands}
    BINDINGS = [
        Binding("1", "area('overview')", "Overview", show=False, id="area.overview"),
        Binding("2", "area('collections')", "Collections", show=False, id="area.collections"),
        Binding("3", "area('alerts')", "Alerts", show=False, id="area.alerts"),
        Binding("4", "area('recommendations')", "Recs", show=False, id="area.recommendations"),
        Binding("5", "area('audit')", "Audit", show=False, id="area.audit"),
        Binding("e", "posture('exposed-unauth-sensitive')", "Exposed+PII", show=False,
                id="posture.exposed"),
        Binding("v", "posture('unauth-sensitive-no-vnet')", "No-VNet+PII", show=False,
                id="posture.no_vnet"),
        Binding("u", "posture('unencrypted-unauth')", "Unencrypted", show=False,
                id="posture.unencrypted"),
        Binding("i", "posture('inactive')", "Inactive", show=False, id="posture.inactive"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("W", "toggle_read_only", "Read-only", show=False, id="app.read_only"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt"),
    ]

    # What screens and tests read of the app is the state's (console/state.py).
    views = _StateField[Views | None]()
    version = _StateField[int]()
    marks = _StateField[set[str]]()
    read_only = _StateField[bool]()
    refreshing = _StateField[bool]()
    loading_error = _StateField[str | None]()
    seen_alerts = _StateField[set[str] | None]()

    def __init__(
        self,
        config: Config,
        *,
        loader: Loader | None = None,
        refresh_seconds: float | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        terminal: Terminal | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.loader = loader
        self._terminal = terminal  # None: the one Textual draws on, found at mount
        self._data_shown_at = float("-inf")
        self._indexing: Timer | None = None
        # With a loader (tests, screenshots) reads are one-shot on this interval; otherwise the
        # poller schedules every kind of data on its own.
        self.refresh_seconds = refresh_seconds or 0.0
        self.clock = clock
        self.state = ConsoleState(read_only=config.actions.read_only,
                                  notify_min_severity=config.ui.notify_min_severity)
        self.live: LiveFeed | OneShotFeed | None = None
        # Nothing moves unless asked for: animations cost frames on a slow SSH link.
        self.animation_level = "full" if config.ui.animations else "none"
        self._session: ArmSession | None = None
        self._responder: Responder | None = None
        self._audit: AuditLog | None = None
        self.theme = config.ui.theme
        if config.keymap:
            self.set_keymap(dict(config.keymap))

    # -- colour -----------------------------------------------------------------------------
    @property
    def palette(self) -> fmt.Palette:
        """How severities are drawn on this terminal with this theme."""
        return fmt.palette_for(no_color=self.no_color,
                               colour_system=self.console.color_system,
                               ansi=self.native_ansi_color, dark=self.current_theme.dark)

    def get_line_filters(self) -> list[LineFilter]:
        return colour.line_filters(super().get_line_filters(), no_color=self.no_color)

    def watch_theme(self, old: str, new: str) -> None:
        # Cells were styled for the old theme's palette (an ANSI theme draws with the
        # terminal's own colours): every screen draws its rows again.
        if self.views is not None and old != new:
            self.state.redraw()
            for screen in self._area_screens():
                screen.data_changed()

    # -- lifecycle --------------------------------------------------------------------------
    def on_mount(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hang_up)
        # One way for data in: a feed reports events, posted to this app's message queue.
        def on_event(event: Event) -> None:
            self.post_message(FeedEvent(event))

        if self.loader is None:
            from ..feed.live import LiveFeed

            self.live = LiveFeed(self.config.azure, self.config.polling, clock=self.clock,
                                 session=self.arm_session, on_event=on_event)
        else:
            self.live = OneShotFeed(self.loader, self.refresh_seconds, on_event)
        self.refreshing = True
        self.run_worker(self.live.run(), group="live")
        if self._terminal is None:
            self._terminal = Terminal(None) if self.is_headless else Terminal.of_stdin()
        self.set_interval(AGE_TICK_SECONDS, self._each_second)
        recovered = self.audit.recovered
        if recovered:
            self.notify(f"{recovered} action(s) of an earlier run ended with no known outcome: "
                        "see Audit (5).", severity="warning", timeout=10)

    def _each_second(self) -> None:
        # SIGHUP does not always come (see terminal.py): a terminal gone is seen here too.
        if self._terminal is not None and self._terminal.hung_up():
            self._hang_up()
            return
        # Ages on screen move with the clock, not only when a poll ends: a source failing for
        # ten minutes must not keep saying "just now". Redrawn only when the text changes.
        self._tick_ages()

    def _tick_ages(self) -> None:
        # A screen still composing, or taken down as the app closes, has no status line, and
        # the app closing may have no screen at all: a tick then has nothing to show, and must
        # not end the app.
        if self._exit or self.views is None or not self.screen_stack:
            return
        screen = self.screen
        if not isinstance(screen, AreaScreen):
            return
        with contextlib.suppress(NoMatches):
            screen.show_status()

    def _hang_up(self) -> None:
        """The SSH session or terminal went away: leave now, nobody is watching."""
        self.exit(0)

    def on_feed_event(self, message: FeedEvent) -> None:
        event = message.event
        if isinstance(event, SnapshotReady):
            self.loading_error = None
            self.show_snapshot(event.snapshot, event.views)
        elif isinstance(event, ReadFailed):
            self.loading_error = f"read failed: {event.message}"
            self.refreshing = False
            self._update_status()
        elif isinstance(event, SeenLoaded):
            self.seen_from_disk(set(event.seen), event.baseline)
        elif isinstance(event, StateUnavailable):
            what = "cannot be read" if event.damaged else "cannot be used now"
            self.notify(f"The state database {event.path} {what} ({event.reason}). This session "
                        "goes on without it: no more cache, and alerts seen are not kept."
                        + (" Move it aside to start afresh." if event.damaged else ""),
                        title="State not kept", severity="warning", timeout=30)
        elif isinstance(event, FeedStopped):  # the console stays up; the status line says why
            self.loading_error = f"live data stopped: {event.message}"
            self._update_status()

    async def on_unmount(self) -> None:
        if self.live is not None:
            await self.live.stop()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._audit is not None:
            self._audit.close()
            self._audit = None

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            from ..actions.audit import open_audit_log

            self._audit = open_audit_log()
        return self._audit

    @property
    def responder(self) -> Responder:
        if self._responder is None:
            from .respond import Responder

            self._responder = Responder(self, self.state, self.config, lambda: self.audit,
                                        self.arm_session)
        return self._responder

    async def arm_session(self) -> ArmSession:
        """One session for reads and writes, opened on first use."""
        if self._session is None:
            from ..azure.session import ArmSession

            session = ArmSession(self.config.azure)
            await session.__aenter__()
            self._session = session
        return self._session

    # -- what the responder asks of the console, and what it leaves to apply ---------------
    def ask(self, screen: Screen[Any]) -> Awaitable[Any]:
        return self.push_screen_wait(screen)

    def show(self, screen: Screen[Any]) -> Awaitable[Any]:
        return self.push_screen(screen)

    def say(self, text: str, severity: SeverityLevel = "information") -> None:
        self.notify(text, severity=severity)

    def on_responded(self, message: Responded) -> None:
        outcome = message.outcome
        if outcome.audit_changed:
            self.audit_changed()
        if outcome.alert_status is not None:
            ids, status = outcome.alert_status
            self.apply_alert_status(set(ids), status)
        if outcome.refresh_in == 0:
            self.action_refresh()
        elif outcome.refresh_in is not None:
            self.set_timer(outcome.refresh_in, self.action_refresh)

    def audit_changed(self) -> None:
        for screen in self._area_screens():
            if isinstance(screen, AuditScreen):
                screen.version = -1
                screen.data_changed()

    def action_toggle_read_only(self) -> None:
        self.read_only = not self.read_only
        self.notify("Read-only: writes are off." if self.read_only
                    else "Writes are on: actions confirm before they send.",
                    severity="warning" if not self.read_only else "information")
        self.refresh_bindings()
        self._update_status()

    def apply_alert_status(self, ids: set[str], status: AlertStatus) -> None:
        """Show a state change at once, before the next read confirms it."""
        changed = self.state.with_alert_status(ids, status)
        if changed is not None:
            self.show_snapshot(changed)

    # -- data -------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.live is None:
            return
        if self.loader is None:  # the live feed: every source polled now
            self.notify("Refreshing every source now.", timeout=2)
        elif self.refreshing:  # a whole-tenant read is under way
            return
        else:
            self.refreshing = True
            self._update_status()
        self.live.refresh_now()

    def show_snapshot(self, snapshot: Snapshot, views: Views | None = None) -> None:
        """Show a snapshot; `views`, when given, were built (and warmed) over this snapshot."""
        if self._exit:
            return
        shown = self.state.take(snapshot, views)
        if shown.baseline:
            self._remember_seen(list(shown.baseline))
        if shown.taken is Taken.FRESHER:
            self._schedule_indexes(snapshot, news=False)  # the last one's may not have run
            for screen in self._area_screens():
                screen.status_changed()
            self._update_status()
            return
        if shown.announcement:
            self._say_new_alerts(shown.announcement)
        self._update_title()
        for screen in self._area_screens():
            screen.data_changed()
        self._update_status()
        self._schedule_indexes(snapshot, news=True)

    def _schedule_indexes(self, snapshot: Snapshot, news: bool) -> None:
        now = time.monotonic()
        settling = now - self._data_shown_at < INDEX_SETTLE_SECONDS
        if news:
            self._data_shown_at = now
        if self._indexing is not None:
            self._indexing.stop()
            self._indexing = None
        if settling:
            self._indexing = self.set_timer(INDEX_SETTLE_SECONDS,
                                            lambda: self._build_indexes(snapshot))
        else:
            self.call_after_refresh(self._build_indexes, snapshot)

    def _build_indexes(self, snapshot: Snapshot) -> None:
        """Once the new data is drawn, the drill-down's indexes are built in slices while the
        screen waits for keys; a newer snapshot's build replaces this one's."""
        if (self.views is not None and self.views.snapshot is snapshot and not self._exit
                and not snapshot.indexed):
            self.run_worker(steps.run_on_loop(snapshot.index_steps(), lane="indexes"),
                            group="indexes", exclusive=True)

    def _say_new_alerts(self, text: str) -> None:
        """Toast, bell and (if asked) a desktop notification for new alerts."""
        self.notify(text, title="apiwatch", severity="warning", timeout=8)
        if self.config.ui.bell:
            self.bell()
        self._desktop_notify(text)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast is text, never markup: most name something from Azure (a new alert, an
        API), and markup there ran actions (`[@click=app.quit]`) or crashed the console."""
        super().notify(shown_block(message), title=shown(title), severity=severity,
                       timeout=timeout, markup=False)

    def _desktop_notify(self, text: str) -> None:
        kind = self.config.ui.desktop_notifications
        driver = getattr(self, "_driver", None)
        if kind == "off" or driver is None:
            return
        clean = "".join(c for c in text if c.isprintable() and c not in ";\x1b")[:200]
        sequence = (f"\x1b]9;{clean}\x07" if kind == "osc9"
                    else f"\x1b]777;notify;apiwatch;{clean}\x07")
        driver.write(sequence)

    def seen_from_disk(self, seen: set[str], baseline: bool) -> None:
        self.state.seen_from_disk(seen, baseline)

    def _remember_seen(self, ids: list[str]) -> None:
        if self.live is not None:
            self.live.mark_seen(ids)

    def _area_screens(self) -> Iterable[AreaScreen]:
        return [s for s in self.screen_stack if isinstance(s, AreaScreen)]

    def _update_status(self) -> None:
        if not self.screen_stack:  # shutting down: nothing left to draw on
            return
        for status in self.screen.query(StatusLine):
            status.update_status()

    # -- alerts seen / new ------------------------------------------------------------------
    def unseen_alerts(self) -> set[str]:
        return self.state.unseen_alerts()

    @property
    def unseen_alert_count(self) -> int:
        return self.state.unseen_alert_count

    def mark_alerts_seen(self, ids: Iterable[str] | None = None) -> None:
        self._remember_seen(self.state.mark_seen(ids))
        self._update_title()

    def _update_title(self) -> None:
        self.title = self.state.title

    @classmethod
    def available_theme_names(cls) -> set[str]:
        return theme_names()

    # -- navigation -------------------------------------------------------------------------
    def action_area(self, area: str) -> None:
        if self.current_mode != area:
            self.switch_mode(area)

    def action_posture(self, query_id: str) -> None:
        self.open(Target("posture", query_id))

    def action_help(self) -> None:
        shown = [(self.get_key_display(a.binding), a.binding)
                 for a in self.active_bindings.values()]
        self.push_screen(HelpScreen(shown))

    def on_open(self, message: Open) -> None:
        self.open(message.target)

    def open(self, target: Target) -> None:
        """The one place that knows which screen shows what."""
        if target.in_its_area and target.kind in AREA_OF:
            self.action_area(AREA_OF[target.kind])
        self.push_screen(screen_for(target))


def run_console(config: Config) -> int:
    check_config(config)
    app = ApiWatchApp(config)
    app.run()
    return app.return_code or 0
