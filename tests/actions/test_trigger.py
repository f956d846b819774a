"""Trigger logic apps on unhealthy resources and alerts, against the emulator's Logic Apps."""

from __future__ import annotations

import pytest

from apiwatch.actions.context import ActionContext, ReadOnlyError
from apiwatch.actions.logic_apps import logic_app_choices, trigger_logic_app
from apiwatch.actions.targets import TargetError, pick_logic_app, trigger_items
from apiwatch.model import KEY_UNAUTHENTICATED, AssessmentStatus, normalize
from apiwatch.poller.once import read_snapshot

from ..connect_proxy import proxied_session
from .conftest import config_for


def unhealthy(snapshot, key=KEY_UNAUTHENTICATED):
    recs = [r for r in snapshot.recommendations
            if r.key == key and r.status is AssessmentStatus.UNHEALTHY]
    sub = recs[0].subscription_id
    return [r for r in recs if r.subscription_id == sub][:3], sub


def workflow(emu, app):
    sub = emu.tenant.subscription(app.subscription_id)
    return next(w for w in sub.workflows if normalize(w.id) == app.key)


async def test_choices_list_what_can_take_a_recommendation(snapshot):
    _, sub = unhealthy(snapshot)
    choices = logic_app_choices(snapshot, sub, "recommendation")
    names = {c.app.name: c for c in choices}
    assert names["disable-unused-endpoints"].trigger_kind == "Defender recommendation"
    assert names["open-ticket-for-api-finding"].trigger_kind == "HTTP request"
    legacy = names["post-teams-message-legacy"]
    assert not legacy.selectable and "Disabled" in legacy.reason
    assert "export-api-findings" not in names or not names["export-api-findings"].selectable
    assert [c.selectable for c in choices] == sorted((c.selectable for c in choices), reverse=True)


async def test_trigger_posts_defender_payload_and_follows_runs(emu, ctx, snapshot, audit):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [r.resource_id for r in recs], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    seen = []
    ctx.on_progress = lambda seq, r: seen.append((seq, r.outcome))
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)

    assert result.outcome == "succeeded"
    assert [t.run_status for t in result.targets] == ["Succeeded"] * len(recs)
    assert ("accepted" in [o for _, o in seen]) and seen[-1][1] == "succeeded"
    runs = workflow(emu, choice.app).runs
    assert len(runs) == len(recs)
    bodies = [run.bodies[0] for run in runs]
    assert {b["properties"]["resourceDetails"]["id"] for b in bodies} == {r.resource_id for r in recs}
    assert all(b["name"] == KEY_UNAUTHENTICATED for b in bodies)
    assert all(b["properties"]["status"]["code"] == "Unhealthy" for b in bodies)
    (entry,) = audit.entries()
    assert entry.outcome == "succeeded" and entry.identity == "tester@contoso.com"
    assert entry.logic_app == choice.app.id
    assert [t.outcome for t in entry.targets] == ["succeeded"] * len(recs)
    assert all(t.run_id for t in entry.targets)


async def test_a_run_that_fails_is_reported(emu, ctx, snapshot, audit):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [recs[0].resource_id], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "block-client-ip-in-apim")
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)
    assert result.outcome == "failed"
    assert result.targets[0].run_status == "Failed"
    assert audit.entries()[0].targets[0].detail == "run Failed"


async def test_disabled_logic_app_cannot_be_picked(snapshot):
    _, sub = unhealthy(snapshot)
    with pytest.raises(TargetError, match="Disabled"):
        pick_logic_app(snapshot, sub, "recommendation", "post-teams-message-legacy")


async def test_forbidden_list_callback_url_fails_every_target_sending_nothing(emu, ctx, snapshot, audit):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [r.resource_id for r in recs], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    emu.faults.add("forbidden", count=None, match="listCallbackUrl")
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1)
    assert result.outcome == "failed"
    assert all("403" in t.detail and "callback URL" in t.detail for t in result.targets)
    assert not workflow(emu, choice.app).runs
    assert audit.entries()[0].outcome == "failed"


async def test_throttled_post_is_retried_after_retry_after_and_runs_once(emu, ctx, snapshot):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [recs[0].resource_id], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    emu.faults.add("throttle", count=1, match="/paths/invoke", retry_after=1)
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)
    assert result.outcome == "succeeded"
    posts = emu.requests.count(method="POST", match="/paths/invoke")
    assert posts == 2
    assert len(workflow(emu, choice.app).runs) == 1


@pytest.mark.parametrize(("fault", "outcome"), [("error", "failed"), ("reset", "unknown")])
async def test_a_post_that_may_have_arrived_is_never_retried(emu, ctx, snapshot, fault, outcome):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [recs[0].resource_id], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    emu.faults.add(fault, count=None, match="/paths/invoke", status=500)
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1)
    assert result.targets[0].outcome == outcome
    assert emu.requests.count(method="POST", match="/paths/invoke") == 1


