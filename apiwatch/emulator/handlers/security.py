"""Microsoft.Security: API collections, alerts, assessments, assessment metadata, automations."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from .. import payloads
from ..changes import ALERT_ACTIONS
from ..posture import MetadataEntry, metadata_entries
from ..routing import Context, page, route
from ..state import ServerState
from ..tenant import Alert, Api, ApimService, Assessment
from ..wire import ArmError, Reply, encode_token, not_found

V_COLLECTIONS = ("2023-11-15",)
V_ALERTS = ("2022-01-01",)
V_ASSESSMENTS = ("2021-06-01", "2025-05-04")
V_AUTOMATIONS = ("2019-01-01-preview", "2023-12-01-preview")

SUB = "/subscriptions/{sub}"
RG = "/subscriptions/{sub}/resourceGroups/{rg}"
SVC = f"{RG}/providers/Microsoft.ApiManagement/service/{{svc}}"
MS = "/providers/Microsoft.Security"


@cache
def _metadata() -> dict[str, MetadataEntry]:
    return {m.key: m for m in metadata_entries()}


# API collections ---------------------------------------------------------------------------


def _service(ctx: Context) -> ApimService:
    svc = ctx.require_sub().service(ctx.params["rg"], ctx.params["svc"])
    if svc is None:
        raise not_found("Microsoft.ApiManagement/service", ctx.params["svc"], ctx.params["rg"])
    return svc


def _api(ctx: Context, svc: ApimService) -> Api:
    api = svc.api(ctx.params["api"])
    if api is None:
        raise not_found("Microsoft.ApiManagement/service/apis", f"{svc.name}/{ctx.params['api']}")
    return api


def _collection(ctx: Context, api: Api, svc: ApimService) -> dict[str, Any]:
    return payloads.collection(api, svc, ctx.state.gateway_url(svc))


def _collections(ctx: Context, services: list[ApimService]) -> Reply:
    ctx.state.changes.settle()
    items = [(svc, api) for svc in services for api in svc.apis if api.onboarded]
    return page(ctx, items, lambda pair: _collection(ctx, pair[1], pair[0]))


async def list_collections(ctx: Context) -> Reply:
    return _collections(ctx, ctx.require_sub().services)


async def list_collections_rg(ctx: Context) -> Reply:
    rg = ctx.params["rg"].lower()
    return _collections(
        ctx, [s for s in ctx.require_sub().services if s.resource_group.lower() == rg]
    )


async def list_collections_service(ctx: Context) -> Reply:
    return _collections(ctx, [_service(ctx)])


def _retry_headers(ctx: Context, api: Api) -> dict[str, str]:
    remaining = max(0.0, (api.onboarding_due or 0) - time.monotonic())
    scope = encode_token({"d": int((api.onboarding_due or 0) * 1000)})
    params = urlencode([("api-version", ctx.api_version), ("$asyncScope", scope)], safe="$")
    return {
        "Location": f"{ctx.base_url}{ctx.request.path}?{params}",
        "Retry-After": ctx.state.retry_after(remaining),
    }


async def get_collection(ctx: Context) -> Reply:
    ctx.state.changes.settle()
    svc = _service(ctx)
    api = _api(ctx, svc)
    if api.onboarding_due is not None:
        if "$asyncScope" in ctx.request.query:
            return Reply(status=202, headers=_retry_headers(ctx, api))
        return Reply(body=payloads.collection_in_progress(api))
    if not api.onboarded:
        raise not_found("Microsoft.Security/apiCollections", api.name)
    return Reply(body=_collection(ctx, api, svc))


async def onboard_collection(ctx: Context) -> Reply:
    changes = ctx.state.changes
    changes.settle()
    svc = _service(ctx)
    api = _api(ctx, svc)
    if api.onboarded:
        return Reply(body=_collection(ctx, api, svc))
    changes.start_onboarding(ctx.require_sub(), api, ctx.state.config.lro_seconds)
    changes.settle()
    if api.onboarded:  # lro_seconds == 0
        return Reply(body=_collection(ctx, api, svc))
    return Reply(
        status=201, body=payloads.collection_in_progress(api), headers=_retry_headers(ctx, api)
    )


async def offboard_collection(ctx: Context) -> Reply:
    ctx.state.changes.settle()
    svc = _service(ctx)
    api = _api(ctx, svc)
    removed = ctx.state.changes.offboard(ctx.require_sub(), api)
    return Reply(status=200 if removed else 204)


# Alerts -------------------------------------------------------------------------------------


def _alerts(ctx: Context) -> list[Alert]:
    alerts = ctx.require_sub().alerts
    rg = ctx.params.get("rg")
    loc = ctx.params.get("loc")
    if rg is not None:
        rg = rg.lower()
        alerts = [a for a in alerts if (a.resource_group or "").lower() == rg]
    if loc is not None:
        loc = loc.lower()
        alerts = [a for a in alerts if a.asc_location.lower() == loc]
    return alerts


ALERT_FRAGMENT = "alert"


def _status(alert: Alert) -> str:
    return alert.status


async def list_alerts(ctx: Context) -> Reply:
    return page(
        ctx,
        _alerts(ctx),
        payloads.alert,
        newest_first=True,
        fragment=ALERT_FRAGMENT,
        stamp=_status,
    )


def _alert(ctx: Context) -> Alert:
    sub = ctx.require_sub()
    name = ctx.params["alert"]
    alert = sub.alert(name)
    rg = ctx.params.get("rg")
    if (
        alert is None
        or alert.asc_location.lower() != ctx.params["loc"].lower()
        or (rg is not None and (alert.resource_group or "").lower() != rg.lower())
    ):
        raise not_found("Microsoft.Security/locations/alerts", f"{ctx.params['loc']}/{name}", rg)
    return alert


async def get_alert(ctx: Context) -> Reply:
    return Reply(body=payloads.alert(_alert(ctx)))


async def change_alert(ctx: Context) -> Reply:
    if ctx.params["action"].lower() not in ALERT_ACTIONS:
        raise ArmError(
            404,
            "InvalidResourceType",
            f"The alert action '{ctx.params['action']}' is not supported.",
        )
    alert = _alert(ctx)
    ctx.state.changes.set_alert_state(alert, ctx.params["action"])
    return Reply(status=204)


async def _json_body(ctx: Context) -> object:
    text = await ctx.request.text()
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ArmError(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized.",
        ) from exc


async def simulate_alerts(ctx: Context) -> Reply:
    body = await _json_body(ctx)
    props = body.get("properties") if isinstance(body, dict) else None
    bundles = props.get("bundles") if isinstance(props, dict) else None
    if (
        not isinstance(props, dict)
        or props.get("kind") != "Bundles"
        or not isinstance(bundles, list)
        or not bundles
    ):
        raise ArmError(
            400,
            "InvalidInput",
            "The request must have properties.kind 'Bundles' and a non-empty bundles list.",
            target="properties",
        )
    ctx.state.changes.simulate(ctx.require_sub(), [str(b) for b in bundles])
    operation = str(uuid.UUID(int=ctx.state.rng.getrandbits(128), version=4))
    ctx.state.simulations[operation] = time.monotonic() + ctx.state.config.lro_seconds
    location = (
        f"{ctx.base_url}/subscriptions/{ctx.require_sub().subscription_id}{MS}/locations/"
        f"{ctx.params['loc']}/operationResults/{operation}?api-version={ctx.api_version}"
    )
    return Reply(
        status=202,
        headers={
            "Location": location,
            "Retry-After": ctx.state.retry_after(ctx.state.config.lro_seconds),
        },
    )


async def simulation_status(ctx: Context) -> Reply:
    due = ctx.state.simulations.get(ctx.params["op"])
    if due is None:
        raise not_found("Microsoft.Security/locations/operationResults", ctx.params["op"])
    remaining = due - time.monotonic()
    if remaining > 0:
        return Reply(status=202, headers={"Retry-After": ctx.state.retry_after(remaining)})
    return Reply(status=204)


# Assessments and metadata ------------------------------------------------------------------


def _with_risk(api_version: str) -> bool:
    return api_version == "2025-05-04"


def _assessment_renderer(
    with_risk: bool, expand: frozenset[str] = frozenset()
) -> Callable[[Assessment], dict[str, Any]]:
    meta = _metadata()
    return lambda a: payloads.assessment(a, expand, meta.get(a.key), with_risk)


def _render_assessment(
    ctx: Context, expand: frozenset[str] = frozenset()
) -> Callable[[Assessment], dict[str, Any]]:
    return _assessment_renderer(_with_risk(ctx.api_version), expand)


async def list_assessments(ctx: Context) -> Reply:
    ctx.state.changes.settle()
    sub = ctx.require_sub()
    rest = ctx.params.get("rest")
    items = sub.assessments
    if rest:
        prefix = f"{sub.id}/{rest}".lower()
        items = [
            a
            for a in items
            if a.resource_id.lower() == prefix or a.resource_id.lower().startswith(prefix + "/")
        ]
    with_risk = _with_risk(ctx.api_version)
    return page(
        ctx, items, _assessment_renderer(with_risk), fragment=("assessment", with_risk)
    )


async def get_assessment(ctx: Context) -> Reply:
    ctx.state.changes.settle()
    sub = ctx.require_sub()
    rest = ctx.params.get("rest")
    resource = f"{sub.id}/{rest}" if rest else sub.id
    found = sub.assessment(f"{resource}{MS}/assessments/{ctx.params['key']}")
    if found is None:
        raise not_found("Microsoft.Security/assessments", ctx.params["key"])
    expand = frozenset(
        p.strip().lower() for p in ctx.request.query.get("$expand", "").split(",") if p.strip()
    )
    return Reply(body=_render_assessment(ctx, expand)(found))


async def list_metadata(ctx: Context) -> Reply:
    return page(ctx, list(_metadata().values()), payloads.metadata)


async def get_metadata(ctx: Context) -> Reply:
    entry = _metadata().get(ctx.params["key"].lower())
    if entry is None:
        raise not_found("Microsoft.Security/assessmentMetadata", ctx.params["key"])
    return Reply(body=payloads.metadata(entry))


# Automations --------------------------------------------------------------------------------


async def list_automations(ctx: Context) -> Reply:
    items = ctx.require_sub().automations
    rg = ctx.params.get("rg")
    if rg is not None:
        items = [a for a in items if a.resource_group.lower() == rg.lower()]
    return page(ctx, items, payloads.automation)


async def get_automation(ctx: Context) -> Reply:
    rg, name = ctx.params["rg"].lower(), ctx.params["name"].lower()
    for item in ctx.require_sub().automations:
        if item.resource_group.lower() == rg and item.name.lower() == name:
            return Reply(body=payloads.automation(item))
    raise not_found("Microsoft.Security/automations", ctx.params["name"], ctx.params["rg"])


# Fragments rendered before any request (fragments.py) ---------------------------------------


def prerender(state: ServerState) -> None:
    """Keep the JSON of every readable subscription's alerts and assessments (both api-version
    renderings), as list_alerts and list_assessments render them."""
    kept = state.fragments
    renderers = [
        (("assessment", risk), _assessment_renderer(risk)) for risk in (False, True)
    ]
    for sub in state.tenant.readable_subscriptions:
        for alert in sub.alerts:
            kept.text(ALERT_FRAGMENT, alert, payloads.alert, _status(alert))
        for kind, render in renderers:
            for item in sub.assessments:
                kept.text(kind, item, render)


COLL_READ = "Microsoft.Security/apiCollections/read"
ALERT_READ = "Microsoft.Security/alerts/read"
ALERT_WRITE = "Microsoft.Security/alerts/write"
ASSESS_READ = "Microsoft.Security/assessments/read"
META_READ = "Microsoft.Security/assessmentMetadata/read"
AUTO_READ = "Microsoft.Security/automations/read"

ROUTES = [
    route("GET", f"{SUB}{MS}/apiCollections", list_collections, V_COLLECTIONS, COLL_READ),
    route("GET", f"{RG}{MS}/apiCollections", list_collections_rg, V_COLLECTIONS, COLL_READ),
    route("GET", f"{SVC}{MS}/apiCollections", list_collections_service, V_COLLECTIONS, COLL_READ),
    route("GET", f"{SVC}{MS}/apiCollections/{{api}}", get_collection, V_COLLECTIONS, COLL_READ),
    route(
        "PUT",
        f"{SVC}{MS}/apiCollections/{{api}}",
        onboard_collection,
        V_COLLECTIONS,
        "Microsoft.Security/apiCollections/write",
    ),
    route(
        "DELETE",
        f"{SVC}{MS}/apiCollections/{{api}}",
        offboard_collection,
        V_COLLECTIONS,
        "Microsoft.Security/apiCollections/delete",
    ),
    route("GET", f"{SUB}{MS}/alerts", list_alerts, V_ALERTS, ALERT_READ),
    route("GET", f"{RG}{MS}/alerts", list_alerts, V_ALERTS, ALERT_READ),
    route("GET", f"{SUB}{MS}/locations/{{loc}}/alerts", list_alerts, V_ALERTS, ALERT_READ),
    route("GET", f"{RG}{MS}/locations/{{loc}}/alerts", list_alerts, V_ALERTS, ALERT_READ),
    route(
        "POST",
        f"{SUB}{MS}/locations/{{loc}}/alerts/default/simulate",
        simulate_alerts,
        V_ALERTS,
        ALERT_WRITE,
    ),
    route(
        "GET",
        f"{SUB}{MS}/locations/{{loc}}/operationResults/{{op}}",
        simulation_status,
        V_ALERTS,
        ALERT_READ,
    ),
    route("GET", f"{SUB}{MS}/locations/{{loc}}/alerts/{{alert}}", get_alert, V_ALERTS, ALERT_READ),
    route("GET", f"{RG}{MS}/locations/{{loc}}/alerts/{{alert}}", get_alert, V_ALERTS, ALERT_READ),
    route(
        "POST",
        f"{SUB}{MS}/locations/{{loc}}/alerts/{{alert}}/{{action}}",
        change_alert,
        V_ALERTS,
        ALERT_WRITE,
    ),
    route(
        "POST",
        f"{RG}{MS}/locations/{{loc}}/alerts/{{alert}}/{{action}}",
        change_alert,
        V_ALERTS,
        ALERT_WRITE,
    ),
    route("GET", f"{SUB}{MS}/assessments", list_assessments, V_ASSESSMENTS, ASSESS_READ),
    route("GET", f"{SUB}/{{rest*}}{MS}/assessments", list_assessments, V_ASSESSMENTS, ASSESS_READ),
    route("GET", f"{SUB}{MS}/assessments/{{key}}", get_assessment, V_ASSESSMENTS, ASSESS_READ),
    route(
        "GET",
        f"{SUB}/{{rest*}}{MS}/assessments/{{key}}",
        get_assessment,
        V_ASSESSMENTS,
        ASSESS_READ,
    ),
    route("GET", f"{MS}/assessmentMetadata", list_metadata, V_ASSESSMENTS, META_READ),
    route("GET", f"{MS}/assessmentMetadata/{{key}}", get_metadata, V_ASSESSMENTS, META_READ),
    route("GET", f"{SUB}{MS}/assessmentMetadata", list_metadata, V_ASSESSMENTS, META_READ),
    route("GET", f"{SUB}{MS}/assessmentMetadata/{{key}}", get_metadata, V_ASSESSMENTS, META_READ),
    route("GET", f"{SUB}{MS}/automations", list_automations, V_AUTOMATIONS, AUTO_READ),
    route("GET", f"{RG}{MS}/automations", list_automations, V_AUTOMATIONS, AUTO_READ),
    route("GET", f"{RG}{MS}/automations/{{name}}", get_automation, V_AUTOMATIONS, AUTO_READ),
]
