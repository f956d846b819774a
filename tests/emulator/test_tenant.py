"""The generated tenant: deterministic, internally consistent, and varied enough to demo."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from apiwatch.emulator import DEMO, LARGE, generate_tenant
from apiwatch.emulator.catalogue import KEY_UNAUTHENTICATED, KEY_UNUSED, recommendations

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


def test_same_seed_gives_the_same_tenant() -> None:
    assert generate_tenant(7, DEMO, NOW) == generate_tenant(7, DEMO, NOW)


def test_different_seed_gives_a_different_tenant() -> None:
    a, b = generate_tenant(7, DEMO, NOW), generate_tenant(8, DEMO, NOW)
    assert a.tenant_id != b.tenant_id
    assert [s.subscription_id for s in a.subscriptions] != [
        s.subscription_id for s in b.subscriptions
    ]


def test_collection_counters_are_derived_from_operations() -> None:
    tenant = generate_tenant(7, DEMO, NOW)
    for sub in tenant.subscriptions:
        for api in sub.apis():
            c = api.counters()
            ops = api.operations
            assert c["numberOfApiEndpoints"] == len(ops)
            assert c["numberOfInactiveApiEndpoints"] == sum(
                1 for o in ops if not o.active and not o.awaiting_data
            )
            assert c["numberOfUnauthenticatedApiEndpoints"] == sum(
                1 for o in ops if not o.authenticated and not o.awaiting_data
            )
            assert c["numberOfExternalApiEndpoints"] == sum(1 for o in ops if o.external)
            assert c["numberOfApiEndpointsWithSensitiveDataExposed"] == sum(
                1 for o in ops if o.sensitive_types
            )
            labels = {o.sensitivity_label for o in ops}
            if "Highly Confidential" in labels:
                assert c["sensitivityLabel"] == "Highly Confidential"


def test_demo_tenant_has_every_case_the_console_shows() -> None:
    tenant = generate_tenant(7, DEMO, NOW)
    assert len(tenant.subscriptions) == 3
    assert [s.readable for s in tenant.subscriptions].count(False) == 1
    readable = tenant.readable_subscriptions
    apis = [a for s in readable for a in s.apis()]
    ops = [o for a in apis if a.onboarded for o in a.operations]
    assert any(not a.onboarded for a in apis)
    assert any(o.inactive for o in ops)
    assert any(o.awaiting_data and o.last_called is None for o in ops)
    assert any(not o.authenticated and o.active for o in ops)
    assert any(o.external for o in ops)
    assert any(o.sensitive_types and o.sensitivity_label for o in ops)
    assert any("http" in a.protocols for a in apis)
    for sub in readable:
        assert 30 <= len(sub.alerts) <= 50
        assert {w.state for w in sub.workflows} == {"Enabled", "Disabled"}
        assert any(w.fails for w in sub.workflows)
        kinds = {t.kind for w in sub.workflows for t in w.triggers}
        assert kinds == {"Request", "ApiConnectionWebhook", "Recurrence"}
        assert sub.automations and all(a.logic_app_ids for a in sub.automations)


def test_operation_assessments_follow_the_operation_flags() -> None:
    tenant = generate_tenant(7, DEMO, NOW)
    for sub in tenant.subscriptions:
        by_id = {a.id: a for a in sub.assessments}
        for api in sub.apis():
            for op in api.operations:
                unauth = by_id.get(
                    f"{op.id}/providers/Microsoft.Security/assessments/{KEY_UNAUTHENTICATED}"
                )
                unused = by_id.get(f"{op.id}/providers/Microsoft.Security/assessments/{KEY_UNUSED}")
                if not api.onboarded:
                    assert unauth is None and unused is None
                    continue
                assert unauth is not None and unused is not None
                if op.awaiting_data:
                    assert unauth.status_code == unused.status_code == "NotApplicable"
                    continue
                want = "Unhealthy" if (not op.authenticated and op.active) else "Healthy"
                assert unauth.status_code == want
                assert unused.status_code == ("Unhealthy" if op.inactive else "Healthy")


def test_assessment_lists_mix_api_and_unrelated_resources() -> None:
    sub = generate_tenant(7, DEMO, NOW).subscriptions[0]
    ids = [a.resource_id for a in sub.assessments]
    assert any("/Microsoft.Compute/" in i for i in ids)
    assert any("/Microsoft.Storage/" in i for i in ids)
    assert any(a.capitalised_details for a in sub.assessments)
    assert any(not a.capitalised_details for a in sub.assessments)


def test_invented_keys_are_stable_uuids() -> None:
    invented = [r for r in recommendations() if r.key_invented]
    assert invented, "the catalogue has recommendations without a known key"
    assert len({r.key for r in recommendations()}) == len(recommendations())
    assert all(len(r.key) == 36 for r in invented)


def test_large_tenant_has_the_documented_size_and_generates_quickly() -> None:
    started = time.perf_counter()
    tenant = generate_tenant(7, LARGE, NOW)
    elapsed = time.perf_counter() - started
    apis = [a for s in tenant.subscriptions for a in s.apis()]
    assert len(tenant.subscriptions) == 50
    assert sum(len(s.services) for s in tenant.subscriptions) == 200
    assert len(apis) == 2000
    assert 1700 <= sum(a.onboarded for a in apis) <= 1900
    assert sum(len(a.operations) for a in apis) == 40_000
    assert sum(len(s.alerts) for s in tenant.subscriptions) == 20_000
    assert elapsed < 10, f"large tenant took {elapsed:.1f}s"
