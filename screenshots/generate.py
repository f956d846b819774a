"""Regenerate screenshots/*.svg from the embedded demo tenant: `make screenshots`.

The console runs headless at 80x24 (a jump-host terminal) on data read from the emulator through
the real data layer, under a fixed clock so the pictures only change when the console does."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import Snapshot
from apiwatch.poller.once import read_snapshot
from apiwatch.tui.app import ApiWatchApp

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
SIZE = (80, 24)

SHOTS = {
    "overview": [],
    "collections": ["2"],
    "endpoints": ["2", "enter"],
    "endpoint-health": ["2", "enter", "down", "enter"],
    "alerts": ["3"],
    "alert-detail": ["3", "enter"],
    "recommendations": ["4"],
    "unhealthy-resources": ["4", "enter"],
    "posture-exposed": ["e"],
    "filter": ["2", "slash", *"pay"],
    "help": ["2", "question_mark"],
}


async def read(handle) -> Snapshot:
    config = Config().with_azure(resource_manager=handle.url, credential="static",
                                 token=handle.token, ca_bundle=Path(handle.ca_path))
    async with ArmSession(config.azure) as session:
        return await read_snapshot(session, clock=lambda: NOW)


async def shoot(snapshot: Snapshot, name: str, keys: list[str]) -> Path:
    async def loader() -> Snapshot:
        return snapshot

    app = ApiWatchApp(Config(), loader=loader, clock=lambda: NOW, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        while app.views is None or app.refreshing:
            await pilot.pause(0.02)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.1)
        return Path(app.save_screenshot(f"{name}.svg", path=str(HERE)))


async def main() -> int:
    # Severities are drawn for the terminal the console finds (NO_COLOR, 16 colours, ...): the
    # pictures show a 256-colour one, whatever the shell running this has.
    os.environ.pop("NO_COLOR", None)
    os.environ.update(TERM="xterm-256color", COLORTERM="truecolor")
    handle = start_in_thread(EmulatorConfig(now=NOW))
    try:
        snapshot = await read(handle)
    finally:
        handle.stop()
    for name, keys in SHOTS.items():
        print(await shoot(snapshot, name, keys))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
