"""A one-shot read of every source, for the headless commands and the tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from ..azure.session import ArmSession
from ..azure.sources import SourceRead, read_source
from ..model import Snapshot
from ..model.sources import SUBSCRIPTION_SOURCES, Scope, Source, sources
from ..store.live import LiveStore
from .memory import keep_long_lived

# Sources read at once. A source whose pages chain holds its slot with one request in flight,
# so this is above the session's connection limit, which is what bounds the requests.
PARALLEL_READS = 32
# Each subscription's longest page chains first, so that none starts last and forms the tail.
# Subscription by subscription, not every assessment list first: those bunched together
# decode their pages on the loop at the same moments (the bench's loop lag p99 doubled).
_LONGEST = (Source.ASSESSMENTS, Source.APIM, Source.ALERTS)
BULK_ORDER = _LONGEST + tuple(s for s in SUBSCRIPTION_SOURCES
                              if s not in _LONGEST and s != Source.COLLECTIONS)
# Asked for the subscriptions found readable, once their collections are read.
TENANT_WIDE = sources(scope=Scope.TENANT)
FREEZE_EVERY = 16  # reads between two GC freezes (each walks the young generations)


async def read_all(session: ArmSession, store: LiveStore) -> None:
    if not store.configured:
        store.apply(await read_source(session, Source.SUBSCRIPTIONS))
    gate = asyncio.Semaphore(PARALLEL_READS)

    async def one(source: str, sub: str | None, **kw: object):  # type: ignore[no-untyped-def]
        async with gate:
            return await read_source(session, source, sub, **kw)  # type: ignore[arg-type]

    subs = [s.subscription_id for s in store.subscriptions()]
    applied = 0

    # Applied as each read ends, not all at the end: the store grows while others still read.
    async def read_and_apply(src: str, sub: str) -> None:
        nonlocal applied
        store.apply(await one(src, sub))
        applied += 1
        if applied % FREEZE_EVERY == 0:
            keep_long_lived()

    # Collections first (the gate is first come, first served): they tell which subscriptions
    # are readable, which the tenant-wide reads need. Those then run beside the bulk, on a slot
    # of their own, instead of trailing it: Resource Graph pages follow one another.
    first = [asyncio.ensure_future(read_and_apply(Source.COLLECTIONS, sub)) for sub in subs]
    bulk = [asyncio.ensure_future(read_and_apply(src, sub)) for sub in subs
            for src in BULK_ORDER]
    tenant: asyncio.Future[list[SourceRead]] | None = None
    try:
        await asyncio.gather(*first)
        readable = store.readable()
        tenant = asyncio.gather(*(
            read_source(session, source, None, subscriptions_for_tenant=readable)
            for source in TENANT_WIDE)) if readable else None
        await asyncio.gather(*bulk)
        if tenant is not None:
            for read in await tenant:
                store.apply(read)
        keep_long_lived()
    finally:  # cancelled midway: nothing is left reading on its own
        for task in (*first, *bulk, *((tenant,) if tenant is not None else ())):
            task.cancel()


async def read_snapshot(
    session: ArmSession,
    configured_subscriptions: Sequence[str] = (),
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Snapshot:
    store = LiveStore(configured_subscriptions, clock)
    await read_all(session, store)
    return store.snapshot()
