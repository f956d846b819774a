"""Subscriptions visible to the credential (`GET /subscriptions`, through the ARM pipeline)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Subscription
from .pages import RawPages, raw_list
from .session import ArmSession
from .wire import required_text, text

SUBSCRIPTIONS_API_VERSION = "2022-12-01"
# Disabled and deleted subscriptions answer every read with an error: skip them.
_UNUSABLE = {"disabled", "deleted"}


def parse_subscription(item: Mapping[str, Any]) -> Subscription:
    return Subscription(
        subscription_id=required_text(item, "subscriptionId"),
        display_name=text(item, "displayName") or "",
        state=text(item, "state") or "Enabled",
        tenant_id=text(item, "tenantId"),
    )


async def list_subscriptions(session: ArmSession) -> RawPages:
    pages = RawPages()

    async def fetch(url: str) -> Any:
        return (await session.request_json("GET", url))[0]

    await raw_list(fetch, session.url("/subscriptions", SUBSCRIPTIONS_API_VERSION), pages)
    return pages


def usable(subscription: Subscription) -> bool:
    return subscription.state.lower() not in _UNUSABLE
