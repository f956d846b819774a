"""The live feed run against the emulator, without a console: its events collected in a list,
its cache read back from the state database (a fresh one per test, see tests/conftest.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from apiwatch.azure.session import ArmSession
from apiwatch.config import AzureSettings, Config, PollingSettings
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.feed.events import Event, SnapshotReady
from apiwatch.feed.live import LiveFeed

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
# Every job reads once at the start, then only when asked (`Fed.poll`): a test says which poll
# saw what.
ASKED_ONLY = PollingSettings(3600.0, 3600.0, 3600.0)


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(now=T0, page_size=20)) as emulator:
        yield emulator


def azure_for(emu, *subscriptions: str, **settings) -> AzureSettings:
    wanted = {"resource_manager": emu.url, "credential": "static", "token": emu.token,
              "ca_bundle": Path(emu.ca_path), "retries": 0, "timeout_seconds": 5,
              "subscriptions": subscriptions, **settings}
    return Config().with_azure(**wanted).azure


async def until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"{what} not reached in {timeout}s")
        await asyncio.sleep(0.02)


class Clock:
    """The feed's clock, moved by the test: each read's time on disk says which poll wrote it."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: int) -> None:
        self.now = T0 + timedelta(minutes=minutes)


class Fed:
    """A LiveFeed running in the background, on its own session, reporting into `events`."""

    def __init__(self, azure: AzureSettings, polling: PollingSettings = ASKED_ONLY,
                 session=None) -> None:
        self.azure = azure
        self.clock = Clock()
        self.events: list[Event] = []
        self._session: ArmSession | None = None
        self.feed = LiveFeed(azure, polling, clock=self.clock,
                             session=session or self._open_session,
                             on_event=self.events.append)
        self.task: asyncio.Task[None] | None = None

    async def _open_session(self) -> ArmSession:
        self._session = await ArmSession(self.azure).__aenter__()
        return self._session

    async def __aenter__(self) -> Fed:
        self.task = asyncio.create_task(self.feed.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.feed.stop()
        assert self.task is not None
        if not self.task.done():  # still in the cache, before the poller
            self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def idle(self) -> bool:
        poller = self.feed.poller
        return (poller is not None and bool(poller.jobs)
                and all(j.runs > 0 and not j.running for j in poller.jobs.values()))

    async def settled(self) -> None:
        """Every job has read once, and what it read is on disk."""
        await until(self.idle, what="every source read once")
        await self.feed.written()

    async def poll(self, minutes: int, *, written: bool = True) -> None:
        """Every source read again at T0 + `minutes` (the feed's `r`); with `written`, until
        what it read is on disk."""
        await until(self.idle, what="the jobs idle")
        assert self.feed.poller is not None
        self.clock.at(minutes)
        before = dict(self.feed.poller.cycles)
        self.feed.refresh_now()
        await until(lambda: self.idle() and all(
            self.feed.poller.cycles[k] > n for k, n in before.items()), what="the poll")
        if written:
            await self.feed.written()

    def snapshots(self) -> list[SnapshotReady]:
        return [e for e in self.events if isinstance(e, SnapshotReady)]
