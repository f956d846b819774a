"""Alert state, sample alerts, onboarding, payload shapes: against the emulator."""

from __future__ import annotations

import json

import jsonschema
import pytest

from apiwatch.actions.alert_state import change_alert_state
from apiwatch.actions.onboarding import offboard, onboard
from apiwatch.actions.payloads import alert_payload, recommendation_payload
from apiwatch.actions.simulate import asc_location, sample_alerts
from apiwatch.model import AlertStatus, normalize
from apiwatch.poller.once import read_snapshot

from ..conftest import EXAMPLES


def schema(name):
    path = EXAMPLES.parent / "defender-workflow-samples" / "generic" / name
    return json.loads(path.read_text(encoding="utf-8-sig"))


async def test_payloads_follow_microsofts_workflow_schemas(snapshot):
    meta = {m.key: m for m in snapshot.metadata}
    rec = next(r for r in snapshot.recommendations if r.status.value == "Unhealthy")
    jsonschema.validate(recommendation_payload(rec, meta.get(rec.key)),
                        schema("Recommendation.schema.json"))
    alert = next(a for a in snapshot.alerts if a.is_api and a.entities)
    alert_schema = schema("SecurityAlert.schema.json")
    # The schema was generated from one VM alert: it "requires" that alert's extended properties
    # and entity fields. Both are free-form bags in the ARM spec, so only their type is checked.
    for bag in ("ExtendedProperties", "Entities"):
        alert_schema["properties"][bag] = {"type": alert_schema["properties"][bag]["type"]}
    jsonschema.validate(alert_payload(alert), alert_schema)


@pytest.mark.parametrize(("state", "status"), [
    ("dismiss", AlertStatus.DISMISSED), ("resolve", AlertStatus.RESOLVED),
    ("inprogress", AlertStatus.IN_PROGRESS),
])
async def test_alert_state_changes_what_azure_lists(ctx, session, snapshot, audit, state, status):
    active = [a for a in snapshot.alerts if a.status is AlertStatus.ACTIVE]
    chosen = [next(a for a in active if a.resource_group),
              next(a for a in active if not a.resource_group)]
    result = await change_alert_state(ctx, chosen, state)
    assert result.ok
    after = {a.id: a for a in (await read_snapshot(session)).alerts}
    assert all(after[a.id].status is status for a in chosen)
    assert audit.entries()[0].action == f"alert-{state}"
    back = await change_alert_state(ctx, chosen, "active")
    assert back.ok
    after = {a.id: a for a in (await read_snapshot(session)).alerts}
    assert all(after[a.id].status is AlertStatus.ACTIVE for a in chosen)


async def test_sample_alerts_arrive_in_the_feed(ctx, session, snapshot, audit):
    sub = snapshot.subscriptions[0].subscription_id
    sub = next(s.subscription_id for s in snapshot.subscriptions
               if s.subscription_id not in snapshot.failed_subscriptions())
    before = {a.id for a in snapshot.alerts}
    result = await sample_alerts(ctx, sub, asc_location(snapshot, sub))
    assert result.ok
    new = [a for a in (await read_snapshot(session)).alerts if a.id not in before]
    assert new and all(a.subscription_id == sub for a in new)
    assert any(a.display_name.startswith("[SAMPLE ALERT]") and a.is_api for a in new)
    assert audit.entries()[0].action == "sample-alerts"


async def test_onboard_closes_the_gap_and_offboard_reopens_it(emu, ctx, session, snapshot, audit):
    gap = snapshot.not_onboarded[0]
    result = await onboard(ctx, gap.id)
    assert result.ok, result.targets[0].detail
    after = await read_snapshot(session)
    assert gap.key in after.onboarded_api_keys
    truth = next(a for s in emu.tenant.subscriptions for svc in s.services for a in svc.apis
                 if normalize(a.id) == gap.key)
    assert truth.onboarded
    result = await offboard(ctx, gap.id)
    assert result.ok
    assert gap.key not in (await read_snapshot(session)).onboarded_api_keys
    assert [e.action for e in audit.entries()] == ["offboard", "onboard"]


async def test_onboarding_an_api_the_caller_cannot_write_is_reported(emu, ctx, snapshot, audit):
    gap = snapshot.not_onboarded[0]
    emu.faults.add("forbidden", count=None, match="apiCollections")
    result = await onboard(ctx, gap.id)
    assert result.outcome == "failed" and "403" in result.targets[0].detail
    assert audit.entries()[0].targets[0].outcome == "failed"


