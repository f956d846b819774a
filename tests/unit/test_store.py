"""The live store keeps what it holds when nothing changed, so screens are not rebuilt."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from apiwatch.azure.sources import SourceRead, parse_source
from apiwatch.model import SourceFailure
from apiwatch.store.live import LiveStore

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
OP = ("/subscriptions/{sub}/resourceGroups/g/providers/Microsoft.ApiManagement/service/a"
      "/apis/orders/operations/get")


def assessment(sub: str, status: str = "Unhealthy") -> dict:
    op = OP.format(sub=sub)
    return {"id": f"{op}/providers/Microsoft.Security/assessments/k1", "name": "k1",
            "properties": {"resourceDetails": {"Id": op}, "status": {"code": status},
                           "displayName": "Endpoints should be authenticated"}}


def subs(*ids: str) -> list[dict]:
    return [{"subscriptionId": i, "displayName": i, "state": "Enabled"} for i in ids]


def read(source: str, sub: str | None, raw: object) -> SourceRead:
    value, _ = parse_source(source, sub, raw)
    return SourceRead(source, sub, True, value, raw)


def test_same_answer_keeps_the_data_a_new_one_replaces_it():
    store = LiveStore((), lambda: NOW)
    store.apply(read("subscriptions", None, subs("s1", "s2")))
    store.load_cached("assessments", "s1", [assessment("s1")], NOW)
    cached = store.snapshot()
    assert len(cached.recommendations) == 1

    # s2 fails before ever being read, s1 answers as cached: the same data, fresher health
    store.apply(SourceRead("assessments", "s2", False,
                           failure=SourceFailure("assessments", "s2", "HTTP 403", 403)))
    store.apply(read("assessments", "s1", [assessment("s1")]))
    later = store.snapshot()
    assert later.same_data(cached) and not later.from_cache
    assert later.recommendations is cached.recommendations

    store.apply(read("assessments", "s1", [assessment("s1", "Healthy")]))
    changed = store.snapshot()
    assert not changed.same_data(later)
    assert changed.recommendations[0].status.value == "Healthy"


def test_an_unchanged_read_keeps_the_value_it_was_compared_with_and_nothing_else():
    from apiwatch.azure.pages import Listing, PageMark

    pages = Listing((PageMark("https://arm/alerts?page=1", b"d" * 16, None),))
    store = LiveStore((), lambda: NOW)
    store.apply(read("subscriptions", None, subs("s1")))
    full = read("assessments", "s1", [assessment("s1")])
    store.apply(SourceRead("assessments", "s1", True, full.value, full.raw, listing=pages))
    held = store.snapshot()
    assert store.listing("assessments", "s1") == pages

    later = datetime(2026, 11, 24, 3, 5, tzinfo=timezone.utc)
    store.apply(SourceRead("assessments", "s1", True, listing=pages, unchanged=True), at=later)
    assert store.snapshot().recommendations is held.recommendations
    assert store.states[("assessments", "s1")].fetched_at == later

    # the held value came from the cache meanwhile: an "unchanged" against other pages is not
    # applied, and the next read is asked in full
    store.load_cached("assessments", "s1", [assessment("s1", "Healthy")], NOW)
    store.apply(SourceRead("assessments", "s1", True, listing=pages, unchanged=True), at=later)
    assert store.snapshot().recommendations[0].status.value == "Healthy"
    assert store.listing("assessments", "s1") is None


def test_old_garbage_cycles_frozen_with_the_data_are_freed_within_the_full_collection_interval():
    import gc
    import weakref

    from apiwatch.poller import memory

    class Node:
        pass

    now = [0.0]
    policy = memory._Policy(clock=lambda: now[0])
    try:
        cycle = Node()
        cycle.me = cycle
        gc.collect()  # the cycle grows old, as data kept across polls does
        gone = weakref.ref(cycle)
        del cycle
        policy.keep_long_lived()
        now[0] += memory.FULL_COLLECTION_SECONDS / 2
        policy.keep_long_lived()
        assert gone() is not None  # frozen: not walked by every poll's collection
        now[0] += memory.FULL_COLLECTION_SECONDS / 2
        policy.keep_long_lived()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_the_cache_keeps_the_pages_a_source_was_read_from_and_upgrades_an_older_file(tmp_path):
    import sqlite3

    from apiwatch.azure.pages import Listing, PageMark
    from apiwatch.store.state_db import StateDB

    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as old:  # as an apiwatch from before the listing column made it
        old.execute("CREATE TABLE source_cache (profile TEXT NOT NULL, source TEXT NOT NULL,"
                    " subscription TEXT NOT NULL, fetched_at TEXT NOT NULL, payload TEXT NOT"
                    " NULL, PRIMARY KEY (profile, source, subscription))")
        old.execute("INSERT INTO source_cache VALUES ('p', 'alerts', 's0', ?, '[]')",
                    (NOW.isoformat(),))
    pages = Listing((PageMark("https://arm/a?api-version=1", b"\x01" * 16, "https://arm/a?p=2"),
                     PageMark("https://arm/a?p=2", b"\x02" * 16, None)))
    db = StateDB(path)
    try:
        db.save_source("p", "alerts", "s1", NOW, [{"id": "x"}], pages.to_json())
        rows = {r.subscription: r for r in db.cached_sources("p")}
        assert rows["s0"].listing is None and rows["s0"].raw == []
        assert Listing.from_json(rows["s1"].listing) == pages

        later = datetime(2026, 11, 24, 3, 5, tzinfo=timezone.utc)
        db.touch_source("p", "alerts", "s1", later)  # no pages given: the kept ones stand
        row = next(r for r in db.cached_sources("p") if r.subscription == "s1")
        assert row.fetched_at == later and Listing.from_json(row.listing) == pages
    finally:
        db.close()
    # what is not a listing costs only a full read, never an error
    for bad in ("x", [["u", "zz", None]], [["u", "00"]], [], None):
        assert Listing.from_json(bad) is None


def test_news_counts_what_a_user_must_see_soon_not_a_read_time_alone():
    store = LiveStore((), lambda: NOW)
    store.apply(read("subscriptions", None, subs("s1")))
    store.apply(read("assessments", "s1", [assessment("s1")]))
    news = store.news

    store.apply(read("assessments", "s1", [assessment("s1")]))  # the same answer again
    assert store.news == news

    failure = SourceFailure("assessments", "s1", "HTTP 503", 503)
    store.apply(SourceRead("assessments", "s1", False, failure=failure))
    assert store.news == news + 1  # a source starts failing
    store.apply(SourceRead("assessments", "s1", False, failure=failure))
    assert store.news == news + 1  # failing as before
    store.apply(read("assessments", "s1", [assessment("s1")]))
    assert store.news == news + 2  # recovered
    store.apply(read("assessments", "s1", [assessment("s1", "Healthy")]))
    assert store.news == news + 3  # new data


def test_the_cache_encodes_in_slices_exactly_what_json_dumps_gives():
    import json

    from apiwatch import steps
    from apiwatch.store.state_db import EncodedJson, encode_steps

    alerts = [{"id": f"a{i}", "properties": {"severity": "High", "n": i, "ok": True, "x": None,
                                           "name": "ünïcode \u2028 \"quoted\""}}
              for i in range(1234)]
    for raw in (alerts, [], {"services": alerts[:3], "apis": [], "operations": alerts},
                {"data": 1}, "text", None):
        encoded = steps.run(encode_steps(raw))
        assert isinstance(encoded, EncodedJson)
        assert encoded == json.dumps(raw, separators=(",", ":"))
        assert json.loads(encoded) == raw


def metadata(severity: str, description: str) -> list[dict]:
    return [{"name": "k1", "properties": {"displayName": "Endpoints should be authenticated",
                                          "severity": severity, "description": description}}]


def alert(sub: str, n: int, status: str = "Active", severity: str = "High") -> dict:
    op = OP.format(sub=sub)
    return {"id": f"/subscriptions/{sub}/resourceGroups/g/providers/Microsoft.Security/"
                  f"locations/westeurope/alerts/a{n}", "name": f"a{n}",
            "properties": {"alertType": "API_X", "severity": severity, "status": status,
                           "resourceIdentifiers": [{"type": "AzureResource",
                                                    "azureResourceId": op}]}}


def test_recommendations_prepared_in_slices_leave_the_snapshot_nothing_to_redo(monkeypatch):
    """The poller prepares each read's recommendations in slices on the loop; the snapshot
    shown next takes them as they are, and shows new metadata once it is prepared too."""
    from apiwatch import steps
    from apiwatch.model import Recommendation, Severity

    store = LiveStore((), lambda: NOW)
    store.apply(read("subscriptions", None, subs("s1", "s2")))
    store.apply(read("metadata", None, metadata("High", "first")))
    for sub in ("s1", "s2"):
        store.apply(read("assessments", sub, [assessment(sub)]))
        steps.run(store.prepare_steps("assessments", sub))
    wrapped = []
    real = Recommendation.with_metadata
    monkeypatch.setattr(Recommendation, "with_metadata",
                        lambda self, meta: wrapped.append(self) or real(self, meta))

    first = store.snapshot()
    assert wrapped == []
    assert [(r.severity, r.description) for r in first.recommendations] == [
        (Severity.HIGH, "first")] * 2

    store.apply(read("metadata", None, metadata("Low", "second")))
    steps.run(store.prepare_steps("metadata", None))
    assert len(wrapped) == 2  # each subscription's, in the slices
    second = store.snapshot()
    assert len(wrapped) == 2
    assert [(r.severity, r.description) for r in second.recommendations] == [
        (Severity.LOW, "second")] * 2

    # without the slices (the headless reads, the cache at start) the snapshot does it itself
    store.apply(read("assessments", "s1", [assessment("s1", "Healthy")]))
    assert [r.status.value for r in store.snapshot().recommendations] == ["Healthy", "Unhealthy"]
    assert len(wrapped) == 3


def test_views_of_the_next_snapshot_take_over_what_its_unchanged_data_built():
    """New alerts alone: the APIs, collections and recommendations indexes are the ones already
    built; the alert counts are counted again, and right."""
    from apiwatch.store.views import Views

    store = LiveStore((), lambda: NOW)
    store.apply(read("subscriptions", None, subs("s1")))
    store.apply(read("assessments", "s1", [assessment("s1")]))
    store.apply(read("alerts", "s1", [alert("s1", 1), alert("s1", 2, status="Resolved")]))
    before = Views(store.snapshot()).warm()
    by_resource = before.snapshot.recommendations_by_resource
    assert before.open_alerts_by_api == {OP.format(sub="s1").lower().rsplit("/operations/")[0]: 1}

    store.apply(read("alerts", "s1", [alert("s1", 1), alert("s1", 2, status="Resolved"),
                                      alert("s1", 3, severity="Low")]))
    after = Views(store.snapshot(), previous=before)
    assert after.snapshot.recommendations_by_resource is by_resource
    assert after.endpoint_counts_by_api is before.endpoint_counts_by_api
    assert after.alert_figures is not before.alert_figures
    assert list(after.open_alerts_by_api.values()) == [2]
    assert dict(after.alert_figures.open_by_severity) == {"High": 1, "Low": 1}
    assert len(after.alert_keys) == 3

    store.apply(read("assessments", "s1", [assessment("s1", "Healthy")]))
    again = Views(store.snapshot(), previous=after)
    assert again.alert_figures is after.alert_figures
    assert again.snapshot.recommendations_by_resource is not by_resource
    assert [r.status.value for r in again.snapshot.recommendations] == ["Healthy"]


def test_releasing_the_free_heap_gives_memory_back_to_the_system():
    """What a refresh's transient JSON leaves free but held (here: 100 MB of strings freed
    around a few kept) goes back to the system, as resident memory shows."""
    import subprocess
    import sys

    script = """
import json
from apiwatch.poller.memory import release_free_heap
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
pages = [json.dumps({"name": "x" * 600, "n": n}) for n in range(160_000)]
kept = pages[::97]
del pages
before = rss()
print(release_free_heap(), before, rss())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    released, before, after = out[0] == "True", float(out[1]), float(out[2])
    if not released:
        pytest.skip("no malloc_trim here (not glibc)")
    assert before - after > 40, (before, after)
