"""What the live feed reports, in order: the alerts seen earlier, the cache (what the Overview
counts first, then the rest), the live data; or why it cannot keep state, or why it stopped."""

from __future__ import annotations

import asyncio

from apiwatch.feed import live
from apiwatch.feed.events import FeedStopped, SeenLoaded, SnapshotReady, StateUnavailable
from apiwatch.store.state_db import state_db_path

from .conftest import Fed, azure_for, until


def a_subscription(emu):
    sub = next(s for s in emu.tenant.subscriptions if s.readable and s.alerts)
    return sub.subscription_id, sub


def live_data(fed: Fed, count: int) -> bool:
    return any(not e.snapshot.from_cache and len(e.snapshot.alerts) == count
               for e in fed.snapshots())


async def test_seen_alerts_then_the_cache_come_before_the_live_data(emu):
    sub_id, sub = a_subscription(emu)
    async with Fed(azure_for(emu, sub_id)) as fed:
        await fed.settled()
        await until(lambda: live_data(fed, len(sub.alerts)), what="the live data reported")
        assert fed.events[0] == SeenLoaded(frozenset(), baseline=False)  # a first run
        seen = [a.id for a in sub.alerts[:3]]
        fed.feed.mark_seen(seen)
        await fed.feed.written()
        recommendations = len(fed.snapshots()[-1].snapshot.recommendations)
    assert recommendations

    await emu.stop()  # only the cache can tell
    async with Fed(azure_for(emu, sub_id)) as again:
        await until(lambda: len(again.snapshots()) >= 2, what="the cache reported")
    await emu.start()
    loaded, first, rest = again.events[:3]
    assert loaded == SeenLoaded(frozenset(a.lower() for a in seen), baseline=True)
    assert isinstance(first, SnapshotReady) and isinstance(rest, SnapshotReady)
    # the views come built over the snapshot they are given with, from the cache
    assert first.views is not None and first.views.snapshot is first.snapshot
    assert rest.views is not None and rest.views.snapshot is rest.snapshot
    assert first.snapshot.from_cache and rest.snapshot.from_cache
    # what the Overview counts first, then the rest
    assert len(first.snapshot.alerts) == len(sub.alerts) and not first.snapshot.recommendations
    assert len(rest.snapshot.recommendations) == recommendations


async def test_a_state_database_not_a_database_is_reported_as_damaged_and_left_alone(emu):
    sub_id, sub = a_subscription(emu)
    path = state_db_path()
    garbage = b"not a database, whatever wrote it " * 200
    path.write_bytes(garbage)
    async with Fed(azure_for(emu, sub_id)) as fed:
        await until(lambda: live_data(fed, len(sub.alerts)), what="the live data reported")
        fed.feed.mark_seen([sub.alerts[0].id])  # nowhere to keep it: not an error either
        unavailable = [e for e in fed.events if isinstance(e, StateUnavailable)]
        assert len(unavailable) == 1 and fed.events[0] is unavailable[0]  # no seen alerts
        (event,) = unavailable
        assert (event.path, event.damaged) == (path, True)
        assert "not a database" in event.reason
    assert path.read_bytes() == garbage  # for the user to look at


async def test_a_state_directory_that_cannot_be_made_may_pass_and_is_not_damaged(
        emu, tmp_path, monkeypatch):
    sub_id, sub = a_subscription(emu)
    where = tmp_path / "a-file"
    where.write_text("")
    monkeypatch.setenv("APIWATCH_STATE_DIR", str(where))  # a file where the directory goes
    async with Fed(azure_for(emu, sub_id)) as fed:
        await until(lambda: live_data(fed, len(sub.alerts)), what="the live data reported")
    (event,) = [e for e in fed.events if isinstance(e, StateUnavailable)]
    assert (event.path, event.damaged) == (where / "state.sqlite3", False)
    assert event.reason


async def test_a_feed_that_cannot_connect_stops_saying_why(emu, tmp_path):
    sub_id, _ = a_subscription(emu)
    async with Fed(azure_for(emu, sub_id, ca_bundle=tmp_path / "gone.pem")) as fed:
        await asyncio.wait_for(asyncio.shield(fed.task), 10)  # it ends, without an exception
    assert isinstance(fed.events[-1], FeedStopped)
    assert fed.events[-1].message.startswith("FileNotFoundError: ")
    assert [e for e in fed.events if isinstance(e, FeedStopped)] == [fed.events[-1]]


async def test_nothing_is_reported_once_the_feed_is_stopped(emu, monkeypatch):
    """A quiet poll's freshness waits to be reported; the feed stopped meanwhile, it never is
    (its timers are the loop's: nobody else would cancel them)."""
    monkeypatch.setattr(live, "FRESHNESS_SECONDS", 1.0)
    sub_id, _ = a_subscription(emu)
    fed = Fed(azure_for(emu, sub_id))
    async with fed:
        await fed.settled()
        await until(lambda: fed.snapshots(), what="the first read reported")
        await fed.poll(1, written=False)
        assert fed.feed._publishing is not None  # the freshness, waiting
        reported = len(fed.events)
    await asyncio.sleep(1.2)
    assert len(fed.events) == reported
