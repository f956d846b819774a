"""Alert polls at steady state: every subscription's alerts read as the poller reads them (one
`read_source(..., "alerts", sub)` job per subscription, at most 8 jobs at once as the poller's
default, each given the pages the store's value came from), applied to a LiveStore; then how
many alerts changed in the store's snapshot. The requests of the last quiet poll are kept for
the transport floor to replay."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from common import Timer, clock
from emulator_proc import EmulatorProcess

from apiwatch.azure.session import ArmSession
from apiwatch.azure.sources import read_source
from apiwatch.config import Config
from apiwatch.emulator import RequestRecord
from apiwatch.model import Alert
from apiwatch.store.live import LiveStore

POLLER_MAX_JOBS = 8  # apiwatch.poller.engine.Poller's default max_jobs


@dataclass
class Poll:
    timer: Timer
    requests: int
    alerts: int
    changed: int  # alerts new or different in the snapshot since the poll before


@dataclass
class PollSeries:
    steady: list[Poll]  # nothing changed in the tenant since the poll before
    after_new: list[Poll]  # `add_alerts(new)` just before each of these
    quiet_requests: list[RequestRecord]  # the last steady poll's, for the transport floor


def _changed(before: dict[str, Alert], after: tuple[Alert, ...]) -> int:
    return sum(1 for a in after if before.get(a.id.lower()) != a)


async def _series(handle: EmulatorProcess, config: Config, steady: int, rounds: int,
                  new: int) -> PollSeries:
    subs = [s.subscription_id for s in handle.tenant.subscriptions]
    gate = asyncio.Semaphore(POLLER_MAX_JOBS)
    store = LiveStore(subs, clock)
    async with ArmSession(config.azure) as session:

        async def one(sub: str):  # type: ignore[no-untyped-def]
            async with gate:
                return await read_source(session, "alerts", sub,
                                         previous=store.listing("alerts", sub))

        async def poll() -> Poll:
            before = {a.id.lower(): a for a in store.snapshot().alerts}
            handle.requests.clear()
            with Timer(handle.cpu_seconds) as timer:
                for read in await asyncio.gather(*(one(s) for s in subs)):
                    store.apply(read)
                after = store.snapshot().alerts
            return Poll(timer, len(handle.requests), len(after), _changed(before, after))

        await poll()  # the first poll fills the store; the connections are warm afterwards
        quiet = [await poll() for _ in range(steady)]
        quiet_requests = list(handle.requests.records)
        fresh = []
        for _ in range(rounds):
            handle.add_alerts(new)
            fresh.append(await poll())
    return PollSeries(quiet, fresh, quiet_requests)


def alert_polls(handle: EmulatorProcess, config: Config, steady: int = 3, rounds: int = 1,
                new: int = 3) -> PollSeries:
    return asyncio.run(_series(handle, config, steady, rounds, new))
