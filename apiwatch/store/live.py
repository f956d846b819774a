"""The live store: the last good value of every source (per subscription, or tenant-wide), its
health, and the snapshot built from them. A failing source keeps its last good data, marked
stale; one failing subscription never blanks the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from typing import Any

from .. import steps
from ..azure.pages import Listing
from ..azure.sources import ApimData, SourceRead, parse_source
from ..model import (
    AssessmentMetadata,
    Recommendation,
    Snapshot,
    Source,
    SourceFailure,
    SourceHealth,
    SourceStatus,
    Subscription,
)

FAILING_AFTER = 3  # failures in a row before a source with data counts as failing
WRAPS_PER_STEP = 256  # recommendations given their metadata between two looks at the clock


@dataclass
class SourceState:
    source: str
    subscription_id: str | None
    value: Any = None
    fetched_at: datetime | None = None
    error: SourceFailure | None = None
    warnings: tuple[SourceFailure, ...] = ()
    failures_in_a_row: int = 0
    attempted: bool = False
    cached: bool = False  # the value came from the on-disk cache, not yet read again
    changes: int = 0  # bumped when the value changes: what the snapshot's caches key on
    listing: Listing | None = None  # the pages the value was read from, for the next read

    @property
    def status(self) -> SourceStatus:
        if self.error is None:
            if not self.attempted and self.fetched_at is None:
                return SourceStatus.PENDING
            if self.cached:
                return SourceStatus.CACHED
            return SourceStatus.DEGRADED if self.warnings else SourceStatus.OK
        if self.fetched_at is None or self.failures_in_a_row >= FAILING_AFTER:
            return SourceStatus.FAILING
        return SourceStatus.DEGRADED

    def health(self) -> SourceHealth:
        message = self.error.message if self.error else (
            self.warnings[0].message if self.warnings else None)
        return SourceHealth(self.source, self.subscription_id, self.status, self.fetched_at,
                            message, self.failures_in_a_row)


Key = tuple[str, "str | None"]


class LiveStore:
    def __init__(
        self,
        configured_subscriptions: Sequence[str] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.configured = tuple(configured_subscriptions)
        self.clock = clock
        self.states: dict[Key, SourceState] = {}
        self.version = 0  # any change, even of a read's time alone
        self.news = 0  # changes of data or of a source's health: what a user must see soon
        self._snapshot: Snapshot | None = None
        self._snapshot_version = -1
        self._flat: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
        # each subscription's recommendations with their metadata, by (assessments, metadata)
        self._recommendations: dict[str, tuple[tuple[Any, ...], tuple[Recommendation, ...]]] = {}
        self._metadata: tuple[int, dict[str, AssessmentMetadata]] = (-1, {})

    # -- updates ----------------------------------------------------------------------------
    @staticmethod
    def key_of(source: str, sub: str | None) -> Key:
        """How `states` keys a source: subscription ids in lower case, None for the tenant."""
        return (source, sub.lower() if sub else None)

    def _state(self, source: str, sub: str | None) -> SourceState:
        key = self.key_of(source, sub)
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = SourceState(source, sub)
        return state

    def apply(self, read: SourceRead, at: datetime | None = None) -> None:
        state = self._state(read.source, read.subscription_id)
        before = (state.changes, state.error, state.warnings, state.cached)
        state.attempted = True
        if read.ok and read.unchanged and (state.value is None or state.listing != read.listing):
            # Said unchanged against pages this state no longer holds (a cache load came in
            # between): nothing to apply; the next read is a full one.
            state.listing = None
        elif read.ok:
            # The wire JSON is not kept: the cache writer has it, memory should not. A read
            # equal to what is held keeps the held objects: every snapshot and screen built on
            # them stays valid, and a quiet tenant costs no rebuilds (most polls change nothing).
            # (an unchanged read is the held value's very pages, not even decoded)
            if not read.unchanged:
                if state.value is None or state.value != read.value:
                    state.value = read.value
                    state.changes += 1
                state.warnings = read.warnings
            state.listing = read.listing
            state.fetched_at = at or self.clock()
            state.error = None
            state.failures_in_a_row = 0
            state.cached = False
        else:
            state.error = read.failure
            state.failures_in_a_row += 1
            state.cached = False  # tried: now it is stale data with an error, said as such
        self.version += 1
        if (state.changes, state.error, state.warnings, state.cached) != before:
            self.news += 1

    def load_failure(self, failure: SourceFailure) -> None:
        """From the on-disk cache: a source that failed last time without ever reading. Said
        as failing from the start (not as still to come) until it is read again."""
        state = self._state(failure.source, failure.subscription_id)
        if state.value is not None or state.attempted:
            return
        state.error = failure
        state.failures_in_a_row = max(state.failures_in_a_row, 1)
        self.version += 1
        self.news += 1

    def load_cached(self, source: str, sub: str | None, raw: Any, fetched_at: datetime,
                    listing: Listing | None = None) -> None:
        value, warnings = parse_source(source, sub, raw)
        state = self._state(source, sub)
        state.value, state.fetched_at = value, fetched_at
        state.changes += 1
        state.listing = listing
        state.warnings = tuple(warnings)
        state.cached = True
        self.version += 1
        self.news += 1

    def holds(self, source: str, sub: str | None = None) -> bool:
        """Whether the source has data (read, or from the cache)."""
        state = self.states.get(self.key_of(source, sub))
        return state is not None and state.value is not None

    def listing(self, source: str, sub: str | None) -> Listing | None:
        """The pages of the held value's read: given to the next read, to skip what is the same."""
        state = self.states.get(self.key_of(source, sub))
        return state.listing if state is not None and state.value is not None else None

    def forget_listing(self, source: str, sub: str | None) -> None:
        state = self.states.get(self.key_of(source, sub))
        if state is not None:
            state.listing = None

    # -- what to poll -----------------------------------------------------------------------
    def subscriptions(self) -> list[Subscription]:
        if self.configured:
            known = {s.subscription_id.lower(): s for s in self._listed()}
            return [known.get(sub.lower(), Subscription(sub, "")) for sub in self.configured]
        return list(self._listed())

    def _listed(self) -> tuple[Subscription, ...]:
        state = self.states.get((Source.SUBSCRIPTIONS, None))
        return tuple(state.value or ()) if state else ()

    def readable(self) -> list[str]:
        """Subscriptions whose Security reads last worked (for tenant-wide queries)."""
        out = []
        for sub in self.subscriptions():
            state = self.states.get((Source.COLLECTIONS, sub.subscription_id.lower()))
            if state is None or state.error is None or (state.error.status or 0) != 403:
                out.append(sub.subscription_id)
        return out

    # -- reading ----------------------------------------------------------------------------
    PREPARED = frozenset({Source.ASSESSMENTS, Source.METADATA})  # what prepare_steps works for

    def prepare_steps(self, source: str, sub: str | None) -> steps.Steps[None]:
        """Build, in slices, what the next snapshot would otherwise build in one go after this
        source's read: a large subscription's recommendations with their metadata are 5 ms of
        work, and while a tenant is first read, a snapshot met several of them at once."""
        if source == Source.ASSESSMENTS and sub:
            yield from self._with_metadata_steps(sub.lower())
        elif source == Source.METADATA:
            for each in self.subscriptions():
                yield from self._with_metadata_steps(each.subscription_id.lower())

    def _metadata_by_key(self) -> tuple[int, dict[str, AssessmentMetadata]]:
        state = self.states.get((Source.METADATA, None))
        held = state.value if state is not None else None
        changes = state.changes if state is not None and held is not None else -1
        if self._metadata[0] != changes:
            self._metadata = (changes, {m.key.lower(): m for m in held or ()})
        return self._metadata

    def _with_metadata_steps(self, sub: str) -> steps.Steps[tuple[Recommendation, ...]]:
        """One subscription's recommendations with their metadata (the list call returns none),
        redone only when its assessments or the metadata changed."""
        state = self.states.get((Source.ASSESSMENTS, sub))
        if state is None or state.value is None:
            return ()
        metadata_changes, by_key = self._metadata_by_key()
        key = (state.changes, metadata_changes)
        hit = self._recommendations.get(sub)
        if hit is not None and hit[0] == key:
            return hit[1]
        wrapped = []
        for n, rec in enumerate(state.value, 1):
            wrapped.append(rec.with_metadata(by_key.get(rec.key.lower())))
            if n % WRAPS_PER_STEP == 0:
                yield
        value = tuple(wrapped)
        # kept under the versions it was built from: if either moved on between slices, the
        # next snapshot misses it and builds its own
        self._recommendations[sub] = (key, value)
        return value

    def _values(self, source: str, subs: Iterable[str]) -> Iterable[Any]:
        for sub in subs:
            state = self.states.get((source, sub.lower()))
            if state is not None and state.value is not None:
                yield state.value

    def snapshot(self) -> Snapshot:
        if self._snapshot is not None and self._snapshot_version == self.version:
            return self._snapshot
        subs = self.subscriptions()
        ids = [s.subscription_id for s in subs]
        wanted = {i.lower() for i in ids}

        def versions(*sources: str) -> tuple[Any, ...]:
            keys = [(src, sub.lower()) for src in sources for sub in ids]
            keys += [(src, None) for src in sources]
            # Only sources holding data: one that failed before ever reading adds nothing.
            return tuple((k, state.changes) for k in keys
                         if (state := self.states.get(k)) is not None and state.value is not None)

        def cached(name: str, sources: tuple[str, ...], build: Callable[[], Any]) -> Any:
            """Rebuilt only when one of its sources changed: an alerts poll every 30 s must
            not redo 80,000 recommendations."""
            key = versions(*sources)
            hit = self._flat.get(name)
            if hit is not None and hit[0] == key:
                return hit[1]
            value = build()
            self._flat[name] = (key, value)
            return value

        def flat(source: str) -> tuple[Any, ...]:
            return cached(source, (source,),
                          lambda: tuple(chain.from_iterable(self._values(source, ids))))

        apim = list(self._values(Source.APIM, ids))
        metadata_state = self.states.get((Source.METADATA, None))
        metadata = tuple(metadata_state.value or ()) if metadata_state else ()

        def with_metadata(sub: str) -> tuple[Recommendation, ...]:
            return steps.run(self._with_metadata_steps(sub))

        recommendations: tuple[Recommendation, ...] = cached(
            "recommendations", (Source.ASSESSMENTS, Source.METADATA),
            lambda: tuple(chain.from_iterable(with_metadata(sub.lower()) for sub in ids)),
        )
        for gone in self._recommendations.keys() - wanted:
            del self._recommendations[gone]
        graph_state = self.states.get((Source.GRAPH, None))
        insights = cached("graph", (Source.GRAPH,),
                          lambda: dict(graph_state.value or {}) if graph_state else {})
        relevant = [s for (source, sub), s in self.states.items()
                    if sub is None or sub in wanted]
        failures = tuple(
            f for s in relevant for f in ((s.error,) if s.error else s.warnings)
        )
        fetched = [s.fetched_at for s in relevant if s.fetched_at]
        snapshot = Snapshot(
            taken_at=max(fetched) if fetched else self.clock(),
            subscriptions=tuple(subs),
            collections=flat(Source.COLLECTIONS),
            services=cached("services", (Source.APIM,), lambda: tuple(chain.from_iterable(
                a.services for a in apim if isinstance(a, ApimData)))),
            apis=cached("apis", (Source.APIM,), lambda: tuple(chain.from_iterable(
                a.apis for a in apim if isinstance(a, ApimData)))),
            endpoints=cached("endpoints", (Source.APIM,), lambda: tuple(chain.from_iterable(
                a.endpoints for a in apim if isinstance(a, ApimData)))),
            insights=insights,
            recommendations=recommendations,
            metadata=metadata,
            alerts=flat(Source.ALERTS),
            logic_apps=flat(Source.LOGIC_APPS),
            automations=flat(Source.AUTOMATIONS),
            failures=failures,
            health=tuple(s.health() for s in relevant),
            from_cache=any(s.cached for s in relevant),
        )
        self._snapshot, self._snapshot_version = snapshot, self.version
        return snapshot
