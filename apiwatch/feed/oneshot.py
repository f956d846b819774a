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
    """`run` reads once and returns (a worker that ends, as a one-shot read should); later reads
    are the feed's own tasks, on its interval's timer or when asked, one at a time."""

    def __init__(self, load: Callable[[], Awaitable[Snapshot]], interval: float,
                 on_event: Callable[[Event], None]) -> None:
        self._load = load
        self._interval = interval if interval > 0 else None  # None: read once, then on ask
        self._on_event = on_event
        self._busy = False
        self._stopped = False
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def run(self) -> None:
        await self._read()

    async def _read(self) -> None:
        self._busy = True
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
        finally:
            self._busy = False
        if self._interval is not None and not self._stopped:
            self._timer = asyncio.get_running_loop().call_later(self._interval,
                                                                self.refresh_now)

    def refresh_now(self) -> None:
        if self._stopped or self._busy:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._task = asyncio.get_running_loop().create_task(self._read())

    def mark_seen(self, ids: list[str]) -> None:
        """Nothing is kept: a read without a state database starts afresh each run."""

    async def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
