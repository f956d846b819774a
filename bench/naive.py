"""The naive way: the SDK clients called one after another, as a first script would, iterating
the SDK pagers item by item. One pair of clients per subscription (each with its own transport
and `connection_verify` = the CA path, the SDK's default way to trust a CA)."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.apimanagement.aio import ApiManagementClient
from azure.mgmt.security.aio import SecurityCenter
from common import Timer
from emulator_proc import EmulatorProcess

from apiwatch.azure.credentials import StaticTokenCredential


@dataclass
class NaiveRun:
    timer: Timer
    requests: int  # requests the emulator served during the run
    subscriptions: int  # subscriptions walked
    items: int


def _pages(items: int, size: int) -> int:
    return max(1, math.ceil(items / size))


def naive_requests_whole_tenant(handle: EmulatorProcess) -> int:
    """What the naive walk costs on the whole tenant, from its truth: the subscription list, and
    per readable subscription every page of each list it walks; an unreadable subscription stops
    at its first 403."""
    size = handle.config.page_size
    subs = handle.tenant.subscriptions
    total = _pages(len(subs), size)
    for sub in subs:
        if not sub.readable:
            total += 1
            continue
        onboarded = sum(1 for svc in sub.services for a in svc.apis if a.onboarded)
        total += _pages(onboarded, size) + _pages(len(sub.services), size)
        for svc in sub.services:
            total += _pages(len(svc.apis), size)
            total += sum(_pages(len(api.operations), size) for api in svc.apis)
        total += _pages(len(sub.assessments), size) + _pages(len(sub.alerts), size)
        total += _pages(len(sub.automations), size)
    return total


async def _walk(handle: EmulatorProcess, limit: int | None, readable_only: bool) -> tuple[int, int]:
    credential = StaticTokenCredential(handle.token, handle.url)
    common = {"base_url": handle.url, "connection_verify": str(handle.ca_path)}
    items = 0
    async with ApiManagementClient(credential, "00000000-0000-0000-0000-000000000000",
                                   **common) as lister:
        response = await lister._send_request(
            HttpRequest("GET", "/subscriptions?api-version=2022-12-01"))
        response.raise_for_status()
        subs = [s["subscriptionId"] for s in response.json()["value"]]
    if readable_only:  # a sample for scaling: only subscriptions the walk can read
        readable = {s.subscription_id.lower() for s in handle.tenant.subscriptions if s.readable}
        subs = [s for s in subs if s.lower() in readable]
    subs = subs[:limit] if limit else subs
    for sub in subs:
        async with SecurityCenter(credential, sub, **common) as sc, \
                ApiManagementClient(credential, sub, **common) as am:
            try:
                async for _ in sc.api_collections.list_by_subscription():
                    items += 1
                async for svc in am.api_management_service.list():
                    items += 1
                    rg = svc.id.split("/")[4]
                    async for api in am.api.list_by_service(rg, svc.name):
                        items += 1
                        async for _ in am.api_operation.list_by_api(rg, svc.name, api.name):
                            items += 1
                async for _ in sc.assessments.list(f"subscriptions/{sub}"):
                    items += 1
                async for _ in sc.alerts.list():
                    items += 1
                async for _ in sc.automations.list():
                    items += 1
            except HttpResponseError:
                continue  # no access to this subscription: next one
    return len(subs), items


def naive_walk(handle: EmulatorProcess, limit: int | None = None,
               readable_only: bool = False) -> NaiveRun:
    handle.requests.clear()
    with Timer(handle.cpu_seconds) as timer:
        walked, items = asyncio.run(_walk(handle, limit, readable_only))
    return NaiveRun(timer, len(handle.requests), walked, items)
