"""The console's state on its own: no app, no Textual, no fakes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from apiwatch.console.state import ConsoleState, StatusPart, Taken
from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import AlertStatus, Severity

from ..tui.conftest import FROZEN, read


@pytest.fixture(scope="module")
def snapshot():
    handle = start_in_thread(EmulatorConfig(now=FROZEN))
    try:
        yield read(handle)
    finally:
        handle.stop()


def with_new_alert(snapshot, severity: Severity, name="Fresh one"):
    template = snapshot.alerts[0]
    tag = "-" + "".join(c for c in name.lower() if c.isalnum())
    fresh = replace(template, id=template.id + tag, name=template.name + tag,
                    display_name=name, severity=severity)
    return replace(snapshot, alerts=(*snapshot.alerts, fresh)), fresh


def test_the_first_look_is_the_baseline_and_news_is_announced(snapshot):
    state = ConsoleState()
    first = state.take(snapshot)
    assert first.taken is Taken.NEWS and set(first.baseline) == {a.key for a in snapshot.alerts}
    assert first.announcement is None and state.unseen_alert_count == 0
    again = state.take(replace(snapshot))  # read again, the same data
    assert again.taken is Taken.FRESHER and state.version == 1
    later, fresh = with_new_alert(snapshot, Severity.HIGH, "Tor exit node [/]")
    shown = state.take(later)
    assert shown.taken is Taken.NEWS and state.version == 2
    assert shown.announcement == "New High alert: Tor exit node [/]"
    assert state.unseen_alerts() == {fresh.key} and state.title == "apiwatch (1 new)"
    assert state.mark_seen([fresh.id]) == [fresh.key]
    assert state.mark_seen([fresh.id]) == []  # already kept
    assert state.unseen_alert_count == 0 and state.title == "apiwatch"


def test_the_floor_holds_back_quiet_alerts_but_never_one_of_unknown_severity(snapshot):
    state = ConsoleState(notify_min_severity="High")
    state.take(snapshot)
    quiet, _ = with_new_alert(snapshot, Severity.LOW)
    assert state.take(quiet).announcement is None
    unknown, _ = with_new_alert(quiet, Severity.UNKNOWN_SEVERITY, "No severity")
    assert state.take(unknown).announcement == "New (severity not given) alert: No severity"


def test_seen_alerts_from_disk_make_the_rest_new(snapshot):
    state = ConsoleState()
    kept = {a.key for a in snapshot.alerts[1:]}
    state.seen_from_disk(kept, baseline=True)
    assert state.take(snapshot).baseline == ()  # the disk's baseline stands
    assert state.unseen_alerts() == {snapshot.alerts[0].key}


def test_a_state_change_shows_at_once(snapshot):
    state = ConsoleState()
    state.take(snapshot)
    target = next(a for a in snapshot.alerts if a.status is AlertStatus.ACTIVE)
    changed = state.with_alert_status({target.id}, AlertStatus.DISMISSED)
    assert {a.id: a.status for a in changed.alerts}[target.id] is AlertStatus.DISMISSED
    assert state.with_alert_status(set(), AlertStatus.DISMISSED) is None


def test_what_the_status_line_says(snapshot):
    state = ConsoleState(read_only=True)
    assert state.status(FROZEN) == (StatusPart("reading Azure…"), StatusPart("READ-ONLY", "badge"))
    state.take(snapshot)
    state.marks.update({"a", "b"})
    parts = state.status(FROZEN)
    texts = [p.text for p in parts]
    assert "1 scope(s) failing" in texts  # the demo's unreadable subscription
    assert StatusPart("2 marked", "strong") in parts
    state.loading_error = "live data stopped: \x1b]0;x\x07"
    assert state.status(FROZEN)[0] == StatusPart("live data stopped: ␛]0;x␇", "error")
