"""Every write action of the console, driven in a real pty on the installed `apiwatch --demo`:
the console stays up, shows the result, and the audit log completes the entry.

(A Pilot test once passed while `x` on an alert ended the real console every time: the
progress dialog was updated before it was composed. Only a real terminal showed it.)
"""

from __future__ import annotations

import pytest

from .harness import Console


@pytest.fixture
def console(tmp_path):
    c = Console(["--demo"], tmp_path)
    c.wait_for("Riskiest collections", timeout=90)
    # every source read once, so each screen has what the action acts on
    c.wait_for(lambda t: "reading Azure" not in t and "loading" not in t, timeout=90)
    yield c
    c.quit()


def confirm_and_finish(c: Console, what: str) -> str:
    """The confirm dialog opened with focus on Cancel: tab to the action, press it, wait for
    the result, close the dialog."""
    c.wait_for("Cancel", timeout=20)
    c.press("tab", "enter")
    done = c.wait_for("Done:", timeout=45)
    assert c.alive(), f"{what}: the console ended"
    c.press("escape")
    c.wait_for(lambda t: "Done:" not in t, timeout=10)
    assert c.alive(), f"{what}: the console ended after its dialog closed"
    return done


def completed(c: Console) -> list[tuple[str, str | None]]:
    return [(e["action"], e["outcome"]) for e in c.audit()]


def test_alert_states_from_the_list_the_detail_and_marked_rows(console):
    c = console
    c.press("3")
    c.wait_for("Generated")
    # x on the first row of the Alerts list
    c.press("g", "x")
    confirm_and_finish(c, "resolve from the list")
    # d in an alert's detail
    c.press("j", "enter")
    c.wait_for(lambda t: "Alerts ›" in t)
    c.press("d")
    confirm_and_finish(c, "dismiss from the detail")
    # a (reactivate) on the alert just dismissed, still in its detail
    c.press("a")
    confirm_and_finish(c, "reactivate from the detail")
    c.press("escape")
    c.wait_for("Generated")
    # p on two marked alerts
    c.press("j", "space", "j", "space", "p")
    text = c.wait_for("Cancel", timeout=20)
    assert "2 alert" in text
    confirm_and_finish(c, "in progress on two marked alerts")
    entries = completed(c)
    assert [a for a, _ in entries] == ["alert-inprogress", "alert-active", "alert-dismiss",
                                       "alert-resolve"]
    assert {o for _, o in entries} == {"succeeded"}
    assert c.quit() == 0


def test_trigger_samples_probe_onboard_offboard(console):
    c = console
    # trigger a logic app on an alert
    c.press("3")
    c.wait_for("Generated")
    c.press("g", "t")
    c.wait_for("block-client-ip-in-apim", timeout=20)
    c.press("enter")
    confirm_and_finish(c, "trigger on an alert")
    # sample alerts
    c.press("M")
    text = c.wait_for(lambda t: "Cancel" in t or "sample" in t.lower(), timeout=20)
    if "Cancel" not in text:  # a picker of subscriptions first
        c.press("enter")
    confirm_and_finish(c, "sample alerts")
    # onboard the last row of Collections (an API not onboarded, sorted last)
    c.press("2")
    c.wait_for("Collection ")
    c.press("G", "o")
    c.wait_for("Onboard ", timeout=20)
    confirm_and_finish(c, "onboard")
    # offboard the first row (an onboarded collection)
    c.press("g", "O")
    confirm_and_finish(c, "offboard")
    # probe an endpoint of the first collection
    c.wait_for("Collection ")
    c.press("g", "enter")
    c.wait_for("Method")
    c.press("P")
    c.wait_for("Send a probe", timeout=20)
    confirm_and_finish(c, "probe")
    # trigger from a recommendation's unhealthy resources
    c.press("4")
    c.wait_for("Recommendation")
    c.press("g", "enter")
    c.wait_for(lambda t: "›" in t, timeout=20)
    c.press("t")
    c.wait_for("disable-unused-endpoints", timeout=20)
    c.press("enter")
    confirm_and_finish(c, "trigger on a recommendation's resource")
    entries = completed(c)
    assert len(entries) == 6, entries
    assert all(o not in (None, "unknown") for _, o in entries), entries
    assert c.quit() == 0
