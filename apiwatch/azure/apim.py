"""API Management services, APIs and operations (2024-05-01). An operation is an API endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import ApimApi, ApimService, ArmId, Endpoint
from .pages import Listing, RawPages, raw_operations
from .session import ArmSession
from .wire import boolean, ci, props, required_text, strings, text


def parse_service(item: Mapping[str, Any]) -> ApimService:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    sku = ci(item, "sku")
    return ApimService(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        name=text(item, "name") or arm.name,
        location=text(item, "location"),
        gateway_url=text(p, "gatewayUrl"),
        sku=text(sku, "name") if isinstance(sku, Mapping) else None,
        virtual_network_type=text(p, "virtualNetworkType"),
        public_network_access=text(p, "publicNetworkAccess"),
    )


def parse_api(item: Mapping[str, Any]) -> ApimApi:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    name = text(item, "name") or arm.name
    return ApimApi(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        service_name=arm.name_of("Microsoft.ApiManagement/service") or "",
        name=name,
        display_name=text(p, "displayName") or name,
        path=text(p, "path"),
        service_url=text(p, "serviceUrl"),
        protocols=strings(p, "protocols"),
        api_revision=text(p, "apiRevision"),
        is_current=boolean(p, "isCurrent"),
    )


def parse_operation(item: Mapping[str, Any]) -> Endpoint:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    name = text(item, "name") or arm.name
    return Endpoint(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        service_name=arm.name_of("Microsoft.ApiManagement/service") or "",
        api_name=arm.name_of("apis") or "",
        name=name,
        display_name=text(p, "displayName") or name,
        method=(text(p, "method") or "").upper(),
        url_template=text(p, "urlTemplate") or "",
    )


# Services and APIs are always decoded (their items name the lists below them); operations, the
# bulk, only when their pages changed.


async def list_services(session: ArmSession, subscription_id: str,
                        previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous, need_items=True)
    client = session.apim(subscription_id)
    await pages.drain(raw_operations(client.api_management_service).list(**pages.options()))
    return pages


async def list_apis(session: ArmSession, service: ApimService,
                    previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous, need_items=True)
    client = session.apim(service.subscription_id)
    pager = raw_operations(client.api).list_by_service(service.resource_group or "", service.name,
                                                       **pages.options())
    await pages.drain(pager)
    return pages


async def list_operations(session: ArmSession, api: ApimApi,
                          previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous)
    client = session.apim(api.subscription_id)
    pager = raw_operations(client.api_operation).list_by_api(
        api.resource_group or "", api.service_name, api.name, **pages.options()
    )
    await pages.drain(pager)
    return pages
