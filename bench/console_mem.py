"""Resident memory of the console with the large tenant loaded, in a process of its own (the
bench's other data would inflate it otherwise; the emulator has its own process too). Run by
run.py:

    python bench/console_mem.py CACHE.json

CACHE.json holds every source's wire JSON as apiwatch caches it; the console opens on it as it
does at start (LiveStore.load_cached), then shows Overview, Collections and every endpoint.
Prints one JSON object."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from common import NOW, clock, peak_rss_mb, rss_mb
from console import SIZE, AllEndpointsScreen, _until, data_on_screen

from apiwatch.config import Config
from apiwatch.model import Snapshot
from apiwatch.store.live import LiveStore
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.inventory import CollectionsScreen


async def measure(cache: Path) -> dict[str, float]:
    out = {"rss_start_mb": rss_mb()}
    store = LiveStore((), clock)  # kept alive, as the console's live feed keeps its store
    for source, sub, raw in json.loads(cache.read_text()):
        store.load_cached(source, sub, raw, NOW)
    snapshot = store.snapshot()
    out["rss_store_mb"] = rss_mb()

    async def loader() -> Snapshot:
        return snapshot

    app = ApiWatchApp(Config(), loader=loader, clock=clock, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: data_on_screen(app))
        await pilot.pause(0.5)
        out["rss_overview_mb"] = rss_mb()
        await pilot.press("2")
        await _until(pilot, lambda: isinstance(app.screen, CollectionsScreen)
                     and data_on_screen(app))
        app.push_screen(AllEndpointsScreen())
        await _until(pilot, lambda: isinstance(app.screen, AllEndpointsScreen)
                     and data_on_screen(app))
        await pilot.pause(0.5)
        out["rss_loaded_mb"] = rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(Path(sys.argv[1])))))
