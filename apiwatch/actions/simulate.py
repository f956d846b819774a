"""Raise alerts on purpose: Defender's sample alerts for a subscription, and a real detection
the way Microsoft documents it (one request with `User-Agent: javascript:` to an endpoint)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import aiohttp

from ..azure.errors import describe
from ..model import Snapshot
from ..model.audit import FAILED, SUCCEEDED, UNKNOWN
from ..store.views import EndpointView
from .context import ActionContext, ActionResult, TargetResult

# The published BundleType enum has no APIs bundle, but the enum is open; the portal's
# "Defender for APIs" sample choice maps to this value.
API_BUNDLE = "Apis"
PROBE_USER_AGENT = "javascript:"
# An HTTP method is a token (RFC 9110 §9.1, §5.6.2): the operation's method comes from Azure, and
# one with spaces or CR/LF must never reach the request line (the HTTP client raised, mid-action).
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def asc_location(snapshot: Snapshot, subscription_id: str) -> str | None:
    """Where Defender keeps the subscription's data, as its alert ids name it."""
    for alert in snapshot.alerts:
        if alert.subscription_id.lower() == subscription_id.lower() and alert.location:
            return alert.location
    return None


async def sample_alerts(
    ctx: ActionContext, subscription_id: str, location: str,
    bundles: Sequence[str] = (API_BUNDLE,),
) -> ActionResult:
    ctx.guard()
    scope = f"/subscriptions/{subscription_id}"
    action_id = ctx.audit.begin(
        identity=ctx.identity, action="sample-alerts",
        summary=f"create sample alerts ({', '.join(bundles)}) in {subscription_id}",
        resources=[scope], subscription_id=subscription_id,
    )
    body = {"properties": {"kind": "Bundles", "bundles": list(bundles)}}
    try:
        # Creating samples is not idempotent: no automatic retry of the POST.
        poller = await ctx.session.security(subscription_id).alerts.begin_simulate(
            location, body, retry_total=0)
        await poller.result()
    except Exception as exc:
        result = TargetResult(scope, FAILED, describe(exc).message)
    else:
        result = TargetResult(scope, SUCCEEDED, "sample alerts requested")
    ctx.audit.target(action_id, 0, result.outcome, detail=result.detail)
    ctx.audit.complete(action_id, result.outcome, result.detail)
    ctx.progress(0, result)
    return ActionResult(action_id, "sample-alerts", result.outcome, (result,))


def probe_url(view: EndpointView) -> str | None:
    """The endpoint's URL on its APIM gateway, template parameters filled with a harmless 1."""
    if view.service is None or not view.service.gateway_url or view.api is None:
        return None
    path = re.sub(r"\{[^}]*\}", "1", view.endpoint.url_template.split("?", 1)[0])
    api_path = (view.api.path or "").strip("/")
    base = view.service.gateway_url.rstrip("/")
    return "/".join(p for p in (base, api_path, path.lstrip("/")) if p)


async def probe_endpoint(ctx: ActionContext, view: EndpointView) -> ActionResult:
    ctx.guard()
    url = probe_url(view)
    endpoint = view.endpoint
    action_id = ctx.audit.begin(
        identity=ctx.identity, action="simulate-detection",
        summary=f"send {endpoint.method} {endpoint.url_template} with User-Agent "
                f"{PROBE_USER_AGENT!r} to raise 'Suspicious User Agent detected'",
        resources=[endpoint.id], subscription_id=endpoint.subscription_id,
    )
    method = endpoint.method or "GET"
    if url is None:
        result = TargetResult(endpoint.id, FAILED, "the endpoint's gateway URL is not known")
    elif not _METHOD.fullmatch(method):
        result = TargetResult(endpoint.id, FAILED,
                              f"refused: the operation's method {method!r} is not an HTTP method")
    else:
        try:
            async with ctx.session.http.request(
                method, url, headers={"User-Agent": PROBE_USER_AGENT},
                allow_redirects=False, **ctx.session.proxy_kwargs(url),
                timeout=aiohttp.ClientTimeout(total=ctx.session.settings.timeout_seconds),
            ) as response:
                await response.read()
                result = TargetResult(
                    endpoint.id, SUCCEEDED,
                    f"gateway answered HTTP {response.status}; Defender raises the alert after "
                    "a while if the API is onboarded",
                )
        except ValueError as exc:  # refused by the HTTP client before sending (a bad URL)
            result = TargetResult(endpoint.id, FAILED, f"refused: {exc}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            result = TargetResult(endpoint.id, UNKNOWN, f"no answer from the gateway "
                                                        f"({type(exc).__name__})")
    ctx.audit.target(action_id, 0, result.outcome, detail=result.detail)
    ctx.audit.complete(action_id, result.outcome, result.detail)
    ctx.progress(0, result)
    return ActionResult(action_id, "simulate-detection", result.outcome, (result,))
