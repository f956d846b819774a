"""Microsoft.ApiManagement: services, APIs and operations (the API endpoints)."""

from __future__ import annotations

from .. import payloads
from ..routing import Context, page, route
from ..state import ServerState
from ..tenant import Api, ApimService
from ..wire import Reply, not_found

VERSIONS = ("2024-05-01",)
SVC = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{svc}"
READ = "Microsoft.ApiManagement/service/read"
API_READ = "Microsoft.ApiManagement/service/apis/read"
OP_READ = "Microsoft.ApiManagement/service/apis/operations/read"


def _service(ctx: Context) -> ApimService:
    svc = ctx.require_sub().service(ctx.params["rg"], ctx.params["svc"])
    if svc is None:
        raise not_found("Microsoft.ApiManagement/service", ctx.params["svc"], ctx.params["rg"])
    return svc


def _api(ctx: Context) -> Api:
    svc = _service(ctx)
    api = svc.api(ctx.params["api"])
    if api is None:
        raise not_found("Microsoft.ApiManagement/service/apis", f"{svc.name}/{ctx.params['api']}")
    return api


async def list_services(ctx: Context) -> Reply:
    items = ctx.require_sub().services
    rg = ctx.params.get("rg")
    if rg is not None:
        items = [s for s in items if s.resource_group.lower() == rg.lower()]
    return page(ctx, items, lambda svc: payloads.service(svc, ctx.state.gateway_url(svc)))


async def get_service(ctx: Context) -> Reply:
    svc = _service(ctx)
    return Reply(body=payloads.service(svc, ctx.state.gateway_url(svc)))


async def list_apis(ctx: Context) -> Reply:
    return page(ctx, _service(ctx).apis, payloads.api, apim=True)


async def get_api(ctx: Context) -> Reply:
    return Reply(body=payloads.api(_api(ctx)))


OPERATION_FRAGMENT = "operation"


async def list_operations(ctx: Context) -> Reply:
    return page(
        ctx, _api(ctx).operations, payloads.operation, apim=True, fragment=OPERATION_FRAGMENT
    )


def prerender(state: ServerState) -> None:
    """Keep the JSON of every readable subscription's operations (fragments.py)."""
    for sub in state.tenant.readable_subscriptions:
        for svc in sub.services:
            for api in svc.apis:
                for op in api.operations:
                    state.fragments.text(OPERATION_FRAGMENT, op, payloads.operation)


async def get_operation(ctx: Context) -> Reply:
    api = _api(ctx)
    name = ctx.params["op"].lower()
    op = next((o for o in api.operations if o.name.lower() == name), None)
    if op is None:
        raise not_found(
            "Microsoft.ApiManagement/service/apis/operations", f"{api.name}/{ctx.params['op']}"
        )
    return Reply(body=payloads.operation(op))


ROUTES = [
    route(
        "GET",
        "/subscriptions/{sub}/providers/Microsoft.ApiManagement/service",
        list_services,
        VERSIONS,
        READ,
    ),
    route(
        "GET",
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service",
        list_services,
        VERSIONS,
        READ,
    ),
    route("GET", SVC, get_service, VERSIONS, READ),
    route("GET", f"{SVC}/apis", list_apis, VERSIONS, API_READ),
    route("GET", f"{SVC}/apis/{{api}}", get_api, VERSIONS, API_READ),
    route("GET", f"{SVC}/apis/{{api}}/operations", list_operations, VERSIONS, OP_READ),
    route("GET", f"{SVC}/apis/{{api}}/operations/{{op}}", get_operation, VERSIONS, OP_READ),
]
