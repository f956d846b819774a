"""Console tests: a snapshot read once from the emulator through the real data layer, then shown
by the console under a frozen clock, so screens are the same on every run."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import Snapshot
from apiwatch.poller.once import read_snapshot
from apiwatch.tui.app import ApiWatchApp

FROZEN = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)


def emulator_config(handle) -> Config:
    return Config().with_azure(
        resource_manager=handle.url, credential="static", token=handle.token,
        ca_bundle=Path(handle.ca_path),
    )


def read(handle) -> Snapshot:
    async def go() -> Snapshot:
        async with ArmSession(emulator_config(handle).azure) as session:
            return await read_snapshot(session, clock=lambda: FROZEN)

    return asyncio.run(go())


@pytest.fixture(autouse=True)
def _a_known_terminal(monkeypatch):
    """How severities are drawn depends on the terminal (NO_COLOR, 16 colours, ...): every
    console test runs on the same one, whatever the shell running pytest has, so a snapshot is
    the same on every machine. tests/tui/test_colours.py picks others."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture(scope="session")
def emulator_handle():
    handle = start_in_thread(EmulatorConfig(now=FROZEN))
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def demo_snapshot(emulator_handle) -> Snapshot:
    return read(emulator_handle)


def make_app(snapshot: Snapshot | list[Snapshot], config: Config | None = None,
             **app_options: Any) -> ApiWatchApp:
    """An app whose reads return the given snapshot(s), one per refresh (the last repeats)."""
    queue = list(snapshot) if isinstance(snapshot, list) else [snapshot]

    async def loader() -> Snapshot:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return ApiWatchApp(config or Config(), loader=loader, clock=lambda: FROZEN,
                       refresh_seconds=3600, **app_options)


def _settled(app) -> bool:
    if app.views is None or app.refreshing:
        return False
    if app.live is None:
        return True
    # live: every source of every subscription tried once, and the tenant-wide ones
    from apiwatch.azure.sources import SUBSCRIPTION_SOURCES

    return app.views.snapshot.read_everywhere(SUBSCRIPTION_SOURCES, ("graph", "metadata"))


async def ready(pilot) -> None:
    for _ in range(400):
        if _settled(pilot.app):
            break
        await pilot.pause(0.02)
    await pilot.pause()
