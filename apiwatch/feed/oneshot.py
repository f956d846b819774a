"""A feed of whole-tenant reads: one now, then one every `interval` seconds (or when asked),
each handed over as it is. For a snapshot loader (tests, screenshots, the bench); it reports
the same events as the live feed, so the console has one way for data to come in."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from ..azure.errors import describe
from ..model import Snapshot
from .events import Event, ReadFailed, SnapshotReady

log = logging.getLogger(__name__)


class OneShotFeed:
    def __init__(self, load: Callable[[], Awaitable[Snapshot]], interval: float,
                 on_event: Callable[[Event], None]) -> None:
        self._load = load
        self._interval = interval if interval > 0 else None  # None: read once, then on ask
        self._on_event = on_event
        self._asked = asyncio.Event()
        self._stopped = False

    async def run(self) -> None:
        while not self._stopped:
            await self._read()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._asked.wait(), self._interval)
            self._asked.clear()

    async def _read(self) -> None:
        try:
            snapshot = await self._load()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the console stays up; the status line says why
            log.exception("read failed")
            self._on_event(ReadFailed(describe(exc).message))
        else:
            if not self._stopped:
                self._on_event(SnapshotReady(snapshot))

    def refresh_now(self) -> None:
        self._asked.set()

    def mark_seen(self, ids: list[str]) -> None:
        """Nothing is kept: a read without a state database starts afresh each run."""

    async def stop(self) -> None:
        self._stopped = True
        self._asked.set()
