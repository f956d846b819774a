"""Work done in slices: a generator that yields between small pieces of work and returns its
result. Run at once (`run`: the cache at start, tests), or on the event loop a slice at a time
(`run_on_loop`). Parsing a large tenant's lists on the loop this way keeps each of the loop's
turns short; a parse thread did not, because the loop's every socket read and page digest lets
go of the GIL and then waits up to the switch interval (5 ms) to get it back from that thread."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")
Steps = Generator[None, None, T]

# How long one slice may hold the loop: the console's frames and other reads go between.
SLICE_SECONDS = 0.004

# One run at a time per loop and lane: two parses interleaved would each be a slice in every
# turn. Work that a snapshot shown soon needs takes a lane of its own, not a place in the queue.
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary())


def run(steps: Steps[T]) -> T:
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


async def run_on_loop(steps: Steps[T], slice_seconds: float = SLICE_SECONDS,
                      lane: str = "bulk") -> T:
    loop = asyncio.get_running_loop()
    lanes = _turns.get(loop)
    if lanes is None:
        lanes = _turns[loop] = {}
    turn = lanes.get(lane)
    if turn is None:
        turn = lanes[lane] = asyncio.Lock()
    async with turn:
        started = time.perf_counter()
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            if time.perf_counter() - started >= slice_seconds:
                await asyncio.sleep(0)
                started = time.perf_counter()
