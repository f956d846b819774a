"""The polling engine. Each kind of data has its own interval; a job (one kind for one
subscription, or tenant-wide) is scheduled again only when it ends, so polls never overlap or
pile up. Concurrency is bounded overall and per subscription; a failing job backs off
exponentially with jitter, never sooner than Azure's Retry-After."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .. import steps
from ..azure.session import ArmSession
from ..azure.sources import SourceRead, read_source
from ..model.sources import KINDS, SOURCES, Kind, Scope, Source
from ..store.live import LiveStore
from .memory import keep_long_lived

log = logging.getLogger(__name__)

# What one job reads, from the vocabulary (apiwatch/model/sources.py). For a subscription: the
# sources polled at one interval, the job named after the kind whose interval it is (inventory:
# collections, apim and assessments). For the tenant: one source, the job named after its kind,
# each on its own as each waits for something else (metadata first, graph after the inventory).
def _subscription_jobs() -> dict[Kind, tuple[Source, ...]]:
    jobs: dict[Kind, tuple[Source, ...]] = {}
    for source, info in SOURCES.items():
        if info.scope is Scope.SUBSCRIPTION:
            polled = KINDS[info.kind].polled_with
            jobs[polled] = (*jobs.get(polled, ()), source)
    return jobs


def _tenant_jobs() -> dict[Kind, Source]:
    jobs: dict[Kind, Source] = {}
    for source, info in SOURCES.items():
        if info.scope is not Scope.SUBSCRIPTION:
            assert info.kind not in jobs, f"two tenant-wide sources of {info.kind}"
            jobs[info.kind] = source
    return jobs


SUBSCRIPTION_JOBS = _subscription_jobs()
TENANT_JOBS = _tenant_jobs()
# Started first: the subscription list, which every other read is for; then the metadata, as
# every recommendation is shown with its metadata, and metadata arriving after 80,000
# assessments redid them all in one snapshot (a 0.3 s stall of the console).
_FIRST = {Source.SUBSCRIPTIONS: 0, Source.METADATA: 1}
# How long a first read's assessments wait for the metadata's first read before they go in
# without it (and are redone, in slices, when it lands).
METADATA_WAIT_SECONDS = 5.0
FIRST_BACKOFF = 5.0
MAX_BACKOFF = 300.0


@dataclass(frozen=True, slots=True)
class Intervals:
    alerts: float = 30.0
    inventory: float = 300.0
    automation: float = 600.0

    def of(self, kind: str) -> float:
        return float(getattr(self, KINDS[Kind(kind)].polled_with.value))


@dataclass
class Job:
    kind: Kind
    subscription_id: str | None
    sources: tuple[Source, ...] = ()
    due: float = 0.0
    failures: int = 0
    runs: int = 0
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()


class Poller:
    def __init__(
        self,
        session: ArmSession,
        store: LiveStore,
        intervals: Intervals = Intervals(),
        *,
        on_read: Callable[[SourceRead], None] | None = None,
        on_change: Callable[[], None] | None = None,
        max_jobs: int = 8,
        jobs_per_subscription: int = 2,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        rng: random.Random | None = None,
    ) -> None:
        self.session = session
        self.store = store
        self.intervals = intervals
        self.on_read = on_read
        self.on_change = on_change
        self.jobs: dict[tuple[str, str | None], Job] = {}
        self._all = asyncio.Semaphore(max_jobs)
        self._per_sub: dict[str, asyncio.Semaphore] = {}
        self._jobs_per_subscription = jobs_per_subscription
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._metadata_tried = asyncio.Event()  # its first read applied, or its job ended
        self._metadata_deadline: float | None = None
        self._stopped = False
        self.cycles: dict[str, int] = {}
        self._synced: int | None = None  # the store's `news` when the jobs were last synced

    # -- control ----------------------------------------------------------------------------
    def refresh_now(self) -> None:
        """`r`: every job that is not running now runs at once."""
        now = self._now()
        for job in self.jobs.values():
            if not job.running:
                job.due = now
        self._wake.set()

    async def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        tasks = [j.task for j in self.jobs.values() if j.task and not j.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the loop ---------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            while not self._stopped:
                self._sync_jobs()
                now = self._now()
                waits = []  # one pass: the loop wakes after each of a large tenant's ~150 jobs
                for job in self.jobs.values():
                    # a job not ready yet is woken by the end of the jobs it waits for
                    if job.running or not self._ready(job):
                        continue
                    if job.due <= now:
                        job.task = asyncio.create_task(self._run(job))
                    else:
                        waits.append(job.due - now)
                timeout = min(waits) if waits else None
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            await self.stop()

    def _ready(self, job: Job) -> bool:
        """Resource Graph asks for the subscriptions known readable: it waits for every
        subscription's first read of its collections (a 403 there leaves it out; the same
        subscriptions each time keep its pages comparable from one read to the next)."""
        return Source.GRAPH not in job.sources or all(
            j.runs > 0 for j in self.jobs.values() if Source.COLLECTIONS in j.sources)

    def _tenant_scope(self, job: Job) -> list[str]:
        """The subscriptions a tenant-wide read is asked for."""
        if Source.GRAPH in job.sources:
            return self.store.readable()
        if Source.METADATA in job.sources:  # its route names none, but the SDK client wants one
            return [s.subscription_id for s in self.store.subscriptions()][:1]
        return []

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _sync_jobs(self) -> None:
        """The jobs of every subscription and the tenant's; jobs of subscriptions no longer
        listed go."""
        if self._synced == self.store.news:
            return  # the subscriptions cannot have changed (the loop wakes after every job)
        self._synced = self.store.news
        wanted: dict[tuple[Kind, str | None], tuple[Source, ...]] = {}
        subs = [s.subscription_id for s in self.store.subscriptions()]
        for kind, source in TENANT_JOBS.items():
            # The list is read unless the config names the subscriptions; the tenant-wide
            # sources once there are subscriptions to ask them for.
            if (not self.store.configured if SOURCES[source].scope is Scope.LIST else subs):
                wanted[(kind, None)] = (source,)
        for sub in subs:
            for kind, sources in SUBSCRIPTION_JOBS.items():
                wanted[(kind, sub)] = sources

        def order(key: tuple[Kind, str | None]) -> tuple[int, str, str]:
            first = min(_FIRST.get(source, len(_FIRST)) for source in wanted[key])
            return first, key[0], key[1] or ""

        # Started in this order, so they take the free slots in it: metadata first.
        for key in sorted(wanted.keys() - self.jobs.keys(), key=order):
            self.jobs[key] = Job(key[0], key[1], wanted[key], due=self._now())
        for key in list(self.jobs.keys() - wanted):
            job = self.jobs.pop(key)
            if job.task and not job.task.done():
                job.task.cancel()

    def _limits(self, sub: str | None) -> Sequence[asyncio.Semaphore]:
        if sub is None:
            return (self._all,)
        gate = self._per_sub.get(sub)
        if gate is None:
            gate = self._per_sub[sub] = asyncio.Semaphore(self._jobs_per_subscription)
        return (self._all, gate)

    async def _run(self, job: Job) -> None:
        retry_after: float | None = None
        ok = True
        try:
            sources = job.sources
            gates = self._limits(job.subscription_id)
            for gate in gates:
                await gate.acquire()
            try:
                readable = self._tenant_scope(job)
                if not readable and any(SOURCES[s].scope is Scope.TENANT for s in sources):
                    return
                # Each read is applied (and handed to the cache writer) as it ends: a job's
                # sources do not wait for each other holding their wire JSON.
                outcomes = await asyncio.gather(*(
                    self._read_and_apply(source, job.subscription_id, readable)
                    for source in sources
                ))
            finally:
                for gate in reversed(gates):
                    gate.release()
            keep_long_lived()
            for read_ok, wait in outcomes:
                if not read_ok:
                    ok = False
                    retry_after = max(retry_after or 0.0, wait or 0.0) or None
            if self.on_change is not None:
                self.on_change()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug, not Azure: keep polling, say so in the log
            log.exception("poll of %s for %s failed", job.kind, job.subscription_id or "tenant")
            ok = False
        finally:
            self._reschedule(job, ok, retry_after)
            if Source.METADATA in job.sources:
                self._metadata_tried.set()
            self._wake.set()

    async def _read_and_apply(self, source: Source, sub: str | None, readable: list[str]
                              ) -> tuple[bool, float | None]:
        read = await read_source(self.session, source, sub, subscriptions_for_tenant=readable,
                                 previous=self.store.listing(source, sub))
        if source == Source.ASSESSMENTS and read.ok and not read.unchanged:
            await self._metadata_first()
        self.store.apply(read)
        if source == Source.METADATA:
            self._metadata_tried.set()
        if self.on_read is not None:  # failed reads too: the cache keeps why a source failed
            self.on_read(read)
        if read.ok and not read.unchanged and source in self.store.PREPARED:
            # Its own lane: behind the parses queued for the bulk one, it would still be
            # waiting when the next snapshot is shown, which then did it all at once.
            await steps.run_on_loop(self.store.prepare_steps(source, sub), lane="prepare")
        return read.ok, read.retry_after

    async def _metadata_first(self) -> None:
        """Assessments go in once the metadata has been read: each subscription's applied
        before it lands is redone when it does (while a large tenant is first read, metadata
        read in parallel ended after several subscriptions' 1,600 assessments each). One
        deadline for all: a slow metadata read holds each waiting job's slot."""
        if self._metadata_tried.is_set() or self.store.holds(Source.METADATA):
            return
        now = self._now()
        if self._metadata_deadline is None:
            self._metadata_deadline = now + METADATA_WAIT_SECONDS
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._metadata_tried.wait(),
                                   max(0.0, self._metadata_deadline - now))

    def _reschedule(self, job: Job, ok: bool, retry_after: float | None) -> None:
        job.runs += 1
        self.cycles[job.kind] = self.cycles.get(job.kind, 0) + 1
        interval = self.intervals.of(job.kind)
        if ok:
            job.failures = 0
            delay = interval
        else:
            job.failures += 1
            # Back off from the interval up, to at most ten intervals (and never past the cap):
            # a failing alerts poll is retried within minutes, not hours.
            # (the exponent is capped: 2**1024 overflows, and the cap is reached long before)
            base = min(self.first_backoff, interval) * 2 ** min(job.failures - 1, 30)
            cap = min(self.max_backoff, interval * 10)
            delay = min(base, cap) * self._rng.uniform(0.75, 1.25)
            if retry_after:
                delay = max(delay, retry_after)
        job.due = self._now() + delay
