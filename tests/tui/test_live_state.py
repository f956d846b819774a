"""What survives a restart: seen alerts, and the last snapshot for an instant start; and how new
alerts are announced."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from apiwatch.config import Config, PollingSettings, UiSettings
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.feed.live import FRESHNESS_SECONDS
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.widgets.status import StatusLine

from ..conftest import until
from .conftest import FROZEN


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(now=FROZEN)) as emulator:
        yield emulator


def console(emu, **ui) -> ApiWatchApp:
    azure = Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                                ca_bundle=Path(emu.ca_path), retries=0).azure
    return ApiWatchApp(Config(azure=azure, polling=PollingSettings(0.2, 1.0, 1.0),
                              ui=UiSettings(**ui)))




def status(app) -> str:
    content = app.screen.query_one(StatusLine).content
    return content.plain if isinstance(content, Text) else str(content)


def first_look(app, emu) -> bool:
    """Every alert read and the first look taken (its baseline waits for every subscription)."""
    return bool(app.views and len(app.views.snapshot.alerts) == total(emu)
                and app.seen_alerts is not None)


def total(emu) -> int:
    return sum(len(s.alerts) for s in emu.tenant.subscriptions if s.readable)


async def test_new_alerts_toast_ring_and_count_in_title_and_status(emu):
    app = console(emu, desktop_notifications="osc9")
    rings, toasts, written = [], [], []
    app.bell = lambda: rings.append(1)
    original_notify = app.notify

    def notify(message, **kw):
        toasts.append(message)
        return original_notify(message, **kw)

    app.notify = notify
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: first_look(app, emu))
        assert app.unseen_alert_count == 0 and not rings  # the first look is the baseline
        app._driver.write = written.append
        new = await emu.add_alerts(2)
        await until(pilot, lambda: app.unseen_alert_count == 2)
        assert app.title == "apiwatch (2 new)"
        assert "2 new alert(s)" in status(app)
        # one toast and ring per poll that brought news: both alerts may come in one or two polls
        assert 1 <= len(rings) <= 2 and len(toasts) == len(rings)
        assert "2 new alerts" in toasts[0] or len(toasts) == 2
        assert any(w.startswith("\x1b]9;") and w.endswith("\x07") for w in written)
        assert {a.id.lower() for a in new} == app.unseen_alerts()


async def test_an_alert_listed_without_severity_is_announced_whatever_the_floor(emu):
    """The alert list's other shape has no severity: such an alert must not fall silently under
    notify_min_severity; the toast says its severity was not given."""
    emu.faults.add("pascal-alerts", count=None, match=r"/providers/Microsoft\.Security/alerts")
    app = console(emu, notify_min_severity="High")
    toasts = []
    original_notify = app.notify

    def notify(message, **kw):
        toasts.append(message)
        return original_notify(message, **kw)

    app.notify = notify
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: first_look(app, emu))
        await emu.add_alerts(1)
        await until(pilot, lambda: app.unseen_alert_count == 1)
        await until(pilot, lambda: any("new" in t.lower() for t in toasts), what="the toast")
        assert any("severity not given" in t for t in toasts), toasts


async def test_seen_survives_a_restart_and_alerts_raised_while_away_are_new(emu):
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: first_look(app, emu))
        await emu.add_alerts(1)
        await until(pilot, lambda: app.unseen_alert_count == 1)
        await pilot.press("3", "1")  # look at the alerts, leave: seen
        await pilot.pause()
        assert app.unseen_alert_count == 0
    away = await emu.add_alerts(2)  # raised while nobody was watching

    again = console(emu)
    async with again.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: first_look(again, emu))
        assert again.unseen_alerts() == {a.id.lower() for a in away}


async def cache_the_tenant(emu):
    """Run the console until the tenant is read and cached; the snapshot it showed."""
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views and app.views.snapshot.recommendations
                    and len(app.views.snapshot.alerts) == total(emu))
        await pilot.pause(0.5)  # let the cache writes land
    return app.views.snapshot


async def test_instant_start_from_the_cache_marked_stale(emu):
    collections = len((await cache_the_tenant(emu)).collections)
    await emu.stop()  # Azure unreachable: only the cache can fill the screen
    cold = console(emu)
    async with cold.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: cold.views is not None, timeout=5)
        snap = cold.views.snapshot
        assert snap.from_cache and len(snap.collections) == collections
        assert len(snap.alerts) == total(emu)
        assert "cached" in status(cold) or "stale" in status(cold)
        await until(pilot, lambda: cold.views.snapshot.failures)  # the outage is shown too
        assert len(cold.views.snapshot.collections) == collections  # and the data kept
    await emu.start()


async def test_the_cache_opens_what_the_overview_counts_first_and_says_what_is_to_come(emu):
    recommendations = len((await cache_the_tenant(emu)).recommendations)
    await emu.stop()  # only the cache can fill the screen
    cold = console(emu)
    shown: list[tuple[int, int, str]] = []
    show = cold.show_snapshot

    def watched(snapshot, views=None):
        show(snapshot, views)
        shown.append((len(snapshot.alerts), len(snapshot.recommendations), status(cold)))

    cold.show_snapshot = watched
    async with cold.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(shown) >= 2, timeout=10)
    await emu.start()
    (alerts, recs, line), (_, recs_after, line_after) = shown[:2]
    assert alerts == total(emu) and recs == 0  # the Overview's counts first
    listed = len(emu.tenant.subscriptions)  # (one refuses reads: cached as failing)
    assert line.endswith(f"loading recommendations 0/{listed}, insights")
    assert recs_after == recommendations and "loading" not in line_after


async def test_a_quiet_tenant_costs_no_rebuilds_and_no_cache_rewrites(emu):
    """Polls that change nothing move only the freshness: the screens keep their rows (and the
    cursor), the cache keeps its JSON; one new alert then rebuilds and is written."""
    from apiwatch.store.state_db import open_state_db
    from apiwatch.tui.widgets.table import ResourceTable

    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views and not app.views.snapshot.from_cache
                    and len(app.views.snapshot.alerts) == total(emu))
        await pilot.press("3")  # the alerts table, cursor moved down
        await pilot.press("j", "j")
        await pilot.pause(0.5)
        table = app.screen.query_one(ResourceTable)
        version, rows, cursor = app.version, table.rows_all, table.cursor_row
        alerts_read = app.live.poller.cycles["alerts"]
        fetched = max(h.fetched_at for h in app.views.snapshot.health
                      if h.source == "alerts" and h.fetched_at)
        await until(pilot, lambda: app.live.poller.cycles["alerts"] >= alerts_read + 3)

        def alerts_fetched():
            return max(h.fetched_at for h in app.views.snapshot.health
                       if h.source == "alerts" and h.fetched_at)

        # the status line's "alerts Ns ago" still moves, a few seconds later at most
        await until(pilot, lambda: alerts_fetched() > fetched, timeout=FRESHNESS_SECONDS + 5,
                    what="freshness shown")
        assert app.version == version and table.rows_all is rows and table.cursor_row == cursor
        db = open_state_db()
        try:
            cached = {(s, sub): when for s, sub, when, _, _ in db.cached_sources(app.live.profile)}
        finally:
            db.close()
        assert max(w for (s, _), w in cached.items() if s == "alerts") > fetched

        new = await emu.add_alerts(1)
        await until(pilot, lambda: app.version > version)
        assert new[0].id.lower() in app.views.alert_keys


async def quiet_polls_waiting_to_be_shown(pilot, app, emu, monkeypatch) -> None:
    """The live console settled on the tenant, then quiet alert polls whose freshness waits
    (for 10 minutes here) to be shown."""
    monkeypatch.setattr("apiwatch.feed.live.FRESHNESS_SECONDS", 600.0)
    await until(pilot, lambda: app.views and not app.views.snapshot.from_cache
                and len(app.views.snapshot.alerts) == total(emu))
    alerts_read = app.live.poller.cycles["alerts"]
    await until(pilot, lambda: app.live.poller.cycles["alerts"] >= alerts_read + 2)
    await until(pilot, lambda: app.live._publishing is not None
                and not app.live._publishing_news, what="a freshness-only publish waiting")


async def test_news_is_not_held_back_behind_a_quiet_polls_freshness(emu, monkeypatch):
    """Quiet polls publish their freshness lazily; a new alert read meanwhile shows at once."""
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await quiet_polls_waiting_to_be_shown(pilot, app, emu, monkeypatch)
        version = app.version
        new = await emu.add_alerts(1)
        await until(pilot, lambda: app.version > version, timeout=15, what="the new alert")
        assert new[0].id.lower() in app.views.alert_keys


async def test_r_shows_the_fresh_reads_at_once_even_when_nothing_changed(emu, monkeypatch):
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await quiet_polls_waiting_to_be_shown(pilot, app, emu, monkeypatch)
        shown = app.views.snapshot
        await pilot.press("r")
        # the store read everything again, and the screen shows those reads' times
        await until(pilot, lambda: app.views.snapshot is not shown
                    and app.views.snapshot.taken_at > shown.taken_at, timeout=15,
                    what="the asked-for refresh shown")


async def test_a_restart_reads_unchanged_pages_without_decoding_them(emu, monkeypatch):
    """The cache keeps which pages each source was read from: after a restart, a source whose
    pages are byte for byte the same is not decoded again, and keeps what the cache gave."""
    from apiwatch.feed.live import LiveFeed

    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: first_look(app, emu))
        await pilot.pause(0.5)  # let the cache writes land

    reads = []
    keep = LiveFeed._cache
    monkeypatch.setattr(LiveFeed, "_cache", lambda self, read: (reads.append(read),
                                                                keep(self, read))[1])
    again = console(emu)
    async with again.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: again.views and again.views.snapshot.from_cache)
        cached = again.views.snapshot.alerts
        subs = {s.subscription_id.lower() for s in emu.tenant.subscriptions if s.readable}
        await until(pilot, lambda: subs <= {(r.subscription_id or "").lower() for r in reads
                                            if r.source == "alerts"})
        first = {}
        for read in reads:
            if read.source == "alerts" and read.subscription_id.lower() in subs:
                first.setdefault(read.subscription_id.lower(), read)
        assert all(r.ok and r.unchanged for r in first.values())
        await until(pilot, lambda: not again.views.snapshot.from_cache)
        assert again.views.snapshot.alerts is cached  # the very objects read from the cache


async def test_the_heap_a_refresh_left_free_is_handed_back_once_news_stops(emu, monkeypatch):
    """A console left open for days on a shared jump host gives back what each refresh's JSON
    used: once the news of the first refresh has stopped, and again after later news."""
    from apiwatch.feed import live

    released = []
    monkeypatch.setattr(live, "RELEASE_AFTER_SECONDS", 0.3)
    monkeypatch.setattr(live, "release_free_heap", lambda: released.append(app.version) or True)
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: released, what="a release after the first refresh")
        assert app.views and not app.views.snapshot.from_cache
        count = len(released)
        await emu.add_alerts(1)  # news
        await until(pilot, lambda: len(released) > count, what="a release after new alerts")


async def test_a_subscription_that_refused_reads_is_failing_from_the_start_not_loading(emu):
    await cache_the_tenant(emu)  # one subscription of the tenant refuses every read (403)
    await emu.stop()  # only the cache speaks
    cold = console(emu)
    lines: list[str] = []
    show = cold.show_snapshot

    def watched(snapshot, views=None):
        show(snapshot, views)
        lines.append(status(cold))

    cold.show_snapshot = watched
    async with cold.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(lines) >= 2, timeout=10)
        sources = str(cold.screen.query_one("#sources").content)
    await emu.start()
    first, whole = lines[:2]
    assert "1 scope(s) failing" in first and "loading alerts" not in first
    assert "1 scope(s) failing" in whole and "loading" not in whole
    refused = next(s for s in emu.tenant.subscriptions if not s.readable)
    assert f"{refused.display_name}: HTTP 403" in sources


async def test_a_failure_kept_on_disk_is_forgotten_once_the_source_reads(emu):
    refused = next(s for s in emu.tenant.subscriptions if not s.readable)
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        def kept() -> set[str]:
            db = app.live.db if app.live else None
            return {f.source for f in db.cached_failures(app.live.profile)} if db else set()

        await until(pilot, lambda: "alerts" in kept(), what="the refusal kept")
        refused.readable = True  # Security Reader granted
        await pilot.press("r")
        await until(pilot, lambda: "alerts" not in kept(), what="the refusal forgotten")


def noted(app) -> list[str]:
    """Every notification's message, as the app is asked to show them."""
    messages: list[str] = []
    notify = app.notify

    def keep(message, **kw):
        messages.append(str(message))
        return notify(message, **kw)

    app.notify = keep
    return messages


