"""The one-shot feed reports what the live feed does, from a loader: no app, no fakes of it."""

from __future__ import annotations

import asyncio

from apiwatch.feed.events import ReadFailed, SnapshotReady
from apiwatch.feed.oneshot import OneShotFeed


async def wait_for(predicate, timeout=5.0):
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not reached")


async def test_reads_now_then_when_asked_and_says_why_a_read_failed():
    answers = ["first", RuntimeError("ARM said no"), "third"]

    async def load():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    events = []
    feed = OneShotFeed(load, 0, events.append)
    await asyncio.wait_for(feed.run(), 2)  # one read, and the run is over (a worker that ends)
    assert isinstance(events[0], SnapshotReady) and events[0].snapshot == "first"
    await asyncio.sleep(0.05)
    assert len(events) == 1  # no interval: nothing more until asked
    feed.refresh_now()
    await wait_for(lambda: len(events) == 2)
    assert isinstance(events[1], ReadFailed) and "ARM said no" in events[1].message
    feed.refresh_now()
    await wait_for(lambda: len(events) == 3)
    assert events[2].snapshot == "third"
    await feed.stop()


async def test_an_interval_reads_again_by_itself():
    count = 0

    async def load():
        nonlocal count
        count += 1
        return count

    events = []
    feed = OneShotFeed(load, 0.05, events.append)
    await feed.run()
    await wait_for(lambda: len(events) >= 3)
    await feed.stop()
    after = len(events)
    await asyncio.sleep(0.2)
    assert len(events) == after  # stopped: its timer went with it
    assert [e.snapshot for e in events][:3] == [1, 2, 3]
