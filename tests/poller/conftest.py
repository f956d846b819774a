from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.poller.engine import Intervals, Poller
from apiwatch.store.live import LiveStore

FAST = Intervals(alerts=0.05, inventory=0.3, automation=0.5)


def settings(emu, retries=0):
    return Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                               ca_bundle=Path(emu.ca_path), retries=retries,
                               timeout_seconds=5).azure


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(page_size=20)) as emulator:
        yield emulator


class Running:
    """A poller running in the background of a test."""

    def __init__(self, poller: Poller) -> None:
        self.poller = poller
        self.task = asyncio.create_task(poller.run())
        self.changes = 0
        poller.on_change = self._changed

    def _changed(self) -> None:
        self.changes += 1

    async def until(self, predicate, timeout=20.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if predicate():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("condition not reached in time")

    async def stop(self):
        await self.poller.stop()
        await self.task


@pytest.fixture
async def running(emu):
    async with ArmSession(settings(emu)) as session:
        store = LiveStore()
        poller = Poller(session, store, FAST, first_backoff=0.05, max_backoff=0.5)
        run = Running(poller)
        try:
            yield run
        finally:
            await run.stop()
