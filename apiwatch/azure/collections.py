"""Defender for APIs API collections (`Microsoft.Security/apiCollections`, 2023-11-15)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import ApiCollection, ArmId, ProvisioningState
from .pages import Listing, RawPages, raw_operations
from .session import ArmSession
from .wire import integer, props, required_text, text


def parse_collection(item: Mapping[str, Any]) -> ApiCollection:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    name = text(item, "name") or arm.name
    return ApiCollection(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        service_name=arm.name_of("Microsoft.ApiManagement/service"),
        api_name=name,
        display_name=text(p, "displayName") or name,
        base_url=text(p, "baseUrl"),
        discovered_via=text(p, "discoveredVia"),
        provisioning_state=ProvisioningState.parse(text(p, "provisioningState")),
        endpoints=integer(p, "numberOfApiEndpoints"),
        inactive=integer(p, "numberOfInactiveApiEndpoints"),
        unauthenticated=integer(p, "numberOfUnauthenticatedApiEndpoints"),
        external=integer(p, "numberOfExternalApiEndpoints"),
        sensitive=integer(p, "numberOfApiEndpointsWithSensitiveDataExposed"),
        sensitivity_label=text(p, "sensitivityLabel") or None,
    )


async def list_collections(session: ArmSession, subscription_id: str,
                           previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous)
    client = session.security(subscription_id)
    await pages.drain(
        raw_operations(client.api_collections).list_by_subscription(**pages.options()))
    return pages
