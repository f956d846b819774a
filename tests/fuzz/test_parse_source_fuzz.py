"""Arbitrary JSON into `parse_source` and into every per-resource parser: nothing escapes, and
every dict item is parsed, counted as skipped (BadItem) or filtered out by design."""

from __future__ import annotations

import contextlib
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
    identity_of,
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


def check_list(kind: str, raw: Any, parsed: tuple[Any, ...]) -> int:
    """Every dict item is parsed, skipped (counted) or filtered out by design (non-API
    assessments, disabled subscriptions); non-dict items are ignored. A repeated identity (a
    page served twice) may be collapsed to one item, never multiplied, and no good item is lost.
    Returns how many items the parser rejects: what the BadItem warning must count."""
    assert isinstance(parsed, tuple)
    assert all(isinstance(obj, DOMAIN_TYPES[kind]) for obj in parsed)
    dicts = _dicts(raw)
    accepted = []
    for item in dicts:
        with contextlib.suppress(*CAUGHT):
            accepted.append(PARSERS[kind](item))
    rejected = len(dicts) - len(accepted)
    kept = [o for o in accepted if not dropped_by_parse_source(kind, o)]
    dropped = len(accepted) - len(kept)
    note(f"{kind}: {len(dicts)} dicts, parsed {len(parsed)}, rejected {rejected}, "
         f"filtered {dropped}")

    def ident(obj: Any) -> str:
        return identity_of(kind, obj).lower()

    got = {ident(o) for o in parsed}
    assert got <= {ident(o) for o in kept}  # nothing invented, nothing filtered let through
    # an identity every occurrence of which is kept must come through
    filtered_ids = {ident(o) for o in accepted if dropped_by_parse_source(kind, o)}
    assert {ident(o) for o in kept} - filtered_ids <= got
    assert len(got) <= len(parsed) <= len(kept)
    if len({ident(o) for o in accepted}) == len(accepted):  # no repeats: the exact count
        assert len(parsed) + rejected + dropped == len(dicts)
    return rejected


def check_source(source: str, raw: Any) -> None:
    sub = sub_for(source)
    value, warnings = parse_source(source, sub, raw)  # never raises

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


@settings(FUZZ, max_examples=120)
@given(raw=raw_values, apim=apim_raw())
def test_parse_source_never_raises_and_accounts_for_every_dict(raw, apim):
    """The same arbitrary payload fed to every source (and an APIM-shaped one to apim)."""
    for source in ALL_SOURCES:
        check_source(source, raw)
    check_source("apim", apim)


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


@settings(FUZZ, max_examples=150)
@given(item=arm_dicts)
def test_parser_returns_a_domain_object_or_raises_bad_item_for_a_missing_identity(item):
    """What the per-resource parsers actually raise: only BadItem, and only when the identity
    property (`id`; `name` for metadata; `subscriptionId` for subscriptions) is absent, null or
    empty. Any non-empty value, of any JSON type, is read as text and the item is parsed."""
    for kind in KINDS:
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

