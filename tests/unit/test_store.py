"""The live store keeps what it holds when nothing changed, so screens are not rebuilt."""

from __future__ import annotations

from datetime import datetime, timezone

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

    from apiwatch.azure import steps
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
