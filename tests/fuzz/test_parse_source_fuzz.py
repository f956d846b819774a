"""Arbitrary JSON into `parse_source` and into every per-resource parser: nothing escapes, every
dict item is either parsed or counted as skipped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from apiwatch.azure import graph
from apiwatch.azure.sources import ApimData, parse_source
from apiwatch.azure.wire import BadItem, ci
from apiwatch.model import EndpointInsight

from .strategies import (
    ALL_SOURCES,
    APIM_KINDS,
    CAUGHT,
    DOMAIN_TYPES,
    FUZZ,
    KINDS,
    PARSERS,
    SUB,
    arm_dicts,
    dropped_by_parse_source,
    identity_key,
    json_values,
    skipped_count,
)

# Item lists: mostly ARM-shaped dicts (they get past `required_text`), some arbitrary JSON.
item_lists = st.lists(arm_dicts | json_values, max_size=6)
raw_values = json_values | item_lists


def apim_raw() -> st.SearchStrategy[Any]:
    return raw_values | st.fixed_dictionaries(
        {}, optional={kind: raw_values for kind in APIM_KINDS})


def sub_for(source: str) -> str | None:
    return None if source in ("subscriptions", "metadata", "graph") else SUB


def _dicts(raw: Any) -> list[Mapping[str, Any]]:
    return [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []


def _rejects(kind: str, item: Mapping[str, Any]) -> bool:
    try:
        PARSERS[kind](item)
    except CAUGHT:
        return True
    return False


def check_list(kind: str, raw: Any, parsed: tuple[Any, ...]) -> int:
    """parsed + rejected + filtered-out == the dict items given (non-dict items are ignored).
    Returns how many the parser rejects: what the BadItem warning must count."""
    assert isinstance(parsed, tuple)
    assert all(isinstance(obj, DOMAIN_TYPES[kind]) for obj in parsed)
    dicts = _dicts(raw)
    rejected = sum(_rejects(kind, item) for item in dicts)
    dropped = sum(dropped_by_parse_source(kind, PARSERS[kind](item))
                  for item in dicts if not _rejects(kind, item))
    note(f"{kind}: {len(dicts)} dicts, parsed {len(parsed)}, rejected {rejected}, "
         f"filtered {dropped}")
    assert len(parsed) + rejected + dropped == len(dicts)
    return rejected


@pytest.mark.parametrize("source", ALL_SOURCES)
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_parse_source_never_raises_and_accounts_for_every_dict(source, data):
    raw = data.draw(apim_raw() if source == "apim" else raw_values, label="raw")
    sub = sub_for(source)
    value, warnings = parse_source(source, sub, raw)

    for w in warnings:
        assert (w.source, w.subscription_id, w.code) == (source, sub, "BadItem")
    if source == "graph":
        assert warnings == []
        assert isinstance(value, dict)
        assert len(value) <= len(_dicts(raw))
        assert all(isinstance(k, str) and isinstance(v, EndpointInsight)
                   for k, v in value.items())
        return
    if source == "apim":
        assert isinstance(value, ApimData)
        lists = raw if isinstance(raw, Mapping) else {}
        parsed = (value.services, value.apis, value.endpoints)
        rejected = [check_list(kind, lists.get(kind), got)
                    for kind, got in zip(APIM_KINDS, parsed, strict=True)]
    else:
        rejected = [check_list(source, raw, value)]
    # one warning per list that lost items, counting exactly the items the parser rejects
    assert len(warnings) == sum(1 for r in rejected if r)
    assert skipped_count(warnings) == sum(rejected)


@pytest.mark.parametrize("source", ALL_SOURCES)
@settings(FUZZ, max_examples=20)
@given(raw=st.none() | st.booleans() | st.integers() | st.text() | st.dictionaries(
    st.text(max_size=8), json_values, max_size=3))
def test_a_non_list_payload_reads_as_empty(source, raw):
    if source == "apim" and isinstance(raw, Mapping):
        raw = {k: v for k, v in raw.items() if k not in APIM_KINDS}
    value, warnings = parse_source(source, sub_for(source), raw)
    assert warnings == []
    assert value == {"apim": ApimData(), "graph": {}}.get(source, ())


@pytest.mark.parametrize("kind", KINDS)
@settings(FUZZ, max_examples=60)
@given(item=arm_dicts)
def test_parser_returns_a_domain_object_or_raises_bad_item_for_a_missing_identity(kind, item):
    """What the per-resource parsers actually raise: only BadItem, and only when the identity
    property (`id`; `name` for metadata; `subscriptionId` for subscriptions) is absent, null or
    empty. Any non-empty value, of any JSON type, is read as text and the item is parsed."""
    identity = ci(item, identity_key(kind))
    if identity is None or identity == "":
        with pytest.raises(BadItem):
            PARSERS[kind](item)
    else:
        assert isinstance(PARSERS[kind](item), DOMAIN_TYPES[kind])


@settings(FUZZ, max_examples=60)
@given(row=arm_dicts | st.fixed_dictionaries({"id": st.text(), "properties": arm_dicts}))
def test_graph_row_parser_never_raises(row):
    parsed = graph.parse_endpoint_row(row)
    assert parsed is None or (isinstance(parsed[0], str)
                              and isinstance(parsed[1], EndpointInsight))

