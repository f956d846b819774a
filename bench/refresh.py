"""Full refresh through apiwatch's data layer, the event-loop lag beside it, and the minimum
number of requests the tenant needs."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from common import Timer, clock
from emulator_proc import EmulatorProcess

from apiwatch.azure.graph import PAGE_ROWS, SUBSCRIPTION_BATCH
from apiwatch.azure.session import ArmSession
from apiwatch.azure.sources import SourceRead
from apiwatch.config import Config
from apiwatch.emulator import RequestRecord
from apiwatch.emulator.posture import metadata_entries
from apiwatch.model import Snapshot
from apiwatch.poller.once import read_all
from apiwatch.store.live import LiveStore


@dataclass
class RefreshRun:
    timer: Timer
    records: list[RequestRecord]
    readable: list[str]
    snapshot: Snapshot
    lags_ms: list[float] = field(default_factory=list)
    cache: list[tuple[str, str | None, object, object]] = field(default_factory=list)


async def _lag_monitor(lags: list[float], stop: asyncio.Event, period: float = 0.005) -> None:
    """Sleep `period` in a loop; record how late each wake-up is (ms)."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(period)
        lags.append(max(0.0, (time.perf_counter() - start - period) * 1000))


async def _refresh(config: Config, with_lag: bool,
                   cache: list[tuple[str, str | None, object, object]] | None,
                   emulator_cpu: Callable[[], float] | None = None,
                   ) -> tuple[Timer, LiveStore, list[float]]:
    lags: list[float] = []
    async with ArmSession(config.azure) as session:
        store = LiveStore((), clock)
        if cache is not None:  # each good read's wire JSON and pages, as the live feed caches
            apply = store.apply

            def keep(read: SourceRead, at: datetime | None = None) -> None:
                if read.ok:
                    pages = read.listing.to_json() if read.listing is not None else None
                    cache.append((read.source, read.subscription_id, read.raw, pages))
                apply(read, at)

            store.apply = keep  # type: ignore[method-assign]
        stop = asyncio.Event()
        monitor = asyncio.create_task(_lag_monitor(lags, stop)) if with_lag else None
        with Timer(emulator_cpu) as timer:
            await read_all(session, store)
        stop.set()
        if monitor is not None:
            await monitor
    return timer, store, lags


def full_refresh(handle: EmulatorProcess, config: Config, with_lag: bool = False,
                 keep_cache: bool = False) -> RefreshRun:
    """One `read_all` on a fresh LiveStore and a fresh session (new connections, as at start).
    keep_cache: also keep every source's wire JSON, as apiwatch caches it on disk."""
    handle.requests.clear()
    cache: list[tuple[str, str | None, object, object]] = []
    timer, store, lags = asyncio.run(
        _refresh(config, with_lag, cache if keep_cache else None, handle.cpu_seconds))
    records = handle.requests.records
    return RefreshRun(timer, records, store.readable(), store.snapshot(), lags, cache)


# -- the minimum ----------------------------------------------------------------------------

def _pages(items: int, size: int) -> int:
    return max(1, math.ceil(items / size))


def minimum_requests(handle: EmulatorProcess) -> Counter[str]:
    """Requests a full refresh cannot do without, from the tenant's truth and the page size:
    every page of every list once; an unreadable subscription costs one request per source."""
    size = handle.config.page_size
    tenant = handle.tenant
    need: Counter[str] = Counter()
    need["subscriptions"] += _pages(len(tenant.subscriptions), size)
    graph_rows = 0
    readable = [s for s in tenant.subscriptions if s.readable]
    for sub in tenant.subscriptions:
        if not sub.readable:
            for kind in ("collections", "services", "assessments", "alerts", "automations",
                         "logic-apps"):
                need[kind] += 1
            continue
        onboarded = [a for svc in sub.services for a in svc.apis if a.onboarded]
        need["collections"] += _pages(len(onboarded), size)
        need["services"] += _pages(len(sub.services), size)
        for svc in sub.services:
            need["apis"] += _pages(len(svc.apis), size)
            for api in svc.apis:
                need["operations"] += _pages(len(api.operations), size)
        need["assessments"] += _pages(len(sub.assessments), size)
        need["alerts"] += _pages(len(sub.alerts), size)
        need["automations"] += _pages(len(sub.automations), size)
        need["logic-apps"] += _pages(len(sub.workflows), size)
        graph_rows += sum(len(a.operations) for a in onboarded)
    need["metadata"] += _pages(len(metadata_entries()), size)
    batches = max(1, math.ceil(len(readable) / SUBSCRIPTION_BATCH))
    need["graph"] += max(batches, math.ceil(graph_rows / PAGE_ROWS))
    return need


_KINDS = (
    ("operations", re.compile(r"/apis/[^/]+/operations$", re.I)),
    ("apis", re.compile(r"/service/[^/]+/apis$", re.I)),
    ("services", re.compile(r"/providers/Microsoft\.ApiManagement/service$", re.I)),
    ("collections", re.compile(r"/apiCollections$", re.I)),
    ("assessmentMetadata", re.compile(r"/assessmentMetadata$", re.I)),
    ("assessments", re.compile(r"/assessments$", re.I)),
    ("alerts", re.compile(r"/alerts$", re.I)),
    ("automations", re.compile(r"/automations$", re.I)),
    ("logic-apps", re.compile(r"/workflows$", re.I)),
    ("graph", re.compile(r"/Microsoft\.ResourceGraph/resources$", re.I)),
    ("subscriptions", re.compile(r"^/subscriptions$", re.I)),
)


def kind_of(path: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(path):
            return "metadata" if kind == "assessmentMetadata" else kind
    return "other"


def requests_by_kind(records: list[RequestRecord]) -> Counter[str]:
    return Counter(kind_of(r.path) for r in records)


def duplicates(records: list[RequestRecord]) -> int:
    """GETs asked more than once (same path and query) in one refresh."""
    seen = Counter((r.method, r.path.lower(), r.query) for r in records if r.method == "GET")
    return sum(n - 1 for n in seen.values() if n > 1)

