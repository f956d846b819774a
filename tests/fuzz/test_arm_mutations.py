"""Surprising but plausible ARM items: Microsoft's example items, edited the way live Azure (or a
newer api-version) surprises a client. Nothing raises; an item whose identity survives is parsed;
unknown enum strings and odd timestamps come through as documented; good items next to bad ones
all come through and the bad ones are counted."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from apiwatch.azure import graph
from apiwatch.azure.sources import ApimData, parse_source
from apiwatch.azure.wire import BadItem, ci, parse_time
from apiwatch.export import plain

from .strategies import (
    APIM_KINDS,
    DOMAIN_TYPES,
    ENUM_FIELDS,
    FUZZ,
    KINDS,
    LIST_SOURCES,
    PARSERS,
    SUB,
    arm_dicts,
    dropped_by_parse_source,
    fold,
    garbage_times,
    get_path,
    identity_key,
    identity_of,
    iso_times,
    json_values,
    mutate,
    paths,
    recasings,
    rename_key,
    set_path,
    skipped_count,
    unknown_enum_text,
    without_identity,
    world,
    world_items,
)


def sub_for(source: str) -> str | None:
    return None if source in ("subscriptions", "metadata", "graph") else SUB


def read_one(kind: str, item: dict[str, Any]) -> tuple[tuple[Any, ...], list[Any]]:
    """The item alone through parse_source: the parsed objects of its kind, and the warnings."""
    if kind in APIM_KINDS:
        value, warnings = parse_source("apim", SUB, {kind: [item]})
        assert isinstance(value, ApimData)
        return dict(zip(APIM_KINDS, (value.services, value.apis, value.endpoints),
                        strict=True))[kind], warnings
    return parse_source(kind, sub_for(kind), [item])


# -- 2. mutated items ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_mutated_item_is_parsed_exactly_when_its_identity_survives(kind, data):
    item, log = data.draw(world_items(kind).flatmap(mutate), label="item")
    note("\n".join(log))
    identity = ci(item, identity_key(kind))
    parsed, warnings = read_one(kind, item)  # never raises
    if identity is None or identity == "":
        assert (parsed, skipped_count(warnings)) == ((), 1)
        with pytest.raises(BadItem):
            PARSERS[kind](item)
        return
    obj = PARSERS[kind](item)  # not skipped: a domain object
    assert isinstance(obj, DOMAIN_TYPES[kind])
    assert warnings == []
    if isinstance(identity, str):
        assert identity_of(kind, obj) == identity
    assert parsed == (() if dropped_by_parse_source(kind, obj) else (obj,))


@pytest.mark.parametrize("kind", KINDS)
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_item_keeping_its_identity_is_never_skipped(kind, data):
    """However the rest is mangled (properties as a list, huge strings, nulls, wrong types)."""
    key = identity_key(kind)
    item, log = data.draw(world_items(kind).flatmap(
        lambda i: mutate(i, protect=[(key,)], max_mutations=6)), label="item")
    note("\n".join(log))
    parsed, warnings = read_one(kind, item)
    assert warnings == []
    obj = PARSERS[kind](item)
    assert identity_of(kind, obj) == ci(item, key)
    if kind not in ("assessments", "subscriptions"):
        assert parsed == (obj,)


ENUM_CASES = [(kind, path, attr, cls) for kind, fields in ENUM_FIELDS.items()
              for path, attr, cls in fields]


@pytest.mark.parametrize(("kind", "path", "attr", "enum_cls"), ENUM_CASES,
                         ids=[f"{k}.{a}" for k, _, a, _ in ENUM_CASES])
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_unknown_enum_string_survives_in_the_domain_value(kind, path, attr, enum_cls, data):
    text = data.draw(unknown_enum_text(enum_cls), label="text")
    base = data.draw(world_items(kind), label="base")
    set_path(base, path, text)
    item, log = data.draw(mutate(base, protect=[(identity_key(kind),), path]), label="item")
    note("\n".join(log))
    value = getattr(PARSERS[kind](item), attr)
    assert isinstance(value, enum_cls)
    assert value.value == text and str(value) == text
    assert not value.known
    _, warnings = read_one(kind, item)
    assert warnings == []


@pytest.mark.parametrize(("kind", "path", "attr", "enum_cls"), ENUM_CASES,
                         ids=[f"{k}.{a}" for k, _, a, _ in ENUM_CASES])
@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_known_enum_string_in_any_casing_is_the_member(kind, path, attr, enum_cls, data):
    member = data.draw(st.sampled_from(list(enum_cls)), label="member")
    spelling = data.draw(st.sampled_from([member.value, *recasings(member.value)]))
    base = data.draw(world_items(kind), label="base")
    set_path(base, path, spelling)
    assert getattr(PARSERS[kind](base), attr) is member


TIME_FIELDS = [
    ("alerts", ("properties", "startTimeUtc"), "start_time"),
    ("alerts", ("properties", "endTimeUtc"), "end_time"),
    ("alerts", ("properties", "timeGeneratedUtc"), "time_generated"),
    ("alerts", ("properties", "processingEndTimeUtc"), "processing_end_time"),
    ("assessments", ("properties", "status", "firstEvaluationDate"), "first_evaluated"),
    ("assessments", ("properties", "status", "statusChangeDate"), "status_changed"),
]


@pytest.mark.parametrize(("kind", "path", "attr"), TIME_FIELDS,
                         ids=[f"{k}.{a}" for k, _, a in TIME_FIELDS])
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_timestamps_with_seven_digits_parse_and_garbage_becomes_none(kind, path, attr, data):
    base = data.draw(world_items(kind), label="base")
    if data.draw(st.booleans(), label="valid"):
        text, expected = data.draw(iso_times(), label="time")
    else:
        text = data.draw(garbage_times | json_values, label="garbage")
        expected = parse_time(text)
        assert expected is None or expected.tzinfo is not None
    set_path(base, path, text)
    got = getattr(PARSERS[kind](base), attr)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == expected.utcoffset()


@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_graph_row_timestamps_follow_parse_time(data):
    row = data.draw(world_items("graph"), label="row")
    text = data.draw(iso_times().map(lambda t: t[0]) | garbage_times | json_values, label="t")
    set_path(row, ("properties", "DiscoveryDate"), text)
    parsed = graph.parse_endpoint_row(row)
    assert parsed is not None
    assert parsed[1].discovered == parse_time(text)


# Keys a parser reads with `ci`; below these the keys are data (entity fields, tags, trigger
# names, PII types, extended properties), passed through as they come.
_DATA_BELOW = {"entities", "extendedproperties", "extendedlinks", "supportingevidence", "tags",
               "pii"}
_PASSTHROUGH_ATTRS = ("entities", "extended_properties", "extended_links",
                      "supporting_evidence")


@pytest.mark.parametrize("kind", [*KINDS, "graph"])
@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_capitalised_keys_read_the_same(kind, data):
    """Live Azure spells `Id`/`Source` where the examples say `id`/`source`: every property a
    parser reads must be found in any casing."""
    original = data.draw(world_items(kind), label="item")
    item = copy.deepcopy(original)
    renamed = []
    for path in sorted(paths(item), key=len, reverse=True):  # deepest first: paths stay valid
        if any(k in _DATA_BELOW for k in fold(path[:-1]) if isinstance(k, str)):
            continue
        key = path[-1]
        if not isinstance(key, str) or not recasings(key):
            continue
        if kind == "logic-apps" and fold(path[-2:-1]) == ("triggers",):
            continue  # trigger names are data
        if not data.draw(st.booleans(), label=f"recase {path}"):
            continue
        new = data.draw(st.sampled_from(recasings(key)), label=f"as {path}")
        if rename_key(get_path(item, path[:-1]), key, new):
            renamed.append(f"{path} -> {new}")
    note("\n".join(renamed))
    parse = graph.parse_endpoint_row if kind == "graph" else PARSERS[kind]

    def shown(obj: Any) -> Any:
        if kind == "alerts":
            obj = dataclasses.replace(obj, **{a: None for a in _PASSTHROUGH_ATTRS})
        return plain(obj)

    assert shown(parse(item)) == shown(parse(original))


# -- 3. good and bad items in one list ------------------------------------------------------------
def good_and_bad(kind: str) -> st.SearchStrategy[tuple[list[Any], list[Any], list[Any]]]:
    """(good items with distinct identities, bad items, the shuffled list of both plus
    non-dict noise)."""
    key = identity_key(kind)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[list[Any], list[Any], list[Any]]:
        items = world()[kind]
        protect = [(key,)]
        if kind == "assessments":  # keep it about an APIM resource, or parse_source drops it
            protect.append(("properties", "resourceDetails"))
        if kind == "subscriptions":
            items = [i for i in items if i["state"] == "Enabled"]
            protect.append(("state",))
        # distinct identities: a repeated one may be collapsed (a page served twice)
        chosen = draw(st.lists(st.sampled_from(range(len(items))),
                               unique_by=lambda n: str(items[n][key]).lower()))
        good = []
        for n in chosen:
            item = items[n]
            if draw(st.booleans()):
                item, _ = draw(mutate(item, protect=protect, max_mutations=3))
            good.append(item)
        how = st.sampled_from(["missing", "null", "empty"])
        bad = draw(st.lists(
            st.tuples(world_items(kind) | arm_dicts, how).map(
                lambda t: without_identity(kind, t[0], t[1])),
            max_size=4))
        noise = draw(st.lists(st.none() | st.integers() | st.text(max_size=5)
                              | st.lists(st.integers(), max_size=2), max_size=3))
        mixed = draw(st.permutations(good + bad + noise))
        return good, bad, mixed

    return build()


@pytest.mark.parametrize("source", [*LIST_SOURCES, "apim"])
@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_good_items_come_through_and_bad_ones_are_counted(source, data):
    kinds = APIM_KINDS if source == "apim" else (source,)
    drawn = {kind: data.draw(good_and_bad(kind), label=kind) for kind in kinds}
    raw: Any = ({kind: mixed for kind, (_, _, mixed) in drawn.items()} if source == "apim"
                else drawn[source][2])
    value, warnings = parse_source(source, sub_for(source), raw)
    parsed = (dict(zip(APIM_KINDS, (value.services, value.apis, value.endpoints), strict=True))
              if source == "apim" else {source: value})
    for kind, (good, _, mixed) in drawn.items():
        # every good item, in the order given
        order = [ci(i, identity_key(kind)) for i in mixed if any(i is g for g in good)]
        assert [identity_of(kind, obj) for obj in parsed[kind]] == order
    bad_total = sum(len(bad) for _, bad, _ in drawn.values())
    assert skipped_count(warnings) == bad_total
    assert all(w.code == "BadItem" and w.source == source for w in warnings)
    assert len(warnings) == sum(1 for _, bad, _ in drawn.values() if bad)


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_graph_keeps_every_endpoint_row_and_ignores_the_rest(data):
    rows = world()["graph"]
    good = data.draw(st.lists(st.sampled_from(rows), unique_by=lambda r: r["id"]), label="good")
    good = [data.draw(mutate(r, protect=[("id",)], max_mutations=3))[0] if data.draw(
        st.booleans()) else r for r in good]
    bad = data.draw(st.lists(
        st.sampled_from(rows).map(lambda r: without_identity("graph", r, "missing"))
        | st.sampled_from(rows).map(lambda r: {**r, "id": r["id"].replace("apiEndpoints",
                                                                          "operations")})
        | arm_dicts, max_size=4), label="bad")
    mixed = data.draw(st.permutations(good + bad))
    value, warnings = parse_source("graph", None, mixed)
    assert warnings == []
    expected = {graph.endpoint_key(r["id"]) for r in good}
    assert expected <= set(value)
    # an arbitrary dict may happen to carry an endpoint id; nothing else adds keys
    extra = {graph.endpoint_key(str(ci(r, "id") or "")) for r in bad} - {None}
    assert set(value) <= expected | extra
