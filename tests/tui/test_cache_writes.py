"""What the live feed writes to the on-disk cache: the JSON of a source and the pages it was read
from always describe the same read, so a restart never takes stale JSON for unchanged."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from apiwatch.azure.pages import Listing, PageMark
from apiwatch.azure.sources import SourceRead, parse_source
from apiwatch.config import Config
from apiwatch.store.state_db import StateDB
from apiwatch.tui.live import LiveFeed

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
SUB = "s1"


def alert(status: str) -> dict:
    return {"id": f"/subscriptions/{SUB}/resourceGroups/g/providers/Microsoft.Security/locations"
                  "/westeurope/alerts/a1", "name": "a1",
            "properties": {"alertType": "T", "status": status, "severity": "High"}}


def pages(tag: bytes) -> Listing:
    return Listing((PageMark("https://arm/alerts?api-version=1", tag * 16, None),))


def full(status: str, tag: bytes) -> SourceRead:
    raw = [alert(status)]
    return SourceRead("alerts", SUB, True, parse_source("alerts", SUB, raw)[0], raw,
                      listing=pages(tag))


def unchanged(tag: bytes) -> SourceRead:
    return SourceRead("alerts", SUB, True, listing=pages(tag), unchanged=True)


async def feed_with_db(tmp_path):
    app = SimpleNamespace(config=Config(), clock=lambda: T0)
    feed = LiveFeed(app)  # type: ignore[arg-type]
    feed.db = StateDB(tmp_path / "state.sqlite3")
    feed.store.apply(SourceRead("subscriptions", None, True,
                                parse_source("subscriptions", None, [
                                    {"subscriptionId": SUB, "displayName": SUB,
                                     "state": "Enabled"}])[0]))
    return feed


async def poll(feed: LiveFeed, read: SourceRead, minutes: int) -> None:
    feed.store.apply(read, at=T0 + timedelta(minutes=minutes))
    feed._cache(read)
    await asyncio.gather(*feed._writes.values(), return_exceptions=True)


def on_disk(feed: LiveFeed):
    (row,) = list(feed.db.cached_sources(feed.profile))
    return row.raw[0]["properties"]["status"], Listing.from_json(row.listing), row.fetched_at


async def test_a_failed_write_is_not_covered_up_by_the_next_quiet_poll(tmp_path, monkeypatch):
    feed = await feed_with_db(tmp_path)
    await poll(feed, full("Active", b"a"), 0)
    assert on_disk(feed) == ("Active", pages(b"a"), T0)

    save = feed.db.save_source
    monkeypatch.setattr(feed.db, "save_source", lambda *a, **k: (_ for _ in ()).throw(
        OSError("disk full")))
    feed.store.apply(full("Dismissed", b"b"), at=T0 + timedelta(minutes=1))
    feed._cache(full("Dismissed", b"b"))
    # the next poll finds the same pages before the failed write is known
    feed.store.apply(unchanged(b"b"), at=T0 + timedelta(minutes=2))
    feed._cache(unchanged(b"b"))
    await asyncio.gather(*feed._writes.values(), return_exceptions=True)
    monkeypatch.setattr(feed.db, "save_source", save)

    # the old JSON stays with its own pages and its own time: never "fresh" and never "the same"
    assert on_disk(feed) == ("Active", pages(b"a"), T0)
    # and the poll after that writes the whole source
    await poll(feed, unchanged(b"b"), 3)
    assert feed.store.listing("alerts", SUB) is None
    await poll(feed, full("Dismissed", b"b"), 4)
    assert on_disk(feed) == ("Dismissed", pages(b"b"), T0 + timedelta(minutes=4))
    feed.db.close()


async def test_new_bytes_with_the_same_meaning_are_written_with_their_pages(tmp_path):
    feed = await feed_with_db(tmp_path)
    await poll(feed, full("Active", b"a"), 0)
    await poll(feed, unchanged(b"a"), 1)
    assert on_disk(feed) == ("Active", pages(b"a"), T0 + timedelta(minutes=1))  # only touched
    await poll(feed, full("Active", b"c"), 2)  # other bytes, the same alerts
    assert on_disk(feed) == ("Active", pages(b"c"), T0 + timedelta(minutes=2))
    feed.db.close()