async def test_an_unreadable_state_database_costs_the_cache_not_the_live_data(emu):
    from apiwatch.paths import state_dir

    path = state_dir() / "state.sqlite3"
    garbage = b"not a database, whatever wrote it " * 200
    path.write_bytes(garbage)
    app = console(emu)
    messages = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None
                    and len(app.views.snapshot.alerts) == total(emu), what="live data")
        said = [m for m in messages if "cannot be read" in m]
        assert len(said) == 1 and str(path) in said[0] and "Move it aside" in said[0]
        assert "live data stopped" not in status(app)
        await pilot.press("3", "1")  # leaving the alerts marks them seen: nowhere to keep it
        await pilot.pause()
    assert path.read_bytes() == garbage  # left as it was, for the user to look at


async def test_a_cache_that_fails_midway_keeps_what_it_gave_and_the_live_data(emu, monkeypatch):
    import sqlite3

    from apiwatch.store.state_db import StateDB

    await cache_the_tenant(emu)
    opened = StateDB.cached_sources
    calls = []

    def failing_second_time(self, profile, wanted=lambda _: True):
        calls.append(profile)
        if len(calls) > 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return opened(self, profile, wanted)

    monkeypatch.setattr(StateDB, "cached_sources", failing_second_time)
    app = console(emu)
    messages = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: any("malformed" in m for m in messages), what="the notice")
        assert app.views is not None and app.views.snapshot.alerts  # the first step's data
        await until(pilot, lambda: not app.views.snapshot.from_cache
                    and len(app.views.snapshot.alerts) == total(emu), what="live data")
