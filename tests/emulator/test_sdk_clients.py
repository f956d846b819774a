"""The real Azure SDK clients against the emulator: the api-versions and LRO shapes they expect."""

from __future__ import annotations

import time

from azure.core.credentials import AccessToken, AccessTokenInfo
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
