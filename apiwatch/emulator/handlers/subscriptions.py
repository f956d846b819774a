"""Microsoft.Resources subscriptions: every subscription is listed, readable or not."""

from __future__ import annotations

from .. import payloads
from ..routing import Context, page, route
from ..wire import Reply

VERSIONS = ("2022-12-01", "2020-01-01", "2021-01-01")


async def list_subscriptions(ctx: Context) -> Reply:
    return page(ctx, ctx.state.tenant.subscriptions, payloads.subscription)


async def get_subscription(ctx: Context) -> Reply:
    return Reply(body=payloads.subscription(ctx.require_sub()))


ROUTES = [
    route(
        "GET",
        "/subscriptions",
        list_subscriptions,
        VERSIONS,
        "Microsoft.Resources/subscriptions/read",
    ),
    route(
        "GET",
        "/subscriptions/{sub}",
        get_subscription,
        VERSIONS,
        "Microsoft.Resources/subscriptions/read",
        check_readable=False,
    ),
]
