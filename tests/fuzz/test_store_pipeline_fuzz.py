"""Fuzzed reads all the way through: parse_source -> LiveStore.apply -> snapshot -> Views and the
JSON exports. Nothing raises and every export is JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

from apiwatch import export
from apiwatch.azure.sources import (
    SUBSCRIPTION_SOURCES,
    TENANT_SOURCES,
    SourceRead,
    parse_source,
)
from apiwatch.model import Severity, Snapshot, SourceFailure, Subscription
from apiwatch.steps import run as steps_run
from apiwatch.store.live import LiveStore
from apiwatch.store.views import Views

from .strategies import (
    APIM_KINDS,
    FUZZ,
    SUB,
    arm_dicts,
    json_values,
    mutate,
    set_path,
    unknown_enum_text,
    world,
    world_items,
)

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def kind_items(kind: str) -> st.SearchStrategy[list[Any]]:
    """A list mostly of real (often mutated) items of a kind, with some junk."""
    real = world_items(kind)
    edited = real.flatmap(lambda i: mutate(i, max_mutations=3)).map(lambda t: t[0])
    return st.lists(st.one_of(real, real, edited, edited, arm_dicts, json_values), max_size=6)


def payload(source: str) -> st.SearchStrategy[Any]:
    if source == "apim":
        return st.fixed_dictionaries({k: kind_items(k) for k in APIM_KINDS})
    return kind_items(source)


SOURCES = (*SUBSCRIPTION_SOURCES, *TENANT_SOURCES)
OTHER_SUB = "00000000-0000-0000-0000-000000000000"


@st.composite
def reads(draw: st.DrawFn) -> list[tuple[str, str | None, bool, Any]]:
    """(source, subscription, ok, raw): first one good read of every source, then more reads in
    any order, for this subscription (its id in any casing) or another, some failing, some
    with a junk payload."""
    out: list[tuple[str, str | None, bool, Any]] = [
        (source, None if source in TENANT_SOURCES else SUB, True, draw(payload(source)))
        for source in SOURCES
    ]
    for _ in range(draw(st.integers(0, 6))):
        source = draw(st.sampled_from(SOURCES))
        sub = None if source in TENANT_SOURCES else draw(
            st.sampled_from([SUB, SUB.upper(), OTHER_SUB]))
        ok = draw(st.integers(0, 3)) > 0
        raw = draw(st.one_of(payload(source), json_values)) if ok else None
        out.append((source, sub, ok, raw))
    return out


def check_everything_reads(store: LiveStore) -> None:
    """Every view and property the console and the headless commands read, then the exports."""
    snapshot = store.snapshot()
    views = Views(snapshot)
    read: list[Any] = []
    for v in views.endpoints:
        read.append((v.inactive, v.unauthenticated, v.external, v.sensitive, v.onboarded,
                     v.open_alerts, v.unencrypted, v.outside_vnet, v.label, v.health.value))
    for r in views.recommendations:
        read.append((r.unhealthy, r.healthy, r.severity.rank, r.display_name))
    assert len(views.alerts_newest_first()) == len(snapshot.alerts)
    read.append((views.endpoints_by_key, views.endpoints_by_api, snapshot.not_onboarded,
                 snapshot.failed_subscriptions(), [h.stale for h in snapshot.health]))
    for a in snapshot.alerts:
        read.append((a.is_api, a.tactics, a.sensitivity, [e.summary for e in a.entities]))
    for wf in snapshot.logic_apps:
        read.append([t.takes for t in wf.triggers])
    for produce in (export.inventory, export.alerts, export.recommendations):
        text = json.dumps(produce(snapshot))
        assert isinstance(json.loads(text), dict)


@settings(FUZZ, max_examples=40)
@given(steps=reads(), configured=st.booleans())
def test_fuzzed_reads_through_store_views_and_exports(steps, configured):
    clock = iter(T0 + timedelta(seconds=n) for n in range(1000))
    store = LiveStore([SUB] if configured else [], clock=lambda: next(clock))
    shown: Views | None = None
    for source, sub, ok, raw in steps:
        if ok:
            value, warnings = parse_source(source, sub, raw)
            store.apply(SourceRead(source, sub, True, value, raw, tuple(warnings)))
            if len(shown.snapshot.alerts if shown else ()) % 2:  # the poller's slices, or not
                steps_run(store.prepare_steps(source, sub))
        else:
            failure = SourceFailure(source, sub, "HTTP 503", 503, "ServiceUnavailable")
            store.apply(SourceRead(source, sub, False, failure=failure, retry_after=5.0))
        note(f"{source} {sub} ok={ok}")
        check_everything_reads(store)
        shown = check_carried_over_as_if_built_anew(store.snapshot(), shown)


def check_carried_over_as_if_built_anew(snapshot: Snapshot, previous: Views | None) -> Views:
    """The console's views take over what the previous snapshot's built from data both
    share: every index must be what building it anew gives."""
    carried = Views(snapshot, previous=previous)
    anew = Views(replace(snapshot))
    for name in ("alert_figures", "apis", "collections_by_api", "services",
                 "endpoint_counts_by_api", "recommendations"):
        assert getattr(carried, name) == getattr(anew, name), name
    for name in ("onboarded_api_keys", "not_onboarded", "recommendations_by_resource",
                 "alerts_by_resource"):
        assert getattr(carried.snapshot, name) == getattr(anew.snapshot, name), name
    assert ({k: carried.snapshot.endpoints_of(k) for k in carried.endpoint_counts_by_api}
            == {k: anew.snapshot.endpoints_of(k) for k in anew.endpoint_counts_by_api})
    assert ([(v.label, v.health, v.alerts, v.recommendations) for v in carried.endpoints]
            == [(v.label, v.health, v.alerts, v.recommendations) for v in anew.endpoints])
    return carried


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_the_linked_example_world_joins_up_and_exports(data):
    """The unmutated world read once: endpoints meet their collection, assessments and alerts,
    and an unknown severity written on an alert reaches the alerts export as written."""
    w = world()
    text = data.draw(unknown_enum_text(Severity), label="severity")
    set_path(w["alerts"][0], ("properties", "severity"), text)
    store = LiveStore([SUB], clock=lambda: T0)
    raws: dict[str, Any] = {s: w[s] for s in SOURCES if s in w}
    raws["apim"] = {k: w[k] for k in APIM_KINDS}
    for source in SOURCES:
        sub = None if source in TENANT_SOURCES else SUB
        value, warnings = parse_source(source, sub, raws[source])
        assert warnings == []
        store.apply(SourceRead(source, sub, True, value, raws[source], ()))
    snapshot = store.snapshot()
    assert snapshot.subscriptions == (Subscription(SUB, "Contoso production", "Enabled",
                                                   "72f988bf-86f1-41af-91ab-2d7cd011db47"),)
    views = Views(snapshot)
    assert len(views.endpoints) == len(w["operations"])
    assert any(v.onboarded for v in views.endpoints)
    assert any(not v.onboarded for v in views.endpoints)
    assert any(v.recommendations for v in views.endpoints)
    assert any(v.alerts for v in views.endpoints)
    assert all(v.insight is not None for v in views.endpoints)
    check_everything_reads(store)
    exported = json.loads(json.dumps(export.alerts(snapshot)))
    assert text in {a["severity"] for a in exported["alerts"]}

