"""The live data: the cached snapshot at once, then the poller keeping every source fresh;
each change is reported at most a few times a second, and only when it changed. Timers are the
event loop's: whoever shows the events needs no part in when they come."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import steps
from ..azure.pages import Listing
from ..azure.sources import SourceRead
from ..config import AzureSettings, PollingSettings
from ..model import SourceFailure
from ..model.sources import CACHE_FIRST  # what the Overview counts: loaded, shown first
from ..poller.engine import Intervals, Poller
from ..poller.memory import keep_long_lived, release_free_heap
from ..store.live import LiveStore
from ..store.state_db import StateDB, encode_steps, open_state_db, state_db_path
from ..store.views import Views
from .events import Event, FeedStopped, SeenLoaded, SnapshotReady, StateUnavailable
from .profile import cache_profile

if TYPE_CHECKING:  # the SDKs load on first use
    from ..azure.session import ArmSession

log = logging.getLogger(__name__)
COALESCE_SECONDS = 0.2
PUBLISH_GAP_SECONDS = 1.0
# Reads that changed only their time wait longer: a quiet 50-subscription tenant ends a read
# every half second, and each snapshot for it cost CPU to show nothing new.
FRESHNESS_SECONDS = 5.0
# After `r`, the user watches for the fresh reads: each is shown at once for this long.
ASKED_SECONDS = 30.0
# News stopped for this long (a refresh's stream has ended): the heap its JSON left free is
# handed back to the system.
RELEASE_AFTER_SECONDS = 3.0


class LiveFeed:
    """`run()` reports through `on_event`, always on the event loop: the snapshots to show,
    the alerts seen earlier, a state database it cannot use, and why it stopped if it did."""

    def __init__(self, azure: AzureSettings, polling: PollingSettings, *,
                 clock: Callable[[], datetime],
                 session: Callable[[], Awaitable[ArmSession]],
                 on_event: Callable[[Event], None]) -> None:
        self.profile = cache_profile(azure.resource_manager, azure.subscriptions,
                                     azure.tenant_id)
        self.store = LiveStore(azure.subscriptions, clock=clock)
        self.polling = polling
        self._session = session
        self._on_event = on_event
        self.db: StateDB | None = None
        self.poller: Poller | None = None
        self._publishing: asyncio.TimerHandle | None = None
        self._publishing_news = False
        self._news_shown = -1
        self._asked_until = 0.0  # loop time until which every read is shown at once (`r`)
        self._published_at = float("-inf")
        self._written: dict[tuple[str, str | None], int] = {}  # source's `changes` when cached
        self._failures_kept: dict[tuple[str, str | None], SourceFailure] = {}  # as on disk
        self._writes: dict[tuple[str, str | None], asyncio.Task[None]] = {}
        self._chores: set[asyncio.Task[Any]] = set()  # seen-alert writes, heap releases
        self._releasing: asyncio.TimerHandle | None = None

    async def run(self) -> None:
        """Until stopped (or cancelled); an error ends it with FeedStopped, not an exception:
        whoever shows the feed stays up and says why the data stopped."""
        try:
            await self._run()
        except Exception as exc:
            from ..azure.errors import describe

            log.exception("live data stopped")
            self._on_event(FeedStopped(describe(exc).message))

    async def _run(self) -> None:
        # The state database holds the cache and the alerts seen; one that cannot be read
        # costs those, not the live data (it is left as it is, for the user to look at).
        try:
            self.db = await asyncio.to_thread(open_state_db)
            seen = await asyncio.to_thread(self.db.seen_alerts)
            baseline = await asyncio.to_thread(self.db.has_baseline)
            self._on_event(SeenLoaded(frozenset(seen), baseline))
            # What the Overview counts first, then the rest (on a large tenant the
            # recommendations and Resource Graph's insights are half the load): the cards are
            # right seconds sooner, and until the rest is in the status line says so.
            for wanted in (CACHE_FIRST.__contains__, lambda source: source not in CACHE_FIRST):
                cached = await asyncio.to_thread(self._load_cache, wanted)
                if cached is not None:
                    self._on_event(SnapshotReady(cached.snapshot, cached))
        except (sqlite3.Error, OSError) as exc:
            await self._without_state(exc)
        session = await self._session()
        polling = self.polling
        self.poller = Poller(
            session, self.store,
            Intervals(polling.alerts_seconds, polling.inventory_seconds,
                      polling.automation_seconds),
            on_read=self._cache, on_change=self._changed,
        )
        await self.poller.run()

    async def _without_state(self, exc: Exception) -> None:
        path = state_db_path(create_dir=False)  # the directory may be what failed
        # Damaged (not a database, malformed) is for the user to move aside; locked, read-only
        # or an I/O error may pass, and the file may be sound: it is not to be thrown away.
        damaged = (isinstance(exc, sqlite3.DatabaseError)
                   and not isinstance(exc, sqlite3.OperationalError))
        what = "cannot be read" if damaged else "cannot be used now"
        log.warning("state database %s %s (%s): this session goes on without it", path, what, exc)
        self._on_event(StateUnavailable(path, damaged, str(exc)))
        db, self.db = self.db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                await asyncio.to_thread(db.close)

    def _load_cache(self, wanted: Callable[[str], bool]) -> Views | None:
        """In a thread, before the poller starts (nothing else touches the store yet): the
        cached sources `wanted` picks, and views over all loaded so far if any was."""
        assert self.db is not None
        count = 0
        for source, sub, fetched_at, raw, listing in self.db.cached_sources(self.profile,
                                                                            wanted):
            self.store.load_cached(source, sub, raw, fetched_at, Listing.from_json(listing))
            del raw  # parsed: free it before the next source is decoded
            held = LiveStore.key_of(source, sub)
            self._written[held] = self.store.states[held].changes  # on disk as held
            count += 1
            # out of the collector as each source lands: else every collection while the next
            # source decodes walks all the sources before it (a large tenant loaded 1.5x slower)
            keep_long_lived()
        # Sources that never read last time (a subscription without Security Reader): failing
        # from the start, not "still loading" until the poller has tried them again.
        for failure in self.db.cached_failures(self.profile):
            if wanted(failure.source):
                self.store.load_failure(failure)
                key = LiveStore.key_of(failure.source, failure.subscription_id)
                self._failures_kept[key] = failure
                count += 1
        return Views(self.store.snapshot()).warm() if count else None

    def _keep_failure(self, read: SourceRead) -> None:
        """On disk, why a source that has never read failed (and no more once it reads)."""
        key = LiveStore.key_of(read.source, read.subscription_id)
        state = self.store.states.get(key)
        if self.db is None or state is None:
            return
        if read.failure is not None and state.fetched_at is None:
            if self._failures_kept.get(key) != read.failure:
                self._failures_kept[key] = read.failure
                self._in_thread(self.db.save_failure, self.profile, read.failure)
        elif read.ok and self._failures_kept.pop(key, None) is not None:
            self._in_thread(self.db.forget_failure, self.profile, read.source,
                            read.subscription_id)

    def refresh_now(self) -> None:
        if self.poller is not None:
            self._asked_until = asyncio.get_running_loop().time() + ASKED_SECONDS
            self.poller.refresh_now()

    def mark_seen(self, ids: list[str]) -> None:
        """Persist in a thread: an fsync must not hold up the screen."""
        if self.db is not None and ids:
            self._in_thread(self.db.mark_seen, ids)

    def _in_thread(self, chore: Callable[..., Any], *args: Any) -> None:
        """A chore in a worker thread, waited for when the feed stops."""
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(chore, *args))
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    async def written(self) -> None:
        """Wait for the cache writes and chores queued so far (a failed one included)."""
        pending = [*self._writes.values(), *self._chores]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        # Nothing is reported after the stop, and no heap release starts a thread.
        for timer in (self._publishing, self._releasing):
            if timer is not None:
                timer.cancel()
        self._publishing = self._releasing = None
        await self.written()
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- poller callbacks -------------------------------------------------------------------
    def _changed(self) -> None:
        now = asyncio.get_running_loop().time()
        news = self.store.news != self._news_shown or now < self._asked_until
        if self._publishing is not None:
            if self._publishing_news or not news:
                return
            self._publishing.cancel()  # news: sooner than the freshness-only publish waiting
        self._publishing_news = news
        # News waits a moment for more; and while a large tenant is read, news comes in a
        # stream: at most one publish a second, each a snapshot and a screen rebuilt on the loop.
        soon = max(COALESCE_SECONDS, self._published_at + PUBLISH_GAP_SECONDS - now)
        self._publishing = asyncio.get_running_loop().call_later(
            soon if news else FRESHNESS_SECONDS, self._publish)

    def _publish(self) -> None:
        self._publishing = None
        self._published_at = asyncio.get_running_loop().time()
        news = self.store.news != self._news_shown
        self._news_shown = self.store.news
        self._on_event(SnapshotReady(self.store.snapshot()))
        if news:
            if self._releasing is not None:
                self._releasing.cancel()
            self._releasing = asyncio.get_running_loop().call_later(RELEASE_AFTER_SECONDS,
                                                                    self._release)

    def _release(self) -> None:
        self._releasing = None
        self._in_thread(release_free_heap)

    def _cache(self, read: SourceRead) -> None:
        """Write the source's JSON in a thread; a newer read of the same source waits its turn."""
        self._keep_failure(read)
        if not read.ok:
            return  # the JSON cached is the last good read's
        key = LiveStore.key_of(read.source, read.subscription_id)
        previous = self._writes.get(key)
        state = self.store.states.get(key)
        fetched = state.fetched_at if state else None
        if state is None or fetched is None or self.db is None:
            return
        if read.unchanged and state.listing != read.listing:
            return  # the store did not take it (see LiveStore.apply): nothing to cache
        # The same data read again (most polls): the cached JSON stands, only its time moves.
        same = self._written.get(key) == state.changes
        if read.unchanged and not same:
            # Not decoded, so no JSON to write, and the cache lacks it (a write failed): the
            # next read of this source is a full one, and writes it.
            self.store.forget_listing(read.source, read.subscription_id)
            return
        # Pages whose bytes changed though their meaning did not are written anyway: the cache's
        # listing must describe the JSON beside it, or a restart would take stale JSON for new.
        touch = read.unchanged or (same and read.listing is None)
        self._written[key] = state.changes
        changes = state.changes

        source, sub = read.source, read.subscription_id
        # Only a changed source's wire JSON is kept until written: a refresh of a large tenant
        # would otherwise hold every page it read while the writes queue.
        raw = None if touch else read.raw
        listing = read.listing.to_json() if read.listing is not None and not touch else None

        async def write() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            if raw is None and self._written.get(key) != changes:
                return  # the write before failed: the cached JSON is not this data's to touch
            try:
                db = self.db
                if db is None:
                    return
                if raw is None:
                    await asyncio.to_thread(db.touch_source, self.profile, source, sub, fetched)
                else:
                    payload = await steps.run_on_loop(encode_steps(raw))
                    await asyncio.to_thread(db.save_source, self.profile, source, sub, fetched,
                                            payload, listing)
            except Exception:
                self._written.pop(key, None)  # the next read writes it in full
                log.exception("could not cache %s", source)

        task = asyncio.get_running_loop().create_task(write())
        self._writes[key] = task
        task.add_done_callback(lambda t, k=key: self._writes.pop(k, None)
                               if self._writes.get(k) is t else None)
