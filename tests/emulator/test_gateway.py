"""The APIM gateway on the emulator, and the Defender detection a `javascript:` user agent raises."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from apiwatch.emulator import Api, ApimService, Emulator, EmulatorConfig, Operation, Subscription

from .conftest import Arm

DELAY = 0.3
ALERTS = "/providers/Microsoft.Security/alerts?api-version=2022-01-01"
SERVICE = "/providers/Microsoft.ApiManagement/service/{}?api-version=2024-05-01"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    config = EmulatorConfig(lro_seconds=0.3, run_seconds=0.3, probe_alert_seconds=DELAY)
    async with Emulator(config) as emulator:
        yield emulator


def _target(
    emu: Emulator, onboarded: bool = True
) -> tuple[Subscription, ApimService, Api, Operation]:
    """An operation with a path parameter, so template matching is exercised."""
    return next(
        (sub, svc, api, op)
        for sub in emu.tenant.readable_subscriptions
        for svc in sub.services
        for api in svc.apis
        if api.onboarded == onboarded
        for op in api.operations
        if "{" in op.url_template
    )


def _concrete(op: Operation) -> str:
    return re.sub(r"\{[^}]+\}", "ord-4711", op.url_template)


async def _newest(arm: Arm, sub: Subscription) -> dict:
    status, body, _ = await arm.get(f"/subscriptions/{sub.subscription_id}{ALERTS}")
    assert status == 200, body
    return body["value"][0]


async def test_served_gateway_url_is_on_the_emulator_and_reachable(emu: Emulator, arm: Arm) -> None:
    _, svc, api, op = _target(emu)
    status, body, _ = await arm.get(f"{svc.id.split('/providers/')[0]}{SERVICE.format(svc.name)}")
    assert status == 200, body
    gateway = body["properties"]["gatewayUrl"]
    assert gateway == f"{emu.url}/gateway/{svc.name}" == emu.gateway_url(svc)
    assert body["properties"]["gatewayRegionalUrl"] == gateway
    assert body["properties"]["hostnameConfigurations"][0]["hostName"] == emu.url[8:]
    # The tenant keeps its realistic name; only what is served moves to loopback.
    assert svc.gateway_url.endswith(".azure-api.net")
    status, answer, _ = await arm.call(
        op.method, f"{gateway}/{api.path}{_concrete(op)}?x=1", token=None
    )
    assert (status, answer) == (200, {"ok": True, "operation": op.name})


async def test_collection_base_url_and_graph_endpoint_are_served_gateway_urls(
    emu: Emulator, arm: Arm
) -> None:
    sub, svc, api, op = _target(emu)
    status, body, _ = await arm.get(
        f"{svc.id}/providers/Microsoft.Security/apiCollections/{api.name}?api-version=2023-11-15"
    )
    assert status == 200, body
    assert body["properties"]["baseUrl"] == f"{emu.url}/gateway/{svc.name}/{api.path}"
    query = {
        "subscriptions": [sub.subscription_id],
        "query": "securityresources | where type == "
        "'microsoft.security/apicollections/apiendpoints'",
    }
    status, body, _ = await arm.post(
        "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01", json=query
    )
    assert status == 200, body
    row = next(r for r in body["data"] if r["id"].endswith(f"/{api.name}/apiEndpoints/{op.name}"))
    assert (
        row["properties"]["EndPoint"] == f"{emu.url}/gateway/{svc.name}/{api.path}{op.url_template}"
    )


async def test_javascript_user_agent_raises_the_alert_after_the_delay(
    emu: Emulator, arm: Arm
) -> None:
    sub, svc, api, op = _target(emu)
    newest_before = await _newest(arm, sub)
    status, answer, _ = await arm.call(
        op.method,
        f"{emu.gateway_url(svc)}/{api.path}{_concrete(op)}",
        token=None,
        headers={"User-Agent": "JavaScript:"},
    )
    assert (status, answer) == (200, {"ok": True, "operation": op.name})
    path = f"/gateway/{svc.name}/{api.path}{_concrete(op)}"
    assert emu.probes[-1] == (op.method, path, "JavaScript:", op.id)
    # Not yet: Defender raises it "after some time".
    assert (await _newest(arm, sub))["name"] == newest_before["name"]
    await asyncio.sleep(DELAY + 0.2)
    newest = await _newest(arm, sub)
    assert newest["name"] != newest_before["name"]
    props = newest["properties"]
    assert props["alertType"] == "API_AccessFromSuspiciousUserAgent"
    assert props["alertDisplayName"] == "Suspicious User Agent detected"
    assert (props["severity"], props["status"], props["intent"]) == (
        "Medium",
        "Active",
        "Execution",
    )
    assert props["resourceIdentifiers"] == [{"type": "AzureResource", "azureResourceId": op.id}]
    assert props["compromisedEntity"] == api.display_name
    assert {"type": "ip", "address": "127.0.0.1"} in props["entities"]
    assert props["extendedProperties"]["User agent"] == "JavaScript:"
    assert newest["id"].startswith(
        f"/subscriptions/{sub.subscription_id}/resourceGroups/{svc.resource_group}/"
    )


async def test_normal_user_agent_raises_nothing(emu: Emulator, arm: Arm) -> None:
    sub, svc, api, op = _target(emu)
    before = len(sub.alerts)
    status, _, _ = await arm.call(
        op.method,
        f"{emu.gateway_url(svc)}/{api.path}{_concrete(op)}",
        token=None,
        headers={"User-Agent": "Mozilla/5.0 (javascript enabled)"},
    )
    assert status == 200
    await asyncio.sleep(DELAY + 0.2)
    assert len(sub.alerts) == before
    assert emu.probes[-1].operation_id == op.id


async def test_not_onboarded_api_raises_nothing(emu: Emulator, arm: Arm) -> None:
    sub, svc, api, op = _target(emu, onboarded=False)
    before = len(sub.alerts)
    status, answer, _ = await arm.call(
        op.method,
        f"{emu.gateway_url(svc)}/{api.path}{_concrete(op)}",
        token=None,
        headers={"User-Agent": "javascript:"},
    )
    assert (status, answer) == (200, {"ok": True, "operation": op.name})
    await asyncio.sleep(DELAY + 0.2)
    assert len(sub.alerts) == before


async def test_unknown_paths_are_apim_404s(emu: Emulator, arm: Arm) -> None:
    _, svc, api, op = _target(emu)
    gateway = emu.gateway_url(svc)
    urls = [
        ("GET", f"{gateway}/no-such-api/v9/things"),
        ("GET", f"{gateway}/{api.path}/no/such/operation"),
        ("OPTIONS", f"{gateway}/{api.path}{_concrete(op)}"),
        ("GET", f"{emu.url}/gateway/apim-nobody-01/{api.path}{_concrete(op)}"),
    ]
    for method, url in urls:
        status, body, _ = await arm.call(method, url, token=None)
        assert (status, body) == (404, {"statusCode": 404, "message": "Resource not found"}), url
    svc.gateway_disabled = True
    status, body, _ = await arm.call(op.method, f"{gateway}/{api.path}{_concrete(op)}", token=None)
    assert (status, body["statusCode"]) == (404, 404)
    assert [p.operation_id for p in emu.probes] == [None] * 5


async def test_gateway_needs_no_token_and_ignores_unaimed_faults(emu: Emulator, arm: Arm) -> None:
    sub, svc, api, op = _target(emu)
    url = f"{emu.gateway_url(svc)}/{api.path}{_concrete(op)}"
    status, _, _ = await arm.call(op.method, url, token="not-the-token")
    assert status == 200
    emu.faults.add("throttle", count=None)  # an ARM fault for every ARM path
    status, _, _ = await arm.call(op.method, url, token=None)
    assert status == 200
    status, _, _ = await arm.get(f"/subscriptions/{sub.subscription_id}{ALERTS}")
    assert status == 429
    emu.faults.clear()
    emu.faults.add("error", match=r"^/gateway/", status=503)
    status, body, _ = await arm.call(op.method, url, token=None)
    assert (status, body["statusCode"]) == (503, 503)
    status, _, _ = await arm.call(op.method, url, token=None)
    assert status == 200


async def test_literal_operation_beats_a_template(emu: Emulator, arm: Arm) -> None:
    for sub in emu.tenant.readable_subscriptions:
        for svc in sub.services:
            for api in svc.apis:
                lit = next((o for o in api.operations if o.url_template.endswith("/search")), None)
                if lit and any(o.method == "GET" and "{" in o.url_template for o in api.operations):
                    status, body, _ = await arm.call(
                        "GET", f"{emu.gateway_url(svc)}/{api.path}{lit.url_template}", token=None
                    )
                    assert (status, body["operation"]) == (200, lit.name)
                    return
    pytest.skip("no API with both a search and a templated GET operation")


async def test_session_without_ca_is_refused(emu: Emulator) -> None:
    """Same TLS as ARM: the gateway is only reachable with the emulator's CA."""
    _, svc, api, op = _target(emu)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(f"{emu.gateway_url(svc)}/{api.path}{_concrete(op)}")
