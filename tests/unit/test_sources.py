"""The vocabulary of sources, kinds and source states (apiwatch/model/sources.py): declared once,
and every grouping of the sources (the poller's jobs, the status line's, the Overview's) agrees
with it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from apiwatch.azure.sources import SourceRead
from apiwatch.export import plain
from apiwatch.model import SourceFailure, SourceStatus
from apiwatch.store.live import LiveStore, SourceState

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)


def test_a_source_state_is_one_of_the_declared_and_reads_as_its_name():
    store = LiveStore(("s1",), lambda: NOW)
    store.apply(SourceRead("alerts", "s1", True, (), []))
    store.apply(SourceRead("collections", "s1", False,
                           failure=SourceFailure("collections", "s1", "HTTP 503", 503)))
    store.load_cached("automations", "s1", [], NOW)
    health = {h.source: h for h in store.snapshot().health}
    statuses = {source: h.status for source, h in health.items()}
    statuses["apim"] = SourceState("apim", "s1").status  # not tried yet
    assert statuses == {"alerts": SourceStatus.OK, "collections": SourceStatus.FAILING,
                        "automations": SourceStatus.CACHED, "apim": SourceStatus.PENDING}
    assert all(type(s) is SourceStatus for s in statuses.values())
    # what the tests, the JSON and the text made of it see: the plain name
    assert statuses["alerts"] == "ok" and f"{statuses['collections']}" == "failing"
    assert "{}".format(statuses["apim"]) == "pending" and str(statuses["alerts"]) == "ok"
    assert json.dumps(plain(health["collections"]))
    assert json.loads(json.dumps([statuses["alerts"]])) == ["ok"]
    assert {"ok": 1}[statuses["alerts"]] == 1


def test_each_source_has_one_kind_and_one_scope_and_each_kind_a_name():
    from dataclasses import fields

    from apiwatch.model.sources import KINDS, SOURCES, Kind, Scope, Source
    from apiwatch.poller.engine import Intervals

    assert list(SOURCES) == list(Source) and list(KINDS) == list(Kind)  # each declared once
    assert all(isinstance(i.kind, Kind) and isinstance(i.scope, Scope) for i in SOURCES.values())
    assert all(any(i.kind is kind for i in SOURCES.values()) for kind in Kind)  # none empty
    names = [k.shown for k in KINDS.values()]
    assert len(set(names)) == len(names)
    # each kind is polled at an interval the config sets; and (the poller's tenant jobs are one
    # a kind) at most one tenant-wide source a kind
    intervals = {f.name for f in fields(Intervals)}
    assert {k.polled_with.value for k in KINDS.values()} == intervals
    tenant = [i.kind for i in SOURCES.values() if i.scope is not Scope.SUBSCRIPTION]
    assert len(tenant) == len(set(tenant))
    assert [s for s, i in SOURCES.items() if i.scope is Scope.LIST] == [Source.SUBSCRIPTIONS]


def test_the_poller_the_status_line_and_the_overview_put_each_source_in_the_same_kind():
    """Each place that groups the sources, as it groups them: the kind of each source by the
    poller's jobs, by the status line's 'loading …' and by the Overview's ages. (The Overview
    once aged Resource Graph with the inventory, which the poller read as a job of its own.)"""
    from apiwatch.model.sources import KINDS, SOURCES, Kind, Scope, Source
    from apiwatch.poller.engine import SUBSCRIPTION_JOBS, TENANT_JOBS
    from apiwatch.tui import format as fmt
    from apiwatch.tui.screens.overview import KIND_SOURCES

    named = {KINDS[kind].shown: kind for kind in Kind}
    status_line = {s: named[name] for name, per_sub, tenant in fmt.KINDS_LOADED
                   for s in (*per_sub, *tenant)}
    overview = {s: named[name] for name, srcs in KIND_SOURCES for s in srcs}
    polled_as = {s: kind for kind, s in TENANT_JOBS.items()}
    polled_with = {s: kind for kind, srcs in SUBSCRIPTION_JOBS.items() for s in srcs}
    declared = {s: i.kind for s, i in SOURCES.items()}

    assert overview == declared
    # the subscription list's own progress is said apart ('loading the subscription list…')
    assert status_line == {s: k for s, k in declared.items() if s is not Source.SUBSCRIPTIONS}
    assert polled_as.keys() | polled_with.keys() == set(Source)  # every source polled,
    assert not polled_as.keys() & polled_with.keys()  # in one job
    assert polled_as == {s: k for s, k in declared.items()
                         if SOURCES[s].scope is not Scope.SUBSCRIPTION}
    assert polled_with == {s: KINDS[k].polled_with for s, k in declared.items()
                           if SOURCES[s].scope is Scope.SUBSCRIPTION}
    assert overview["graph"] == status_line["graph"] == polled_as["graph"] == Kind.INSIGHTS
    # and in one order, the vocabulary's
    assert [n for n, *_ in fmt.KINDS_LOADED] == [n for n, _ in KIND_SOURCES] == list(named)


def test_the_status_line_names_what_is_still_loading_by_the_kinds_names():
    from apiwatch.model import Snapshot, SourceHealth, Subscription
    from apiwatch.tui import format as fmt

    subs = (Subscription("s1", "one"), Subscription("s2", "two"))
    listed = SourceHealth("subscriptions", None, SourceStatus.OK, NOW)
    alerts = SourceHealth("alerts", "s1", SourceStatus.OK, NOW)
    snap = Snapshot(taken_at=NOW, subscriptions=subs, health=(listed, alerts))
    assert fmt.kinds_loading(snap) == ("loading alerts 1/2, inventory 0/2, recommendations 0/2,"
                                       " automation 0/2, insights")


def test_the_cache_opens_what_the_overview_counts_first():
    from apiwatch.model.sources import CACHE_FIRST, Kind, sources
    from apiwatch.tui import format as fmt

    assert set(fmt.API_SOURCES) | set(sources(Kind.ALERTS)) <= CACHE_FIRST
    assert "subscriptions" in CACHE_FIRST  # the cards count per subscription listed
    assert not CACHE_FIRST & set(sources(Kind.HEALTH, Kind.INSIGHTS))  # the bulk comes after


def test_each_kind_is_polled_at_its_interval():
    from apiwatch.poller.engine import Intervals

    intervals = Intervals(alerts=1.0, inventory=2.0, automation=3.0)
    assert [intervals.of(k) for k in ("alerts", "inventory", "health", "automation",
                                      "insights")] == [1.0, 2.0, 2.0, 3.0, 2.0]