async def test_an_onboard_answer_that_does_not_say_succeeded_is_no_success(emu, ctx, snapshot,
                                                                            audit):
    """`200 {"value": []}`: no provisioningState, nothing said about the API."""
    import re

    gap = snapshot.not_onboarded[0]
    emu.faults.add("empty-value", count=None, match=f"/apiCollections/{re.escape(gap.name)}$")
    result = await onboard(ctx, gap.id)
    (target,) = result.targets
    assert not result.ok and result.outcome == "failed"
    assert not target.detail.startswith("onboarded")
    assert "no provisioningState" in target.detail
    (entry,) = audit.entries()
    assert entry.outcome == "failed" and entry.targets[0].outcome == "failed"


async def test_probe_raises_suspicious_user_agent_on_an_onboarded_endpoint(emu, ctx, session,
                                                                            snapshot, audit):
    import asyncio

    from apiwatch.actions.simulate import probe_endpoint
    from apiwatch.store.views import Views

    views = Views(snapshot)
    target = next(v for v in views.endpoints if v.onboarded and "{" not in v.endpoint.url_template)
    result = await probe_endpoint(ctx, target)
    assert result.ok, result.targets[0].detail
    (probe,) = emu.probes
    assert probe.user_agent == "javascript:" and normalize(probe.operation_id) == target.endpoint.key
    for _ in range(60):
        alerts = (await read_snapshot(session)).alerts
        raised = [a for a in alerts if a.alert_type == "API_AccessFromSuspiciousUserAgent"
                  and target.endpoint.key in a.resource_keys and a.id not in
                  {x.id for x in snapshot.alerts}]
        if raised:
            break
        await asyncio.sleep(0.1)
    assert raised and raised[0].display_name == "Suspicious User Agent detected"
    assert audit.entries()[0].action == "simulate-detection"


async def test_a_gateway_probe_goes_through_the_environments_proxy(emu, audit, monkeypatch):
    from apiwatch.actions.context import ActionContext
    from apiwatch.actions.simulate import probe_endpoint
    from apiwatch.store.views import Views

    from ..connect_proxy import proxied_session
    from .conftest import config_for

    async with proxied_session(config_for(emu).azure, monkeypatch) as (proxy, session):
        views = Views(await read_snapshot(session))
        target = next(v for v in views.endpoints
                      if v.onboarded and "{" not in v.endpoint.url_template)
        emu.requests.clear()
        proxy.tunnels.clear()
        result = await probe_endpoint(ActionContext(session, audit, identity="t"), target)
    assert result.ok, result.targets[0].detail
    assert len(emu.probes) == 1
    assert len(proxy.tunnels) == len(emu.requests) >= 1


async def _each_action(kind, ctx, snapshot):
    from apiwatch.actions.logic_apps import trigger_logic_app
    from apiwatch.actions.simulate import probe_endpoint
    from apiwatch.actions.targets import pick_logic_app, trigger_items
    from apiwatch.model import KEY_UNAUTHENTICATED, AssessmentStatus
    from apiwatch.store.views import Views

    if kind == "alert-state":
        active = [a for a in snapshot.alerts if a.status is AlertStatus.ACTIVE][:2]
        return await change_alert_state(ctx, active, "dismiss")
    if kind == "trigger":
        recs = [r for r in snapshot.recommendations
                if r.key == KEY_UNAUTHENTICATED and r.status is AssessmentStatus.UNHEALTHY]
        recs = [r for r in recs if r.subscription_id == recs[0].subscription_id][:2]
        items, what, sub = trigger_items(snapshot, [r.resource_id for r in recs],
                                         KEY_UNAUTHENTICATED)
        choice = pick_logic_app(snapshot, sub, what, "disable-unused-endpoints")
        return await trigger_logic_app(ctx, choice, items, poll_seconds=0.1, follow_seconds=10)
    if kind == "onboard":
        return await onboard(ctx, snapshot.not_onboarded[0].id)
    if kind == "samples":
        sub = next(s.subscription_id for s in snapshot.subscriptions
                   if s.subscription_id not in snapshot.failed_subscriptions())
        return await sample_alerts(ctx, sub, asc_location(snapshot, sub))
    target = next(v for v in Views(snapshot).endpoints
                  if v.onboarded and "{" not in v.endpoint.url_template)
    return await probe_endpoint(ctx, target)


@pytest.mark.parametrize("kind", ["alert-state", "trigger", "onboard", "samples", "probe"])
async def test_a_progress_display_that_raises_neither_aborts_nor_leaves_the_audit_open(
        ctx, snapshot, audit, kind):
    shown = []

    def progress(seq, result):
        shown.append(result.outcome)
        raise RuntimeError("the dialog is not drawn yet")

    ctx.on_progress = progress
    result = await _each_action(kind, ctx, snapshot)
    assert shown and result.ok, result
    (entry,) = audit.entries()
    assert entry.outcome == "succeeded" and not entry.in_flight
    assert all(t.outcome == "succeeded" for t in entry.targets)
