"""Microsoft.Security routes: onboarding LRO, alerts and their state, simulate, assessments."""

from __future__ import annotations

import asyncio

from apiwatch.emulator import Emulator
from apiwatch.emulator.catalogue import KEY_UNAUTHENTICATED

from .conftest import Arm

V_COLL = "api-version=2023-11-15"
V_ALERTS = "api-version=2022-01-01"


async def test_onboarding_runs_as_a_long_running_operation(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    svc, api = next((s, a) for s in sub.services for a in s.apis if not a.onboarded)
    url = f"{svc.id}/providers/Microsoft.Security/apiCollections/{api.name}?{V_COLL}"
    status, _, _ = await arm.get(url)
    assert status == 404

    status, body, headers = await arm.call("PUT", url, json={})
    assert status == 201
    assert body["properties"]["provisioningState"] == "InProgress"
    assert "$asyncScope=" in headers["Location"] and V_COLL in headers["Location"]
    assert float(headers["Retry-After"]) > 0

    status, _, headers = await arm.get(headers["Location"])
    assert status == 202 and "Retry-After" in headers
    await asyncio.sleep(emu.config.lro_seconds + 0.1)
    status, body, _ = await arm.get(f"{url}&$asyncScope=x")
    assert status == 200
    assert body["properties"]["provisioningState"] == "Succeeded"
    assert body["properties"]["numberOfApiEndpoints"] == len(api.operations)
    assert api.onboarded

    listed = await arm.get_all(f"{svc.id}/providers/Microsoft.Security/apiCollections?{V_COLL}")
    assert api.collection_id in {c["id"] for c in listed}
    op = api.operations[0]
    key = f"{op.id}/providers/Microsoft.Security/assessments/{KEY_UNAUTHENTICATED}"
    status, _, _ = await arm.get(f"{key}?api-version=2021-06-01")
    assert status == 200

    status, _, _ = await arm.call("DELETE", url)
    assert status == 200
    assert not api.onboarded
    status, _, _ = await arm.call("DELETE", url)
    assert status == 204
    status, _, _ = await arm.get(f"{key}?api-version=2021-06-01")
    assert status == 404


async def test_collection_counters_on_the_wire_match_the_truth(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    listed = await arm.get_all(
        f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/apiCollections?{V_COLL}"
    )
    truth = {a.collection_id: a for a in sub.apis() if a.onboarded}
    assert {c["id"] for c in listed} == set(truth)
    for col in listed:
        api = truth[col["id"]]
        props = col["properties"]
        assert props["numberOfInactiveApiEndpoints"] == sum(o.inactive for o in api.operations)
        assert props["numberOfExternalApiEndpoints"] == sum(o.external for o in api.operations)
        svc = next(s for s in sub.services if s.id == api.service_id)
        assert props["baseUrl"] == f"{emu.url}/gateway/{svc.name}/{api.path}"
        assert col["type"] == "Microsoft.Security/apiCollections"


async def test_alert_state_changes_at_both_levels(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    rg_alert = next(a for a in sub.alerts if a.resource_group)
    sub_alert = next(a for a in sub.alerts if a.resource_group is None)
    for alert, action, expected in (
        (rg_alert, "dismiss", "Dismissed"),
        (rg_alert, "activate", "Active"),
        (sub_alert, "resolve", "Resolved"),
        (sub_alert, "inProgress", "InProgress"),
    ):
        status, body, _ = await arm.post(f"{alert.id}/{action}?{V_ALERTS}")
        assert status == 204, body
        assert alert.status == expected
        status, body, _ = await arm.get(f"{alert.id}?{V_ALERTS}")
        assert body["properties"]["status"] == expected
    # The subscription-level GET finds an alert whatever its resource group.
    sub_level = f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/locations/{sub.asc_location}/alerts/{rg_alert.name}"
    status, body, _ = await arm.get(f"{sub_level}?{V_ALERTS}")
    assert status == 200 and body["id"] == rg_alert.id


async def test_alert_payload_has_the_documented_shape(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    alert = next(
        a
        for a in reversed(sub.alerts)
        if a.is_api and "Top sensitivity label" in a.extended_properties
    )
    status, body, _ = await arm.get(f"{alert.id}?{V_ALERTS}")
    assert status == 200
    props = body["properties"]
    assert body["type"] == "Microsoft.Security/Locations/alerts"
    assert props["systemAlertId"] == body["name"] == alert.name
    assert props["productName"] == "Microsoft Defender for Cloud"
    assert props["productComponentName"] == "APIs"
    assert props["resourceIdentifiers"] == [
        {"type": "AzureResource", "azureResourceId": alert.resource_id}
    ]
    assert props["alertType"].startswith("API_")
    assert len(props["startTimeUtc"].split(".")[1]) == 8  # seven digits and the Z
    ip = next(e for e in props["entities"] if e["type"] == "ip")
    assert {"asn", "city", "countryCode"} <= set(ip["location"])
    assert all(isinstance(v, str) for v in props["extendedProperties"].values())
    assert props["isIncident"] is False


async def test_simulate_creates_sample_alerts(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    before = len(sub.alerts)
    url = f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/locations/{sub.asc_location}/alerts/default/simulate?{V_ALERTS}"
    body = {"properties": {"kind": "Bundles", "bundles": ["Apis", "VirtualMachines"]}}
    status, _, headers = await arm.post(url, json=body)
    assert status == 202
    assert "Location" in headers and "Retry-After" in headers
    status, _, _ = await arm.get(headers["Location"])
    assert status == 202
    await asyncio.sleep(emu.config.lro_seconds + 0.1)
    status, _, _ = await arm.get(headers["Location"])
    assert status == 204
    new = sub.alerts[before:]
    assert all(a.display_name.startswith("[SAMPLE ALERT] ") for a in new)
    assert sum(a.is_api for a in new) == 13
    assert any(a.alert_type == "VM_EICAR" for a in new)
    status, body, _ = await arm.post(url, json={"properties": {"kind": "Bundles"}})
    assert status == 400


async def test_add_alerts_appear_first_in_the_list(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[1]
    [alert] = await emu.add_alerts(1, sub.subscription_id)
    assert alert.status == "Active" and alert.is_api
    status, body, _ = await arm.get(
        f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/alerts?{V_ALERTS}"
    )
    assert status == 200
    assert body["value"][0]["name"] == alert.name


async def test_assessments_list_get_and_expand(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    listed = await arm.get_all(
        f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/assessments?api-version=2025-05-04"
    )
    assert len(listed) == len(sub.assessments)
    spellings = {next(iter(a["properties"]["resourceDetails"])) for a in listed}
    assert spellings == {"source", "Source"}
    target = next(a for a in sub.assessments if a.key == KEY_UNAUTHENTICATED)
    status, body, _ = await arm.get(f"{target.id}?api-version=2021-06-01&$expand=links,metadata")
    assert status == 200
    assert body["name"] == KEY_UNAUTHENTICATED
    assert body["properties"]["status"]["code"] == target.status_code
    assert body["properties"]["links"]["azurePortalUri"].endswith(KEY_UNAUTHENTICATED)
    assert body["properties"]["metadata"]["severity"] == "High"


async def test_metadata_lists_the_catalogue(emu: Emulator, arm: Arm) -> None:
    items = await arm.get_all(
        "/providers/Microsoft.Security/assessmentMetadata?api-version=2025-05-04"
    )
    by_name = {m["name"]: m["properties"] for m in items}
    assert (
        by_name[KEY_UNAUTHENTICATED]["displayName"]
        == "API endpoints in Azure API Management should be authenticated"
    )
    assert by_name[KEY_UNAUTHENTICATED]["policyDefinitionId"].endswith(
        "8ac833bd-f505-48d5-887e-c993a1d3eea0"
    )
    assert {p["assessmentType"] for p in by_name.values()} == {"BuiltIn"}
    assert len(items) >= 16 + 2


async def test_automations_never_echo_the_logic_app_uri(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    items = await arm.get_all(
        f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/automations?api-version=2023-12-01-preview"
    )
    assert len(items) == len(sub.automations)
    actions = [a for item in items for a in item["properties"]["actions"]]
    assert actions and all(set(a) == {"logicAppResourceId", "actionType"} for a in actions)
    sources = {s["eventSource"] for item in items for s in item["properties"]["sources"]}
    assert {"Alerts", "Assessments"} <= sources
