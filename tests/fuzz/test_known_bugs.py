"""Data-layer bugs the fuzz tests found, kept as regression tests now that they are fixed."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from apiwatch.azure import collections
from apiwatch.azure.sources import parse_source
from apiwatch.azure.wire import parse_time
from apiwatch.store.live import LiveStore

from .strategies import SERVICE, SUB

COLLECTION_ID = f"{SERVICE}/providers/Microsoft.Security/apiCollections/echo-api"

# wire.integer() (apiwatch/azure/wire.py) does `int(float(value))` and catches only ValueError;
# a counter that float() reads as infinity raises OverflowError, which neither integer() nor
# sources._parse_list's `except (BadItem, TypeError, ValueError, AttributeError, KeyError)`
# catches: parse_source raises, and with it read_source ("never raises") and load_cached.
OVERFLOWING_COUNTERS = {
    "json-number-1e999": json.loads("1e999"),  # valid JSON; Python's json makes it float('inf')
    "string-1e999": "1e999",
    "string-inf": "inf",
    "string-Infinity": "Infinity",
    "string-400-nines": "9" * 400,
}


def collection_with(counter: object) -> dict[str, object]:
    return {"id": COLLECTION_ID, "name": "echo-api",
            "properties": {"numberOfApiEndpoints": counter}}


@pytest.mark.parametrize("counter", list(OVERFLOWING_COUNTERS.values()),
                         ids=list(OVERFLOWING_COUNTERS))
def test_bug_parse_source_raises_on_a_collection_counter_that_reads_as_infinity(counter):
    value, warnings = parse_source("collections", SUB, [collection_with(counter)])
    assert [c.id for c in value] == [COLLECTION_ID]  # parsed, the counter unknown
    assert value[0].endpoints is None and warnings == []


def test_parse_collection_reads_an_infinite_counter_as_unknown():
    assert collections.parse_collection(collection_with("1e999")).endpoints is None


def test_bug_a_cached_collection_with_an_infinite_counter_breaks_loading_the_cache():
    """The same through LiveStore.load_cached (what the console does at start with the
    on-disk cache) and the good item beside it is lost too."""
    good = {"id": f"{SERVICE}/providers/Microsoft.Security/apiCollections/a1", "name": "a1"}
    store = LiveStore([SUB])
    store.load_cached("collections", SUB, [good, collection_with("1e999")],
                      datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert len(store.snapshot().collections) == 2


# parse_time (apiwatch/azure/wire.py) rewrites the fraction itself: it keeps any number of
# digits (truncating to six) and, with no digit after the dot, drops the dot. So strings that
# are not ISO 8601 with 0-7 fraction digits come back as times instead of None. Harmless in
# practice (the time read is the one meant), but not the documented contract.
@pytest.mark.parametrize("text", ["2020-02-22T00:00:00.Z", "2020-02-22T00:00:00.",
                                  "2020-02-22T00:00:00.12345678Z",
                                  "2020-02-22T00:00:00.0000000000000000001Z"])
def test_bug_parse_time_accepts_fractions_that_are_not_zero_to_seven_digits(text):
    assert parse_time(text) is None
