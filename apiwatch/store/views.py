"""Row models the console and the exports show: an endpoint with everything known about it,
a recommendation with its resources. Built once per snapshot, then only read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..model import (
    KEY_UNAUTHENTICATED,
    KEY_UNUSED,
    Alert,
    ApiCollection,
    ApimApi,
    ApimService,
    AssessmentStatus,
    Endpoint,
    EndpointInsight,
    Health,
    Recommendation,
    Severity,
    Snapshot,
    normalize,
)
from ..model.snapshot import carry_over


@dataclass(frozen=True, slots=True)
class EndpointView:
    endpoint: Endpoint
    health: Health
    insight: EndpointInsight | None
    api: ApimApi | None
    collection: ApiCollection | None
    service: ApimService | None
    recommendations: tuple[Recommendation, ...]
    alerts: tuple[Alert, ...]

    def _assessed(self, key: str) -> bool | None:
        for rec in self.recommendations:
            if rec.key == key and rec.status in (AssessmentStatus.HEALTHY,
                                                 AssessmentStatus.UNHEALTHY):
                return rec.status is AssessmentStatus.UNHEALTHY
        return None

    @property
    def inactive(self) -> bool | None:
        """No traffic for 30 days. Resource Graph first, then the unused-endpoint assessment.
        An endpoint never called since onboarding is "awaiting data", not inactive (as Defender
        counts it)."""
        if self.insight and self.insight.active is not None:
            if not self.insight.active and self.insight.last_called is None:
                return False
            return not self.insight.active
        return self._assessed(KEY_UNUSED)

    @property
    def unauthenticated(self) -> bool | None:
        if self.insight and self.insight.authenticated is not None:
            return not self.insight.authenticated
        return self._assessed(KEY_UNAUTHENTICATED)

    @property
    def external(self) -> bool | None:
        return self.insight.external if self.insight else None

    @property
    def sensitive(self) -> bool | None:
        return self.insight.has_sensitive_data if self.insight else None

    @property
    def onboarded(self) -> bool:
        return self.collection is not None

    @property
    def open_alerts(self) -> int:
        return sum(1 for a in self.alerts if a.status.is_open)

    @property
    def unencrypted(self) -> bool:
        return bool(self.api and self.api.uses_unencrypted_protocol)

    @property
    def outside_vnet(self) -> bool | None:
        if self.service is None or self.service.virtual_network_type is None:
            return None
        return self.service.virtual_network_type.lower() in ("none", "")

    @property
    def label(self) -> str:
        e = self.endpoint
        return f"{e.method} {e.url_template}"


@dataclass(frozen=True, slots=True)
class RecommendationView:
    key: str
    display_name: str
    severity: Severity
    description: str | None
    remediation: str | None
    assessments: tuple[Recommendation, ...]

    @property
    def unhealthy(self) -> tuple[Recommendation, ...]:
        return tuple(a for a in self.assessments if a.status is AssessmentStatus.UNHEALTHY)

    @property
    def healthy(self) -> int:
        return sum(1 for a in self.assessments if a.status is AssessmentStatus.HEALTHY)


class _Lazy(Mapping[str, Any]):
    """A read-only mapping over `index` whose values are built on first access."""

    def __init__(self, index: Mapping[str, Any], build: Callable[[str], Any]) -> None:
        self._index = index
        self._build = build

    def __getitem__(self, key: str) -> Any:
        if key not in self._index:
            raise KeyError(key)
        return self._build(key)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Any:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass(frozen=True, slots=True)
class AlertFigures:
    """What the first screens count over every alert, in one pass over them."""

    keys: frozenset[str]
    open_by_api: Mapping[str, int]  # by the API part of each open alert's resource ids
    open_by_severity: Mapping[Severity, int]

    @classmethod
    def of(cls, alerts: Iterable[Alert]) -> AlertFigures:
        keys = []
        by_api: dict[str, int] = defaultdict(int)
        by_severity: dict[Severity, int] = defaultdict(int)
        for alert in alerts:
            keys.append(alert.key)
            if not alert.status.is_open:
                continue
            by_severity[alert.severity] += 1
            for api in alert.api_keys:
                by_api[api] += 1
        return cls(frozenset(keys), dict(by_api), dict(by_severity))


# each cached index of Views, and the snapshot's fields it is built from
_INDEX_INPUTS: Mapping[str, tuple[str, ...]] = {
    "alert_figures": ("alerts",),
    "apis": ("apis",),
    "collections_by_api": ("collections",),
    "services": ("services",),
    "endpoint_counts_by_api": ("endpoints",),
    "_endpoint_index": ("endpoints",),
    "recommendations": ("recommendations", "metadata"),
}


class Views:
    """Indexes over one snapshot."""

    def __init__(self, snapshot: Snapshot, previous: Views | None = None) -> None:
        """With `previous`, the views of the snapshot before: what is built from data both
        share is taken over, not rebuilt (the first screen counted 20,000 alerts each time a
        subscription's inventory landed)."""
        self.snapshot = snapshot
        if previous is not None:
            before = previous.snapshot
            snapshot.carry_indexes(before)
            carry_over(self.__dict__, previous.__dict__, _INDEX_INPUTS,
                       lambda field: getattr(snapshot, field) is getattr(before, field))

    def warm(self) -> Views:
        """Build what the first screens and the status line read. Meant for a worker thread:
        over a large tenant these take tens of milliseconds a keystroke should not wait for."""
        _ = (self.snapshot.not_onboarded, self.alert_figures, self.endpoint_counts_by_api)
        return self

    @cached_property
    def alert_figures(self) -> AlertFigures:
        return AlertFigures.of(self.snapshot.alerts)

    @property
    def alert_keys(self) -> frozenset[str]:
        return self.alert_figures.keys

    @property
    def open_alerts_by_api(self) -> Mapping[str, int]:
        """Open alerts per API: cheap enough for the first screen, unlike building every
        endpoint's view."""
        return self.alert_figures.open_by_api

    @cached_property
    def apis(self) -> Mapping[str, ApimApi]:
        return {a.key: a for a in self.snapshot.apis}

    @cached_property
    def collections_by_api(self) -> Mapping[str, ApiCollection]:
        return {c.api_key: c for c in self.snapshot.collections}

    @cached_property
    def services(self) -> Mapping[str, ApimService]:
        return {normalize(s.id): s for s in self.snapshot.services}

    @cached_property
    def endpoint_counts_by_api(self) -> Mapping[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for endpoint in self.snapshot.endpoints:
            counts[endpoint.api_key] += 1
        return counts

    def view_of(self, e: Endpoint) -> EndpointView:
        """One endpoint's view, built on first use: opening one API must not build 40,000."""
        view = self._built.get(e.key)
        if view is None:
            snap = self.snapshot
            view = self._built[e.key] = EndpointView(
                endpoint=e,
                health=snap.health_of(e),
                insight=snap.insights.get(e.key),
                api=self.apis.get(e.api_key),
                collection=self.collections_by_api.get(e.api_key),
                service=self.services.get(e.api_key.rsplit("/apis/", 1)[0]),
                recommendations=snap.recommendations_by_resource.get(e.key, ()),
                alerts=snap.alerts_by_resource.get(e.key, ()),
            )
        return view

    @cached_property
    def _built(self) -> dict[str, EndpointView]:
        return {}

    @cached_property
    def _endpoint_index(self) -> dict[str, Endpoint]:
        return {e.key: e for e in self.snapshot.endpoints}

    @cached_property
    def endpoints(self) -> tuple[EndpointView, ...]:
        """Every endpoint's view (posture queries, the palette): built once, when asked."""
        return tuple(self.view_of(e) for e in self.snapshot.endpoints)

    # Plain properties, not cached: a cached closure over `self` would make every Views a
    # reference cycle, which only the (frozen-out, rare) full collection frees; a replaced
    # snapshot must go as soon as the screens let go of it.
    @property
    def endpoints_by_key(self) -> Mapping[str, EndpointView]:
        index = self._endpoint_index
        return _Lazy(index, lambda key: self.view_of(index[key]))

    @property
    def endpoints_by_api(self) -> Mapping[str, tuple[EndpointView, ...]]:
        snapshot = self.snapshot
        return _Lazy(self.endpoint_counts_by_api,
                     lambda key: tuple(self.view_of(e) for e in snapshot.endpoints_of(key)))

    @cached_property
    def recommendations(self) -> tuple[RecommendationView, ...]:
        grouped: dict[str, list[Recommendation]] = defaultdict(list)
        for rec in self.snapshot.recommendations:
            grouped[rec.key].append(rec)
        meta = {m.key: m for m in self.snapshot.metadata}
        views = []
        for key, recs in grouped.items():
            first = recs[0]
            m = meta.get(key)
            views.append(RecommendationView(
                key=key,
                display_name=first.display_name or (m.display_name if m else key),
                severity=first.severity,
                description=first.description,
                remediation=first.remediation,
                assessments=tuple(recs),
            ))
        return tuple(sorted(views, key=lambda v: (-len(v.unhealthy), -v.severity.rank,
                                                  v.display_name)))

    def alerts_newest_first(self) -> tuple[Alert, ...]:
        taken = self.snapshot.taken_at
        return tuple(sorted(self.snapshot.alerts,
                            key=lambda a: a.time_generated or a.start_time or taken,
                            reverse=True))
