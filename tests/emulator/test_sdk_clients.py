"""The real Azure SDK clients against the emulator: the api-versions and LRO shapes they expect."""

from __future__ import annotations

import time

import pytest
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.apimanagement.aio import ApiManagementClient
from azure.mgmt.security.aio import SecurityCenter
from azure.mgmt.security.v2022_01_01.models import (
    AlertSimulatorBundlesRequestProperties,
    AlertSimulatorRequestBody,
)

from apiwatch.emulator import Emulator


class _StaticToken:
    def __init__(self, token: str) -> None:
        self.token = token

    async def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)

    async def get_token_info(self, *scopes: str, options: object = None) -> AccessTokenInfo:
        return AccessTokenInfo(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        pass


def _kwargs(emu: Emulator) -> dict:
    return {
        "base_url": emu.url,
        "credential_scopes": ["https://management.azure.com/.default"],
        "connection_verify": str(emu.ca_path),
        "polling_interval": 0.1,
    }


async def test_security_center_reads_and_onboards(emu: Emulator) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    svc, api = next((s, a) for s in sub.services for a in s.apis if not a.onboarded)
    async with SecurityCenter(_StaticToken(emu.token), sub.subscription_id, **_kwargs(emu)) as sc:
        cols = [c async for c in sc.api_collections.list_by_subscription()]
        assert len(cols) == sum(a.onboarded for a in sub.apis())
        poller = await sc.api_collections.begin_onboard_azure_api_management_api(
            svc.resource_group, svc.name, api.name
        )
        result = await poller.result()
        assert result.provisioning_state == "Succeeded"
        assert result.number_of_api_endpoints == len(api.operations)
        alerts = [a async for a in sc.alerts.list()]
        assert {a.name for a in alerts} == {a.name for a in sub.alerts}
        before = len(sub.alerts)
        body = AlertSimulatorRequestBody(
            properties=AlertSimulatorBundlesRequestProperties(bundles=["Apis"])
        )
        await (await sc.alerts.begin_simulate(sub.asc_location, body)).result()
        assert len(sub.alerts) == before + 13
        assessments = [a async for a in sc.assessments.list(f"subscriptions/{sub.subscription_id}")]
        assert len(assessments) == len(sub.assessments)
        autos = [a async for a in sc.automations.list()]
        assert len(autos) == len(sub.automations)


async def test_api_management_client_pages_apis_and_operations(emu: Emulator) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    svc = sub.services[0]
    async with ApiManagementClient(
        _StaticToken(emu.token), sub.subscription_id, **_kwargs(emu)
    ) as am:
        services = [s async for s in am.api_management_service.list()]
        assert {s.name for s in services} == {s.name for s in sub.services}
        apis = [a async for a in am.api.list_by_service(svc.resource_group, svc.name)]
        assert [a.name for a in apis] == [a.name for a in svc.apis]
        ops = [
            o
            async for o in am.api_operation.list_by_api(svc.resource_group, svc.name, apis[0].name)
        ]
        assert [o.url_template for o in ops] == [o.url_template for o in svc.apis[0].operations]


async def test_security_center_changes_alert_states(emu: Emulator) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    active = [a for a in sub.alerts if a.status == "Active"]
    to_dismiss = active[0]
    to_resolve = next(a for a in active[1:] if a.resource_group)
    async with SecurityCenter(_StaticToken(emu.token), sub.subscription_id, **_kwargs(emu)) as sc:
        await sc.alerts.update_subscription_level_state_to_dismiss(
            to_dismiss.asc_location, to_dismiss.name
        )
        await sc.alerts.update_resource_group_level_state_to_resolve(
            to_resolve.resource_group, to_resolve.asc_location, to_resolve.name
        )
        listed = {a.name: a.status async for a in sc.alerts.list()}
    assert listed[to_dismiss.name] == "Dismissed"
    assert listed[to_resolve.name] == "Resolved"
    assert sum(s == "Active" for s in listed.values()) == len(active) - 2


async def test_security_center_simulates_with_a_plain_dict_body(emu: Emulator) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    before = {a.name for a in sub.alerts}
    async with SecurityCenter(_StaticToken(emu.token), sub.subscription_id, **_kwargs(emu)) as sc:
        poller = await sc.alerts.begin_simulate(
            sub.asc_location, {"properties": {"kind": "Bundles", "bundles": ["Apis"]}}
        )
        await poller.result()
        assert poller.status() == "Succeeded"
        new = [a async for a in sc.alerts.list() if a.name not in before]
    assert len(new) == 13
    assert all(a.alert_display_name.startswith("[SAMPLE ALERT] ") for a in new)
    assert {a.alert_type for a in new} >= {"API_AccessFromSuspiciousUserAgent"}


async def test_security_center_onboards_then_offboards(emu: Emulator) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    svc, api = next((s, a) for s in sub.services for a in s.apis if not a.onboarded)
    async with SecurityCenter(_StaticToken(emu.token), sub.subscription_id, **_kwargs(emu)) as sc:
        poller = await sc.api_collections.begin_onboard_azure_api_management_api(
            svc.resource_group, svc.name, api.name
        )
        await poller.result()
        assert api.onboarded
        # Collection names repeat across services (one per API name); ids do not.
        ids = {c.id async for c in sc.api_collections.list_by_subscription()}
        assert api.collection_id in ids
        await sc.api_collections.offboard_azure_api_management_api(
            svc.resource_group, svc.name, api.name
        )
        assert not api.onboarded
        ids = {c.id async for c in sc.api_collections.list_by_subscription()}
        assert api.collection_id not in ids
        with pytest.raises(ResourceNotFoundError):
            await sc.api_collections.get_by_azure_api_management_service(
                svc.resource_group, svc.name, api.name
            )
