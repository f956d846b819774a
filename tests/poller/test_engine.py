"""The polling engine against the emulator: intervals, no overlap, backoff, Retry-After,
recovery, per-source health."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from apiwatch.azure.session import ArmSession
from apiwatch.model import normalize
from apiwatch.poller.engine import Poller
from apiwatch.store.live import LiveStore

from .conftest import FAST, Running, settings


def truth_alerts(emu):
    return {normalize(a.id) for s in emu.tenant.subscriptions if s.readable for a in s.alerts}


def snapshot_alerts(run):
    return {normalize(a.id) for a in run.poller.store.snapshot().alerts}


async def test_polls_fill_the_store_and_new_alerts_arrive(emu, running):
    await running.until(lambda: snapshot_alerts(running) == truth_alerts(emu)
                        and running.poller.store.snapshot().collections)
    new = await emu.add_alerts(3)
    await running.until(lambda: {normalize(a.id) for a in new} <= snapshot_alerts(running))
    # alerts every 0.05 s, inventory every 0.3 s: alerts soon counts more rounds (a round is
    # counted once its reads are applied, so not necessarily by the moment the alerts showed)
    cycles = running.poller.cycles
    await running.until(lambda: cycles["alerts"] >= 2 * cycles.get("inventory", 0) > 0)


async def test_jobs_never_overlap_even_when_asked_to_refresh_often(emu, running):
    await running.until(lambda: running.poller.cycles.get("alerts", 0) >= 3)
    emu.faults.add("slow", count=None, match="Microsoft.Security/alerts", delay_ms=300)
    readable = [s.subscription_id for s in emu.tenant.subscriptions if s.readable]
    emu.requests.clear()
    for _ in range(50):
        running.poller.refresh_now()
        await asyncio.sleep(0.01)
    # 0.5 s with 300 ms per alerts poll: at most two polls per subscription, however many `r`s
    for sub in readable:
        assert emu.requests.count(match=f"/subscriptions/{sub}/providers/Microsoft.Security/alerts") <= 3
    emu.faults.clear()


async def test_a_failing_subscription_backs_off_keeps_data_and_recovers(emu, running):
    await running.until(lambda: snapshot_alerts(running) == truth_alerts(emu))
    sub = next(s for s in emu.tenant.subscriptions if s.readable).subscription_id
    emu.faults.add("error", count=None, status=503,
                           match=f"/subscriptions/{sub}/providers/Microsoft.Security/alerts")
    job = running.poller.jobs[("alerts", sub)]
    await running.until(lambda: job.failures >= 3)
    health = {(h.source, h.subscription_id): h for h in running.poller.store.snapshot().health}
    mine = health[("alerts", sub)]
    assert mine.status == "failing" and "503" in (mine.last_error or "") and mine.stale
    # last good data kept, the other subscriptions unaffected
    assert snapshot_alerts(running) == truth_alerts(emu)
    others = [h for k, h in health.items() if k[0] == "alerts" and k[1] != sub]
    assert all(h.status in ("ok", "failing") for h in others)
    assert any(h.status == "ok" for h in others)
    # backoff: later failures wait longer than the alerts interval
    assert job.due - running.poller._now() > 0.05 or job.running
    emu.faults.clear()
    await running.until(lambda: job.failures == 0, timeout=10)
    health = {(h.source, h.subscription_id): h for h in running.poller.store.snapshot().health}
    assert health[("alerts", sub)].status == "ok"


async def test_retry_after_is_honoured(emu, running):
    await running.until(lambda: running.poller.cycles.get("alerts", 0) >= 2)
    sub = next(s for s in emu.tenant.subscriptions if s.readable).subscription_id
    emu.faults.add("throttle", count=1, retry_after=2,
                   match=f"/subscriptions/{sub}/providers/Microsoft.Security/alerts")
    job = running.poller.jobs[("alerts", sub)]
    await running.until(lambda: job.failures == 1)
    assert job.due - running.poller._now() > 1.5  # not the 0.05 s interval, not the 0.05 s backoff


async def test_graph_waits_for_every_first_inventory_read_metadata_does_not(emu, monkeypatch):
    """Resource Graph is asked for the subscriptions known readable: never before every
    subscription's inventory has been read once (a 403 there leaves it out). Metadata, which
    every recommendation is shown with, is read as soon as subscriptions are known."""
    from apiwatch.poller import engine

    seen = []
    real = engine.read_source

    async def spy(session, source, sub=None, **kw):
        if source in ("graph", "metadata"):
            poller = running.poller
            seen.append((source, min(j.runs for j in poller.jobs.values() if j.kind == "inventory"),
                         tuple(kw.get("subscriptions_for_tenant", ()))))
        return await real(session, source, sub, **kw)

    monkeypatch.setattr(engine, "read_source", spy)
    async with ArmSession(settings(emu)) as session:
        running = Running(Poller(session, LiveStore(), FAST, first_backoff=0.05, max_backoff=0.5))
        try:
            await running.until(lambda: {s for s, _, _ in seen} == {"graph", "metadata"})
        finally:
            await running.stop()
    readable = {s.subscription_id for s in emu.tenant.subscriptions if s.readable}
    assert any(not s.readable for s in emu.tenant.subscriptions)
    graph = [(runs, subs) for source, runs, subs in seen if source == "graph"]
    assert graph and all(runs >= 1 and set(subs) == readable for runs, subs in graph)
    first_metadata = next((runs, subs) for source, runs, subs in seen if source == "metadata")
    assert first_metadata[0] == 0 and len(first_metadata[1]) == 1  # before any inventory read


class RecordingStore(LiveStore):
    """Notes, for each subscription's assessments applied, whether metadata was held then."""

    def __init__(self) -> None:
        super().__init__()
        self.assessments_applied: list[bool] = []

    def apply(self, read, at=None):
        if read.source == "assessments" and read.ok:
            self.assessments_applied.append(self.holds("metadata"))
        super().apply(read, at)


