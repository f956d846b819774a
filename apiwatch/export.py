"""JSON views of a snapshot for the headless commands (`apiwatch inventory|alerts|recommendations
--json`). Plain data only: enums as their wire strings, times as ISO 8601 UTC."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from .model import ApiCollection, ApimApi, Endpoint, Snapshot


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def _endpoint(snapshot: Snapshot, endpoint: Endpoint) -> dict[str, Any]:
    recs = snapshot.recommendations_by_resource.get(endpoint.key, ())
    insight = snapshot.insights.get(endpoint.key)
    return {
        **plain(endpoint),
        "health": snapshot.health_of(endpoint).value,
        "insight": plain(insight) if insight else None,
        "recommendations": [
            {"key": r.key, "display_name": r.display_name, "status": r.status.value,
             "severity": r.severity.value}
            for r in recs
        ],
        "alerts": len(snapshot.alerts_by_resource.get(endpoint.key, ())),
    }


def _api(snapshot: Snapshot, api: ApimApi) -> dict[str, Any]:
    return {
        **plain(api),
        "operations": [_endpoint(snapshot, e) for e in snapshot.endpoints_of(api.key)],
    }


def _collection(snapshot: Snapshot, collection: ApiCollection) -> dict[str, Any]:
    """Defender's endpoint count (`numberOfApiEndpoints`) and the API's operations as APIM
    lists them, under two names: they need not agree (Defender counts what it discovered)."""
    fields = plain(collection)
    return {
        **{k: v for k, v in fields.items() if k != "endpoints"},
        "endpoint_count": collection.endpoints,
        "operations": [_endpoint(snapshot, e) for e in snapshot.endpoints_of(collection.api_key)],
    }


def _meta(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "taken_at": plain(snapshot.taken_at),
        "subscriptions": plain(snapshot.subscriptions),
        "failures": plain(snapshot.failures),
    }


def inventory(snapshot: Snapshot) -> dict[str, Any]:
    return {
        **_meta(snapshot),
        "collections": [_collection(snapshot, c) for c in snapshot.collections],
        "not_onboarded": [_api(snapshot, a) for a in snapshot.not_onboarded],
        "services": plain(snapshot.services),
    }


def alerts(snapshot: Snapshot) -> dict[str, Any]:
    newest = sorted(
        snapshot.alerts,
        key=lambda a: a.time_generated or a.start_time or snapshot.taken_at,
        reverse=True,
    )
    return {
        **_meta(snapshot),
        "alerts": [
            {**plain(a), "is_api": a.is_api, "tactics": list(a.tactics),
             "sensitivity": plain(a.sensitivity)}
            for a in newest
        ],
    }


def recommendations(snapshot: Snapshot) -> dict[str, Any]:
    grouped: dict[str, dict[str, Any]] = {}
    for rec in snapshot.recommendations:
        entry = grouped.setdefault(rec.key, {
            "key": rec.key, "display_name": rec.display_name, "severity": rec.severity.value,
            "description": rec.description, "remediation": rec.remediation,
            "unhealthy": 0, "healthy": 0, "not_applicable": 0, "other": 0, "resources": [],
        })
        bucket = {"Unhealthy": "unhealthy", "Healthy": "healthy",
                  "NotApplicable": "not_applicable"}.get(rec.status.value, "other")
        entry[bucket] += 1
        entry["resources"].append({
            "resource_id": rec.resource_id, "status": rec.status.value, "cause": rec.cause,
            "assessment_id": rec.id,
        })
    ordered = sorted(grouped.values(), key=lambda e: (-e["unhealthy"], e["display_name"]))
    return {**_meta(snapshot), "recommendations": ordered}
