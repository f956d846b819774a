"""One complete read of the tenant, with the joins the console and the JSON commands need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from ..steps import Steps, run
from .alerts import Alert
from .automation import LogicApp, SecurityAutomation
from .enums import AssessmentStatus, Health
from .findings import AssessmentMetadata, Recommendation
from .inventory import (
    ApiCollection,
    ApimApi,
    ApimService,
    Endpoint,
    EndpointInsight,
    Subscription,
)
from .sources import Source, SourceStatus

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A source that could not be read, said in one line a human can act on."""

    source: str  # "collections", "apim", "assessments", "alerts", ...
    subscription_id: str | None
    message: str
    status: int | None = None
    code: str | None = None

    def __str__(self) -> str:
        scope = f"subscription {self.subscription_id}" if self.subscription_id else "tenant"
        return f"{self.source} ({scope}): {self.message}"


def endpoint_health(recommendations: Iterable[Recommendation]) -> Health:
    statuses = {r.status for r in recommendations}
    if AssessmentStatus.UNHEALTHY in statuses:
        return Health.UNHEALTHY
    if any(not s.known for s in statuses):
        return Health.UNKNOWN_HEALTH
    if AssessmentStatus.HEALTHY in statuses:
        return Health.HEALTHY
    if AssessmentStatus.NOT_APPLICABLE in statuses:
        return Health.NOT_APPLICABLE
    return Health.UNKNOWN_HEALTH