async def poll_with_metadata(emu, monkeypatch, metadata_read):
    from apiwatch.poller import engine

    real = engine.read_source

    async def spy(session, source, sub=None, **kw):
        if source == "metadata":
            return await metadata_read(real(session, source, sub, **kw))
        return await real(session, source, sub, **kw)

    monkeypatch.setattr(engine, "read_source", spy)
    store = RecordingStore()
    readable = sum(1 for s in emu.tenant.subscriptions if s.readable)
    async with ArmSession(settings(emu)) as session:
        running = Running(Poller(session, store, FAST, first_backoff=0.05, max_backoff=0.5))
        try:
            await running.until(lambda: len(store.assessments_applied) >= readable)
        finally:
            await running.stop()
    return store


async def test_first_assessments_wait_for_a_slow_metadata_read(emu, monkeypatch):
    """Each recommendation is shown with its metadata from the first: assessments read before
    the metadata lands wait for it (else each is redone, on the loop, when it lands)."""
    async def slow(read):
        await asyncio.sleep(0.5)
        return await read

    store = await poll_with_metadata(emu, monkeypatch, slow)
    assert store.assessments_applied and all(store.assessments_applied)
    assert store.snapshot().recommendations[0].description  # from the metadata


async def test_assessments_do_not_wait_on_metadata_that_failed_or_hangs(emu, monkeypatch):
    from apiwatch.azure.sources import SourceRead
    from apiwatch.model import SourceFailure
    from apiwatch.poller import engine

    async def failing(read):
        read.close()
        return SourceRead("metadata", None, False,
                          failure=SourceFailure("metadata", None, "HTTP 403", 403))

    monkeypatch.setattr(engine, "METADATA_WAIT_SECONDS", 60.0)
    store = await poll_with_metadata(emu, monkeypatch, failing)  # well within 60 s
    assert store.assessments_applied and not any(store.assessments_applied)

    async def hangs(read):
        read.close()
        await asyncio.Event().wait()

    monkeypatch.setattr(engine, "METADATA_WAIT_SECONDS", 0.3)
    store = await poll_with_metadata(emu, monkeypatch, hangs)
    assert store.assessments_applied and not any(store.assessments_applied)


async def test_an_answer_that_never_ends_in_time_fails_and_backs_off(emu):
    """A trickling answer costs its source timeout_seconds, not forever (nor once per retry of
    the pipeline): the job fails, says why, and is tried again later and later."""
    sub = next(s for s in emu.tenant.subscriptions if s.readable).subscription_id
    emu.faults.add("trickle", count=None, delay_ms=200,
                   match=f"/subscriptions/{sub}/providers/Microsoft.Security/alerts")
    async with ArmSession(replace(settings(emu, retries=3), timeout_seconds=1)) as session:
        poller = Poller(session, LiveStore(), FAST, first_backoff=0.05, max_backoff=0.5)
        delays: list[float] = []
        reschedule = poller._reschedule

        def noting(job, ok, retry_after):  # what the poller decided, after it decided
            reschedule(job, ok, retry_after)
            if job.kind == "alerts" and job.subscription_id == sub:
                delays.append(job.due - poller._now())

        poller._reschedule = noting  # type: ignore[method-assign]
        running = Running(poller)
        try:
            await running.until(lambda: ("alerts", sub) in poller.jobs)
            started = poller._now()
            job = poller.jobs[("alerts", sub)]
            await running.until(lambda: job.failures >= 1, timeout=10)
            # one whole answer's second (three retries in the pipeline would take four)
            assert poller._now() - started < 2.5
            health = {(h.source, h.subscription_id): h for h in poller.store.snapshot().health}
            mine = health[("alerts", sub)]
            assert mine.status == "failing"
            assert mine.last_error == "timed out: no complete answer within 1 s"
            await running.until(lambda: job.failures >= 3, timeout=15)
        finally:
            await running.stop()
    # backing off: 0.05 s, then 0.1 s, then 0.2 s (each ±25 %: they cannot overlap)
    assert delays[0] < delays[1] < delays[2] and delays[2] > 0.14, delays


async def test_every_source_is_polled_as_its_declared_kind(running):
    """The poller's jobs are named by the vocabulary's kinds: a tenant-wide source's job by its
    own kind (Resource Graph's is insights, as the status line and the Overview say), a
    subscription's by the kind whose interval it is read at."""
    from apiwatch.model.sources import KINDS, SOURCES, Kind, Scope, Source

    poller = running.poller
    await running.until(lambda: any(Source.GRAPH in j.sources and j.runs
                                    for j in poller.jobs.values()))
    polled: dict[str, set[str]] = {}
    for (kind, _), job in poller.jobs.items():
        for source in job.sources:
            polled.setdefault(source, set()).add(kind)
    assert set(polled) == set(Source)  # every source is read
    for source, kinds in polled.items():
        info = SOURCES[source]
        expected = (KINDS[info.kind].polled_with if info.scope is Scope.SUBSCRIPTION
                    else info.kind)
        assert kinds == {expected}, source
    assert polled["graph"] == {"insights"} and poller.cycles[Kind.INSIGHTS] >= 1
