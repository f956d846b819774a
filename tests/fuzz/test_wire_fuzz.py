"""The tolerant readers: `parse_time`, `ci` and the open enums."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiwatch.azure.wire import ci, parse_time
from apiwatch.model import (
    AlertStatus,
    AssessmentStatus,
    Health,
    ProvisioningState,
    Severity,
    WorkflowState,
)

from .strategies import FUZZ, GARBAGE_TIMES, iso_times, json_values, recasings

OPEN_ENUMS = (Severity, AlertStatus, AssessmentStatus, ProvisioningState, Health, WorkflowState)


# -- parse_time ----------------------------------------------------------------------------------
@settings(FUZZ, max_examples=150)
@given(case=iso_times())
def test_parse_time_round_trips_iso_times_with_zero_to_seven_fraction_digits(case):
    text, expected = case
    got = parse_time(text)
    assert got == expected
    assert got is not None and got.utcoffset() == expected.utcoffset()
    # and surrounding whitespace, as a sloppy proxy might leave it
    assert parse_time(f" {text}\n") == expected


@settings(FUZZ, max_examples=30)
@given(dt=st.datetimes(timezones=st.just(timezone.utc)))
def test_parse_time_reads_back_what_python_writes(dt):
    assert parse_time(dt.isoformat()) == dt
    assert parse_time(dt.isoformat().replace("+00:00", "Z")) == dt


@pytest.mark.parametrize("text", GARBAGE_TIMES)
def test_parse_time_returns_none_for_garbage(text):
    assert parse_time(text) is None


@settings(FUZZ, max_examples=150)
@given(value=st.text() | st.text(alphabet="0123456789-:.TZz+ ,٣²", max_size=40) | json_values)
def test_parse_time_never_raises_and_answers_an_aware_datetime_or_none(value):
    got = parse_time(value)
    assert got is None or (isinstance(got, datetime) and got.tzinfo is not None)
    if not isinstance(value, str):
        assert got is None


# -- ci ------------------------------------------------------------------------------------------
@settings(FUZZ, max_examples=60)
@given(mapping=st.dictionaries(st.text(max_size=6), json_values, max_size=6),
       key=st.text(max_size=6), data=st.data())
def test_ci_is_a_case_insensitive_get_that_prefers_the_exact_key(mapping, key, data):
    if mapping and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(mapping)))
        key = data.draw(st.sampled_from([key, *recasings(key)]))
    sentinel = object()
    got = ci(mapping, key, sentinel)
    if key in mapping:
        assert got is mapping[key]
    elif any(k.casefold() == key.casefold() for k in mapping):
        assert any(got is v for k, v in mapping.items() if k.casefold() == key.casefold())
    else:
        assert got is sentinel


# -- open enums ----------------------------------------------------------------------------------
@pytest.mark.parametrize("enum_cls", OPEN_ENUMS, ids=lambda c: c.__name__)
@settings(FUZZ, max_examples=40)
@given(text=st.text(max_size=30) | st.sampled_from(["Whatever", "HIGH", "inprogress", ""]))
def test_open_enum_keeps_any_string(enum_cls, text):
    known = {m.value.casefold(): m for m in enum_cls}
    if not text:
        assert enum_cls.parse(text) is enum_cls("Unknown")
        return
    value = enum_cls(text)
    assert enum_cls.parse(text) == value
    if text.casefold() in known:
        assert value is known[text.casefold()] and value.known
    else:
        assert value.value == text and str(value) == text and not value.known
        assert isinstance(value, enum_cls) and value == text
    if enum_cls is Severity:
        assert isinstance(value.rank, int)
    if enum_cls is AlertStatus:
        assert isinstance(value.is_open, bool)


@pytest.mark.parametrize("enum_cls", OPEN_ENUMS, ids=lambda c: c.__name__)
@settings(FUZZ, max_examples=20)
@given(value=json_values.filter(lambda v: not isinstance(v, str)))
def test_open_enum_parse_turns_non_strings_into_unknown(enum_cls, value):
    assert enum_cls.parse(value) is enum_cls("Unknown")