@dataclass(frozen=True, slots=True)
class ReadProgress:
    """How far the first read of some sources has got: until it is complete, every count
    built on them covers only part of the tenant."""

    read: int  # subscriptions with every one of the sources read (or failed) at least once
    listed: int  # subscriptions listed so far; none while the list itself is still unread
    tenant_read: bool = True  # and the tenant-wide sources asked for

    @property
    def complete(self) -> bool:
        return self.listed > 0 and self.read == self.listed and self.tenant_read


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    subscriptions: tuple[Subscription, ...] = ()
    collections: tuple[ApiCollection, ...] = ()
    services: tuple[ApimService, ...] = ()
    apis: tuple[ApimApi, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    insights: Mapping[str, EndpointInsight] = field(default_factory=dict)  # by endpoint key
    recommendations: tuple[Recommendation, ...] = ()
    metadata: tuple[AssessmentMetadata, ...] = ()
    alerts: tuple[Alert, ...] = ()
    logic_apps: tuple[LogicApp, ...] = ()
    automations: tuple[SecurityAutomation, ...] = ()
    failures: tuple[SourceFailure, ...] = ()
    health: tuple[SourceHealth, ...] = ()
    from_cache: bool = False  # opened from the on-disk cache, not yet refreshed

    def read_everywhere(self, per_subscription: Iterable[str], tenant_wide: Iterable[str]
                        ) -> bool:
        """Every one of these sources, of every subscription listed, and the tenant-wide ones,
        has been read (or has failed) at least once."""
        return self.progress(per_subscription, tenant_wide).complete

    def progress(self, per_subscription: Iterable[str], tenant_wide: Iterable[str] = ()
                 ) -> ReadProgress:
        """How many listed subscriptions have had each of these sources read (or failed) at
        least once, from Azure or from the cache: what the counts shown so far cover."""
        tried = self._tried
        sources = tuple(per_subscription)
        read = sum(1 for s in self.subscriptions
                   if all((source, s.subscription_id.lower()) in tried for source in sources))
        return ReadProgress(read, len(self.subscriptions), not self._tenant_wide_asked
                            or all((source, "") in tried for source in tenant_wide))

    @cached_property
    def _tenant_wide_asked(self) -> bool:
        """Tenant-wide reads are asked for the readable subscriptions: with every one refused
        (403 on its collections: no Security Reader there) none is read, or to wait for."""
        forbidden = {(f.subscription_id or "").lower() for f in self.failures
                     if f.source == Source.COLLECTIONS and f.status == 403}
        return any(s.subscription_id.lower() not in forbidden for s in self.subscriptions)

    @cached_property
    def _tried(self) -> frozenset[tuple[str, str]]:
        """(source, subscription or "") of each source read or failed at least once: asked by
        the status line at every tick, and by each card."""
        return frozenset((h.source, (h.subscription_id or "").lower()) for h in self.health
                         if h.status != SourceStatus.PENDING)

    def same_data(self, other: Snapshot) -> bool:
        """`other` holds the same data, read later: only its freshness and the sources' health
        (failures, cached or not) may differ, which the status line and the overview's sources
        panel show. The bulk tuples are compared by identity: the store keeps its objects when
        a read changed nothing."""
        return (all(getattr(self, name) is getattr(other, name) for name in _BULK)
                and self.subscriptions == other.subscriptions and self.metadata == other.metadata)

    @cached_property
    def onboarded_api_keys(self) -> frozenset[str]:
        return frozenset(c.api_key for c in self.collections)

    @cached_property
    def not_onboarded(self) -> tuple[ApimApi, ...]:
        """The coverage gap: APIs APIM has that no API collection covers."""
        return tuple(a for a in self.apis if a.key not in self.onboarded_api_keys)

    @cached_property
    def recommendations_by_resource(self) -> Mapping[str, tuple[Recommendation, ...]]:
        return run(_grouped(self.recommendations, _resource_of))

    @cached_property
    def alerts_by_resource(self) -> Mapping[str, tuple[Alert, ...]]:
        return run(_grouped(self.alerts, _resources_of))

    @property
    def indexed(self) -> bool:
        """Whether what `index_steps` builds is built."""
        return "recommendations_by_resource" in self.__dict__ and (
            "alerts_by_resource" in self.__dict__)

    def index_steps(self) -> Steps[None]:
        """Build, in slices, the indexes the first drill-down reads: run on the loop while
        the screen waits for keys, opening a collection then does not group 80,000
        recommendations first (100 ms of its ~260 ms on the large tenant)."""
        if "recommendations_by_resource" not in self.__dict__:
            by_resource = yield from _grouped(self.recommendations, _resource_of)
            self.__dict__.setdefault("recommendations_by_resource", by_resource)
        if "alerts_by_resource" not in self.__dict__:
            by_resource = yield from _grouped(self.alerts, _resources_of)
            self.__dict__.setdefault("alerts_by_resource", by_resource)

    def health_of(self, endpoint: Endpoint) -> Health:
        return endpoint_health(self.recommendations_by_resource.get(endpoint.key, ()))

    def endpoints_of(self, api_key: str) -> tuple[Endpoint, ...]:
        return self._endpoints_by_api.get(api_key, ())

    @cached_property
    def _endpoints_by_api(self) -> Mapping[str, tuple[Endpoint, ...]]:
        grouped: dict[str, list[Endpoint]] = defaultdict(list)
        for endpoint in self.endpoints:
            grouped[endpoint.api_key].append(endpoint)
        return {k: tuple(v) for k, v in grouped.items()}

    def failed_subscriptions(self) -> frozenset[str]:
        return frozenset(f.subscription_id for f in self.failures if f.subscription_id)

    def carry_indexes(self, previous: Snapshot) -> Snapshot:
        """Take over `previous`'s indexes built from data this snapshot shares (the store keeps
        the objects a read left unchanged): new alerts must not regroup 80,000 recommendations."""
        carry_over(self.__dict__, previous.__dict__, _INDEX_INPUTS,
                   lambda field: getattr(self, field) is getattr(previous, field))
        return self


GROUPED_PER_STEP = 2048  # items grouped between two looks at the clock


def _resource_of(rec: Recommendation) -> tuple[str, ...]:
    return (rec.resource_key,)


def _resources_of(alert: Alert) -> tuple[str, ...]:
    return alert.resource_keys


def _grouped(items: Iterable[T], keys_of: Callable[[T], tuple[str, ...]]
             ) -> Steps[dict[str, tuple[T, ...]]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for n, item in enumerate(items, 1):
        for key in keys_of(item):
            grouped[key].append(item)
        if n % GROUPED_PER_STEP == 0:
            yield
    out = {}
    for n, (key, group) in enumerate(grouped.items(), 1):
        out[key] = tuple(group)
        if n % GROUPED_PER_STEP == 0:
            yield
    return out


def carry_over(into: dict[str, object], source: dict[str, object],
               inputs: Mapping[str, tuple[str, ...]], same: Callable[[str], bool]) -> None:
    """Copy the cached values named in `inputs` from one `__dict__` to another where every
    field each is built from is the same."""
    for name, fields in inputs.items():
        if name in source and name not in into and all(same(f) for f in fields):
            into[name] = source[name]


# each cached index, and the fields it is built from
_INDEX_INPUTS: Mapping[str, tuple[str, ...]] = {
    "onboarded_api_keys": ("collections",),
    "not_onboarded": ("apis", "collections"),
    "recommendations_by_resource": ("recommendations",),
    "alerts_by_resource": ("alerts",),
    "_endpoints_by_api": ("endpoints",),
}

_BULK = ("collections", "services", "apis", "endpoints", "insights", "recommendations", "alerts",
         "logic_apps", "automations")


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How one source (for one subscription, or the tenant) is doing."""

    source: str
    subscription_id: str | None
    status: SourceStatus
    fetched_at: datetime | None  # the last good read
    last_error: str | None = None
    failures_in_a_row: int = 0

    @property
    def stale(self) -> bool:
        """Shown data is older than the last attempt: the last read failed."""
        return (self.status in (SourceStatus.DEGRADED, SourceStatus.FAILING, SourceStatus.CACHED)
                and self.fetched_at is not None)
