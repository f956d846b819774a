"""Emulator + data layer through the real SDK clients: what is read equals the generated truth."""

from __future__ import annotations

import time

from apiwatch.azure.session import ArmSession
from apiwatch.model import Health, Severity, normalize
from apiwatch.poller.once import read_snapshot

from .conftest import settings_for


def readable(tenant):
    return [s for s in tenant.subscriptions if s.readable]


def truth_apis(tenant):
    return [api for s in readable(tenant) for svc in s.services for api in svc.apis]


async def test_full_read_equals_generated_truth(emulator, session):
    tenant = emulator.tenant
    snap = await read_snapshot(session)

    assert {s.subscription_id for s in snap.subscriptions} == {
        s.subscription_id for s in tenant.subscriptions
    }
    apis = truth_apis(tenant)
    onboarded = [a for a in apis if a.onboarded]
    assert {normalize(c.id) for c in snap.collections} == {normalize(a.collection_id) for a in onboarded}
    by_id = {normalize(c.id): c for c in snap.collections}
    for api in onboarded:
        col = by_id[normalize(api.collection_id)]
        ops = api.operations
        assert col.endpoints == len(ops)
        assert col.inactive == sum(o.inactive for o in ops)
        assert col.unauthenticated == sum(o.unauthenticated for o in ops)
        assert col.external == sum(o.external for o in ops)
        assert col.sensitive == sum(bool(o.sensitive_types) for o in ops)

    # The coverage gap: APIM APIs no collection covers.
    assert {a.key for a in snap.not_onboarded} == {normalize(a.id) for a in apis if not a.onboarded}
    assert snap.not_onboarded, "the demo tenant must have a coverage gap"

    truth_ops = {normalize(o.id): o for a in apis for o in a.operations}
    assert {e.key for e in snap.endpoints} == set(truth_ops)

    # Health: each endpoint's assessments map onto it.
    statuses: dict[str, set[str]] = {}
    for sub in readable(tenant):
        for assessment in sub.assessments:
            statuses.setdefault(normalize(assessment.resource_id), set()).add(assessment.status_code)
    healths = {Health.UNHEALTHY: 0, Health.HEALTHY: 0}
    for endpoint in snap.endpoints:
        expected = statuses.get(endpoint.key, set())
        health = snap.health_of(endpoint)
        if "Unhealthy" in expected:
            assert health is Health.UNHEALTHY, endpoint.id
        elif "Healthy" in expected:
            assert health is Health.HEALTHY, endpoint.id
        elif not expected:
            assert health is Health.UNKNOWN_HEALTH, endpoint.id
        healths[health] = healths.get(health, 0) + 1
    assert healths[Health.UNHEALTHY] and healths[Health.HEALTHY]

    # Recommendations are the APIM ones only, with metadata filled in.
    assert snap.recommendations and all(r.is_api_related for r in snap.recommendations)
    assert all(r.display_name and r.severity is not Severity.UNKNOWN_SEVERITY
               for r in snap.recommendations)

    # Per-endpoint insights from Resource Graph for onboarded endpoints.
    for api in onboarded:
        for op in api.operations:
            insight = snap.insights[normalize(op.id)]
            assert insight.authenticated is op.authenticated
            assert insight.external is op.external
            assert set(insight.sensitive_types or ()) == set(op.sensitive_types)
    for api in apis:
        if not api.onboarded:
            assert all(normalize(o.id) not in snap.insights for o in api.operations)

    truth_alerts = {normalize(a.id): a for s in readable(tenant) for a in s.alerts}
    assert {normalize(a.id) for a in snap.alerts} == set(truth_alerts)
    for alert in snap.alerts:
        truth = truth_alerts[normalize(alert.id)]
        assert alert.severity.value == truth.severity
        assert alert.status.value == truth.status
        assert alert.is_api == truth.is_api
    assert any(a.severity is Severity.INFORMATIONAL for a in snap.alerts)
    assert any(a.sensitivity.present for a in snap.alerts)

    truth_workflows = {normalize(w.id) for s in readable(tenant) for w in s.workflows}
    assert {a.key for a in snap.logic_apps} == truth_workflows
    assert {normalize(a.id) for a in snap.automations} == {
        normalize(a.id) for s in readable(tenant) for a in s.automations
    }


async def test_unreadable_subscription_is_reported_and_others_kept(emulator, session):
    snap = await read_snapshot(session)
    locked = {s.subscription_id for s in emulator.tenant.subscriptions if not s.readable}
    assert locked
    assert {f.subscription_id for f in snap.failures} == locked
    assert all(f.status == 403 for f in snap.failures)
    assert all("AuthorizationFailed" in f.message for f in snap.failures)
    assert snap.collections and snap.alerts
    assert not any(a.subscription_id in locked for a in snap.alerts)


async def test_lists_span_several_pages(emulator, session):
    await read_snapshot(session)
    paged = [r for r in emulator.requests if "skiptoken" in str(r).lower()]
    assert len(paged) > 5