async def test_alert_trigger_sends_the_pascal_case_alert_event(emu, ctx, snapshot):
    alert = next(a for a in snapshot.alerts if a.is_api)
    items, kind, sub = trigger_items(snapshot, [alert.id], None)
    assert kind == "alert"
    choice = pick_logic_app(snapshot, sub, kind, "open-ticket-for-api-finding")
    result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)
    assert result.ok
    body = workflow(emu, choice.app).runs[0].bodies[0]
    assert body["SystemAlertId"] == alert.system_alert_id
    assert body["AlertType"] == alert.alert_type and body["Severity"] == alert.severity.value
    assert body["AzureResourceId"] == alert.resource_ids[0]


async def test_read_only_sends_nothing(emu, ctx, snapshot, audit):
    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [recs[0].resource_id], KEY_UNAUTHENTICATED)
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    ctx.read_only = True
    before = len(emu.requests)
    with pytest.raises(ReadOnlyError):
        await trigger_logic_app(ctx, choice, items)
    assert len(emu.requests) == before
    assert audit.entries() == []


async def test_resources_must_be_unhealthy_and_in_one_subscription(snapshot):
    healthy = next(r for r in snapshot.recommendations if r.status is AssessmentStatus.HEALTHY
                   and not any(x.status is AssessmentStatus.UNHEALTHY
                               for x in snapshot.recommendations_by_resource[r.resource_key]))
    with pytest.raises(TargetError, match="no unhealthy recommendation"):
        trigger_items(snapshot, [healthy.resource_id], None)
    subs = {}
    for r in snapshot.recommendations:
        if r.status is AssessmentStatus.UNHEALTHY:
            subs.setdefault(r.subscription_id, r.resource_id)
    if len(subs) > 1:
        with pytest.raises(TargetError, match="one subscription"):
            trigger_items(snapshot, list(subs.values())[:2], None)


async def test_a_batch_stopped_midway_says_what_was_not_sent(emu, ctx, snapshot, audit):
    import asyncio

    recs, sub = unhealthy(snapshot)
    items, kind, _ = trigger_items(snapshot, [r.resource_id for r in recs], KEY_UNAUTHENTICATED)
    assert len(items) >= 2
    choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
    emu.faults.add("slow", count=None, match="/paths/invoke", delay_ms=5000)
    task = asyncio.create_task(trigger_logic_app(ctx, choice, items, poll_seconds=0.1))
    await asyncio.sleep(1.0)  # the first POST is in flight
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (entry,) = audit.entries()
    assert entry.outcome == "unknown"
    outcomes = [t.outcome for t in entry.targets]
    assert outcomes[0] == "unknown" and set(outcomes[1:]) == {"failed"}
    assert all("not sent" in t.detail for t in entry.targets[1:])


async def test_a_trigger_sends_everything_through_the_environments_proxy(emu, audit, monkeypatch):
    async with proxied_session(config_for(emu).azure, monkeypatch) as (proxy, session):
        snapshot = await read_snapshot(session)
        recs, sub = unhealthy(snapshot)
        items, kind, _ = trigger_items(snapshot, [recs[0].resource_id], KEY_UNAUTHENTICATED)
        choice = pick_logic_app(snapshot, sub, kind, "disable-unused-endpoints")
        ctx = ActionContext(session, audit, identity="tester@contoso.com")
        emu.requests.clear()
        proxy.tunnels.clear()
        result = await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)
    assert result.outcome == "succeeded"
    assert len(workflow(emu, choice.app).runs) == 1
    # every request the trigger made (ARM's, and the callback POST) came through a tunnel
    callbacks = emu.requests.count(method="POST", match="/paths/invoke")
    assert callbacks == 1
    assert len(proxy.tunnels) == len(emu.requests) > callbacks


async def test_an_app_with_the_wrong_kind_of_trigger_says_which_it_has_and_which_is_needed(
        snapshot):
    """notify-soc-on-api-alert is named by a workflow automation but its trigger is for alerts;
    export-api-findings runs on a schedule: neither can take a recommendation, and the refusal
    says why instead of "no trigger that can be called"."""
    _, sub = unhealthy(snapshot)
    with pytest.raises(TargetError) as alerts_only:
        pick_logic_app(snapshot, sub, "recommendation", "notify-soc-on-api-alert")
    message = str(alerts_only.value)
    assert "its trigger is for Defender alerts" in message
    assert "a recommendation needs a trigger for Defender recommendations" in message
    with pytest.raises(TargetError) as scheduled:
        pick_logic_app(snapshot, sub, "recommendation", "export-api-findings")
    assert "Recurrence trigger, which cannot be called" in str(scheduled.value)
    alert_apps = {c.app.name: c for c in logic_app_choices(snapshot, sub, "alert")}
    assert alert_apps["disable-unused-endpoints"].reason == (
        "its trigger is for Defender recommendations; an alert needs a trigger for Defender "
        "alerts or an HTTP request trigger")
