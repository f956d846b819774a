"""What the live feed writes to the on-disk cache: the JSON of a source and the pages it was read
from always describe the same read, so a restart never takes stale JSON for unchanged."""

from __future__ import annotations

import threading
from datetime import timedelta

from apiwatch.azure.sources import parse_source
from apiwatch.feed.profile import cache_profile
from apiwatch.model import AlertStatus
from apiwatch.store.state_db import open_state_db

from .conftest import T0, Fed, azure_for, until


def watched(emu):
    """A readable subscription and an Active alert of it, the feed to watch only that one."""
    sub = next(s for s in emu.tenant.subscriptions if s.readable and s.alerts)
    alert = sub.alerts[0]
    alert.status = "Active"
    emu.invalidate()
    return sub.subscription_id, alert


def on_disk(fed: Fed, sub: str):
    """The cached alerts of `sub` (as parsed), the pages they were read from, when, and the
    wire JSON itself."""
    profile = cache_profile(fed.azure.resource_manager, (sub,))
    db = open_state_db()
    try:
        (row,) = list(db.cached_sources(profile, lambda source: source == "alerts"))
    finally:
        db.close()
    alerts, _ = parse_source("alerts", sub, row.raw)
    return alerts, row.listing, row.fetched_at, row.raw


def status_of(alerts, alert_id: str) -> AlertStatus:
    return next(a.status for a in alerts if a.id.lower() == alert_id.lower())


def listing_of(fed: Fed, sub: str):
    listing = fed.feed.store.listing("alerts", sub)
    return listing.to_json() if listing is not None else None


async def test_a_failed_write_is_not_covered_up_by_the_next_quiet_poll(emu, monkeypatch):
    sub, alert = watched(emu)
    async with Fed(azure_for(emu, sub)) as fed:
        await fed.settled()
        first = listing_of(fed, sub)
        alerts, listing, fetched, _ = on_disk(fed, sub)
        assert (status_of(alerts, alert.id), listing, fetched) == (AlertStatus.ACTIVE, first, T0)

        # the disk fills up as the dismissal is written; the write takes its time to fail
        db = fed.feed.db
        save, entered, fail = db.save_source, threading.Event(), threading.Event()

        def disk_full(profile, source, *rest, **kw):
            if source != "alerts":
                return save(profile, source, *rest, **kw)
            entered.set()
            fail.wait(10)
            raise OSError("disk full")

        monkeypatch.setattr(db, "save_source", disk_full)
        alert.status = "Dismissed"
        emu.invalidate()
        await fed.poll(1, written=False)
        await until(entered.is_set, what="the write of the dismissal")
        # the next poll finds the same pages before the failed write is known
        await fed.poll(2, written=False)
        fail.set()
        await fed.feed.written()
        monkeypatch.setattr(db, "save_source", save)

        # the old JSON stays with its own pages and its own time: never "fresh" and never "the
        # same"
        alerts, listing, fetched, _ = on_disk(fed, sub)
        assert (status_of(alerts, alert.id), listing, fetched) == (AlertStatus.ACTIVE, first, T0)
        # and the poll after that reads (and then writes) the whole source
        await fed.poll(3)
        assert fed.feed.store.listing("alerts", sub) is None
        await fed.poll(4)
        alerts, listing, fetched, _ = on_disk(fed, sub)
        assert (status_of(alerts, alert.id), fetched) == (AlertStatus.DISMISSED,
                                                          T0 + timedelta(minutes=4))
        assert listing == listing_of(fed, sub) and listing != first
        # what was reported all along is the dismissal, as read
        await until(lambda: fed.snapshots() and status_of(
            fed.snapshots()[-1].snapshot.alerts, alert.id) is AlertStatus.DISMISSED,
            what="the dismissal reported")


async def test_new_bytes_with_the_same_meaning_are_written_with_their_pages(emu):
    sub, _ = watched(emu)
    async with Fed(azure_for(emu, sub)) as fed:
        await fed.settled()
        first = listing_of(fed, sub)
        alerts, listing, fetched, raw = on_disk(fed, sub)
        assert (listing, fetched) == (first, T0)

        await fed.poll(1)
        assert on_disk(fed, sub) == (alerts, first, T0 + timedelta(minutes=1), raw)  # only touched

        # other bytes, the same alerts: each listed in both its shapes
        emu.faults.add("both-alert-shapes", count=None,
                       match=rf"/subscriptions/{sub}/providers/Microsoft\.Security/alerts")
        await fed.poll(2)
        again, listing, fetched, raw_again = on_disk(fed, sub)
        assert again == alerts
        assert len(raw_again) == 2 * len(raw)
        assert (listing, fetched) == (listing_of(fed, sub), T0 + timedelta(minutes=2))
        assert listing != first
