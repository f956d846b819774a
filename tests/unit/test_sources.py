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
