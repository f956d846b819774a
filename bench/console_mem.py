"""Resident memory of the console with the large tenant loaded, in a process of its own (the
bench's other data would inflate it otherwise; the emulator has its own process too). Run by
run.py, which first writes the large tenant's cache into a state directory as apiwatch does:

    python bench/console_mem.py STATE_DIR EMULATOR_URL CA_PATH IDLE_SECONDS   (token on stdin)
    python bench/console_mem.py EMPTY_STATE_DIR EMULATOR_URL CA_PATH cold     (token on stdin)

The console starts as a user starts it (live mode, not a test loader): it opens the cache from
its state database in a worker thread, shows it, and polls the emulator. Measured: after the
whole cached tenant is on the Overview; after Collections and a screen of every endpoint are
open; and
after the first live refresh has read every cached source again (pages as cached are digested,
not decoded; the others pass through memory beside the cached data). Then it sits idle on the
Overview while the poller keeps reading a tenant where nothing changes: CPU, frames and terminal
bytes over that span. Prints one JSON object."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # before `common`, which otherwise picks a temporary state dir
    os.environ["APIWATCH_STATE_DIR"] = sys.argv[1]

from common import MAX_CONNECTIONS, clock, peak_rss_mb, rss_mb
from console import SIZE, AllEndpointsScreen, FrameProbe, _until, data_on_screen, sit

from apiwatch.config import Config
from apiwatch.feed.live import FRESHNESS_SECONDS, RELEASE_AFTER_SECONDS
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.inventory import CollectionsScreen

REFRESH_LIMIT = 240.0  # seconds for the first live refresh of the whole tenant


def refreshed(app: ApiWatchApp) -> bool:
    """Every source read live at least once, and a snapshot without cached data on screen."""
    live = app.live
    if live is None or app.views is None or app.views.snapshot.from_cache:
        return False
    states = live.store.states.values()
    return bool(states) and all(s.attempted and not s.cached for s in states)


async def measure(url: str, ca: Path, token: str, idle_seconds: float) -> dict[str, float]:
    out = {"rss_start_mb": rss_mb()}
    config = Config().with_azure(resource_manager=url, credential="static", token=token,
                                 ca_bundle=ca, max_connections=MAX_CONNECTIONS)
    app = ApiWatchApp(config, clock=clock)
    probe = FrameProbe(app)
    async with app.run_test(size=SIZE) as pilot:
        began = time.perf_counter()
        ok = await _until(pilot, lambda: data_on_screen(app))
        if not ok or app.views is None or not app.views.snapshot.from_cache:
            raise SystemExit("the console did not open on the cached tenant")
        out["cached_on_screen_s"] = time.perf_counter() - began  # the Overview's sources
        # the rest of the cache (recommendations, insights) loaded and shown: the poller starts
        await _until(pilot, lambda: app.live is not None and app.live.poller is not None
                     and data_on_screen(app))
        out["cache_loaded_s"] = time.perf_counter() - began
        out["rss_overview_mb"] = rss_mb()
        await pilot.press("2")
        await _until(pilot, lambda: isinstance(app.screen, CollectionsScreen)
                     and data_on_screen(app))
        app.push_screen(AllEndpointsScreen())
        await _until(pilot, lambda: isinstance(app.screen, AllEndpointsScreen)
                     and data_on_screen(app))
        await pilot.pause(0.5)
        out["rss_loaded_mb"] = rss_mb()
        if not await _until(pilot, lambda: refreshed(app), REFRESH_LIMIT):
            raise SystemExit("the first live refresh did not finish")
        out["refreshed_s"] = time.perf_counter() - began
        await _until(pilot, lambda: data_on_screen(app))
        await pilot.pause(1.0)
        out["rss_refreshed_mb"] = rss_mb()
        # and once the refresh's news has stopped long enough for the console to hand the heap
        # its JSON left free back to the system: what a console left open holds
        await pilot.pause(RELEASE_AFTER_SECONDS + 1.0)
        out["rss_settled_mb"] = rss_mb()

        # Idle on the Overview, as a console left open on a quiet tenant.
        await pilot.press("1")
        # settled: a freshness-only change (the end of that refresh) is shown within this
        await pilot.pause(FRESHNESS_SECONDS + 1.0)
        live = app.live
        assert live is not None and live.poller is not None
        polls, version = live.poller.cycles.get("alerts", 0), app.version
        idle = await sit(probe, idle_seconds)
        out["idle"] = {
            "seconds": idle.seconds, "cpu_process_s": idle.cpu_process,
            "cpu_main_thread_s": idle.cpu_thread, "frames": idle.frames,
            "bytes": idle.frame_bytes + idle.write_bytes,
            "alert_polls": live.poller.cycles.get("alerts", 0) - polls,
            "rebuilds": app.version - version,
        }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def read_everywhere(app: ApiWatchApp) -> bool:
    """Every source of every subscription, and the tenant-wide ones, read (or failed) once."""
    from apiwatch.azure.sources import SUBSCRIPTION_SOURCES

    return app.views is not None and app.views.snapshot.read_everywhere(
        SUBSCRIPTION_SOURCES, ("graph", "metadata"))


async def measure_cold(url: str, ca: Path, token: str) -> dict[str, float]:
    """The console's first start on the tenant, no cache: its poller reads everything while
    the Overview is drawn as data lands, and a task sleeping 5 ms at a time on the same loop
    records how late each wake-up is."""
    config = Config().with_azure(resource_manager=url, credential="static", token=token,
                                 ca_bundle=ca, max_connections=MAX_CONNECTIONS)
    app = ApiWatchApp(config, clock=clock)
    lags: list[float] = []
    versions: set[int] = set()
    async with app.run_test(size=SIZE) as pilot:
        done = False

        async def monitor() -> None:
            while not done:
                began = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append((time.perf_counter() - began - 0.005) * 1000)
                versions.add(app.version)

        task = asyncio.ensure_future(monitor())
        began = time.perf_counter()
        ok = await _until(pilot, lambda: read_everywhere(app), REFRESH_LIMIT)
        wall = time.perf_counter() - began
        done = True
        await task
    if not ok:
        raise SystemExit("the console's first refresh did not finish")
    lags.sort()
    return {"wall_s": wall, "lag_p99_ms": lags[max(0, -(-len(lags) * 99 // 100) - 1)],
            "lag_max_ms": lags[-1], "samples": len(lags), "snapshots_shown": len(versions)}


if __name__ == "__main__":
    token = sys.stdin.readline().strip()  # not on the command line, where `ps` shows it
    if sys.argv[4] == "cold":
        print(json.dumps(asyncio.run(measure_cold(sys.argv[2], Path(sys.argv[3]), token))))
    else:
        print(json.dumps(asyncio.run(measure(sys.argv[2], Path(sys.argv[3]), token,
                                             float(sys.argv[4])))))