async def test_throttling_honours_retry_after(emulator, session):
    emulator.faults.add("throttle", count=2, match=r"/providers/Microsoft\.Security/alerts", retry_after=1)
    started = time.monotonic()
    snap = await read_snapshot(session)
    elapsed = time.monotonic() - started
    assert not [f for f in snap.failures if f.source == "alerts" and f.status != 403]
    truth = {normalize(a.id) for s in readable(emulator.tenant) for a in s.alerts}
    assert {normalize(a.id) for a in snap.alerts} == truth
    assert elapsed >= 1.0  # the client waited for Retry-After before asking again


async def test_endless_next_link_stops_and_is_reported(emulator, session):
    emulator.faults.add("endless-nextlink", count=None, match=r"/providers/Microsoft\.Security/alerts")
    snap = await read_snapshot(session)
    paging = [f for f in snap.failures if f.code == "Paging"]
    assert paging and all(f.source == "alerts" for f in paging)
    assert snap.collections  # the rest of the read is unaffected


async def test_unknown_enum_values_are_kept(emulator, session):
    emulator.faults.add("unknown-enum", count=None, match=r"/providers/Microsoft\.Security/alerts")
    snap = await read_snapshot(session)
    odd = [a for a in snap.alerts if not a.severity.known or not a.status.known]
    assert odd
    assert all(a.severity.value for a in odd)
    assert not [f for f in snap.failures if f.source == "alerts" and f.status != 403]


async def test_malformed_json_fails_that_source_only(emulator, session):
    emulator.faults.add("malformed", count=None, match=r"/providers/Microsoft\.Security/apiCollections")
    snap = await read_snapshot(session)
    bad = [f for f in snap.failures if f.source == "collections" and f.status != 403]
    assert bad and all("not valid JSON" in f.message for f in bad)
    assert snap.alerts and snap.endpoints


async def test_configured_subscriptions_limit_the_read(emulator):
    sub = readable(emulator.tenant)[0].subscription_id
    async with ArmSession(settings_for(emulator, subscriptions=(sub,))) as s:
        snap = await read_snapshot(s, (sub,))
    assert [x.subscription_id for x in snap.subscriptions] == [sub]
    assert {a.subscription_id for a in snap.alerts} == {sub}
    assert not snap.failures



async def test_alerts_in_the_lists_other_shape_read_the_same(emulator, session):
    """The alert list's second shape (no severity nor isIncident; PascalCase with `$id`s inside
    entities, resourceIdentifiers and extendedProperties): the same IPs, resources and
    sensitivity context as the usual shape, and the severity said to be unknown."""
    usual = {a.id: a for a in (await read_snapshot(session)).alerts}
    emulator.faults.add("pascal-alerts", count=None, match=r"/providers/Microsoft\.Security/alerts")
    other = {a.id: a for a in (await read_snapshot(session)).alerts}
    assert other.keys() == usual.keys()
    ips = 0
    for alert_id, alert in other.items():
        before = usual[alert_id]
        assert alert.severity is Severity.UNKNOWN_SEVERITY and alert.is_incident is None
        assert alert.resource_ids == before.resource_ids and alert.resource_ids
        assert [(e.type, e.summary, e.place) for e in alert.entities] == [
            (e.type, e.summary, e.place) for e in before.entities]
        assert alert.sensitivity == before.sensitivity
        ips += sum(e.type == "ip" and e.summary.count(".") == 3 for e in alert.entities)
    assert ips >= len(other) // 2
    assert any(alert.sensitivity.present for alert in other.values())


async def test_an_alert_listed_in_both_shapes_is_kept_once_with_its_severity(emulator, session):
    usual = {a.id: a for a in (await read_snapshot(session)).alerts}
    emulator.faults.add("both-alert-shapes", count=None,
                        match=r"/providers/Microsoft\.Security/alerts")
    snap = await read_snapshot(session)
    assert sorted(a.id for a in snap.alerts) == sorted(usual)
    assert all(a.severity is usual[a.id].severity and a.severity.known for a in snap.alerts)
    assert all([e.summary for e in a.entities] == [e.summary for e in usual[a.id].entities]
               for a in snap.alerts)


async def test_no_alert_is_generated_after_now(emulator, session, tmp_path):
    """The demo's live alerts (and sample alerts) said they were generated minutes from now."""
    from datetime import datetime, timezone

    from apiwatch.actions.audit import AuditLog
    from apiwatch.actions.context import ActionContext
    from apiwatch.actions.simulate import sample_alerts

    await emulator.add_alerts(8)
    sub = readable(emulator.tenant)[0]
    audit = AuditLog(tmp_path / "audit.sqlite3")
    try:
        for bundles in (["Apis"], ["VirtualMachines"]):
            result = await sample_alerts(ActionContext(session, audit, "tester"),
                                         sub.subscription_id, sub.asc_location, bundles)
            assert result.ok, result.targets[0].detail
    finally:
        audit.close()
    snap = await read_snapshot(session)
    now = datetime.now(timezone.utc)
    assert len(snap.alerts) == sum(len(s.alerts) for s in readable(emulator.tenant))
    for alert in snap.alerts:
        assert alert.time_generated <= now and alert.processing_end_time <= now, alert.name
        assert alert.start_time <= alert.end_time <= alert.time_generated
