"""Soak: 1,000 poll cycles against the emulator with faults raining at random. No crash, nothing
unhandled in the log, every alert the emulator raised is in the store, no duplicates, and memory
and task count stay flat."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import tracemalloc
from pathlib import Path

from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import normalize
from apiwatch.poller.engine import Intervals, Poller
from apiwatch.store.live import LiveStore

CYCLES = 1000
FAULTS = (
    dict(kind="throttle", retry_after=0.05),
    dict(kind="error", status=500),
    dict(kind="error", status=503),
    dict(kind="reset"),
    dict(kind="malformed"),
    dict(kind="slow", delay_ms=40),
    dict(kind="unknown-enum"),
    dict(kind="endless-nextlink"),
)


async def rain(emu, rng: random.Random, stop: asyncio.Event) -> None:
    """A fault every few milliseconds, and new alerts now and then."""
    n = 0
    while not stop.is_set():
        fault = dict(rng.choice(FAULTS))
        emu.faults.add(count=1, match=r"/providers/Microsoft\.Security/alerts|/apis", **fault)
        n += 1
        if n % 7 == 0:
            await asyncio.to_thread(emu.add_alerts, 1)
        await asyncio.sleep(0.004)


def live_only() -> None:
    """Collect every garbage cycle, the frozen ones too: the poller freezes what it holds and
    thaws it for a full pass only every few minutes, so frozen garbage is not a leak."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def test_a_thousand_poll_cycles_under_random_faults(caplog):
    caplog.set_level(logging.ERROR)
    rng = random.Random(1234)
    # The emulator runs in its own thread and loop: only apiwatch's tasks are counted here.
    emu = start_in_thread(EmulatorConfig(page_size=25, seed=11))
    try:
        azure = Config().with_azure(resource_manager=emu.url, credential="static",
                                    token=emu.token, ca_bundle=Path(emu.ca_path), retries=0,
                                    timeout_seconds=2).azure
        async with ArmSession(azure) as session:
            store = LiveStore()
            poller = Poller(session, store, Intervals(alerts=0.001, inventory=0.05,
                                                      automation=0.2),
                            rng=random.Random(5))
            runner = asyncio.create_task(poller.run())
            stop = asyncio.Event()
            faults = asyncio.create_task(rain(emu, rng, stop))
            tracemalloc.start()
            baseline_mem = None
            tasks: list[tuple[int, int]] = []  # (cycle, tasks alive) sampled all along
            try:
                while poller.cycles.get("alerts", 0) < CYCLES:
                    await asyncio.sleep(0.05)
                    cycle = poller.cycles.get("alerts", 0)
                    tasks.append((cycle, len(asyncio.all_tasks())))
                    if baseline_mem is None and cycle >= 200:
                        live_only()
                        baseline_mem = tracemalloc.get_traced_memory()[0]
                    assert not runner.done(), runner
                stop.set()
                await faults
                emu.faults.clear()
                live_only()
                end_mem = tracemalloc.get_traced_memory()[0]
                jobs = len(poller.jobs)
                # after the rain: every alert the emulator raised is in the store, once
                truth = {normalize(a.id) for s in emu.tenant.subscriptions if s.readable
                         for a in s.alerts}
                for _ in range(400):
                    ids = [normalize(a.id) for a in store.snapshot().alerts]
                    if set(ids) == truth and all(
                        h.status == "ok" for h in store.snapshot().health
                        if h.source == "alerts" and h.subscription_id in
                        {s.subscription_id for s in emu.tenant.subscriptions if s.readable}
                    ):
                        break
                    await asyncio.sleep(0.02)
                ids = [normalize(a.id) for a in store.snapshot().alerts]
                assert set(ids) == truth
                assert len(ids) == len(set(ids))
            finally:
                tracemalloc.stop()
                await poller.stop()
                await runner
    finally:
        emu.stop()
    assert poller.cycles["alerts"] >= CYCLES
    unhandled = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not unhandled, [r.getMessage() for r in unhandled][:3]
    # Tasks come and go with the jobs and their requests; flat means as many alive late in the
    # run as early on (a leak of one task a cycle would add hundreds).
    early = max(n for c, n in tasks if 200 <= c < 500)
    late = max(n for c, n in tasks if c >= CYCLES - 300)
    assert late <= early + 10, (early, late, jobs)
    assert end_mem - baseline_mem < 8 * 1024 * 1024, (baseline_mem, end_mem)
