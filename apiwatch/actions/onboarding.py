"""Close coverage gaps: onboard an APIM API to Defender for APIs (a long-running ARM operation,
followed to its end) or offboard it."""

from __future__ import annotations

from ..azure.errors import describe
from ..model import ArmId, ProvisioningState
from ..model.audit import FAILED, SUCCEEDED
from .context import ActionContext, ActionResult, TargetResult


def _parts(api_id: str) -> tuple[str, str, str, str]:
    arm = ArmId.parse(api_id)
    service = arm.name_of("Microsoft.ApiManagement/service")
    api = arm.name_of("apis")
    if not (arm.subscription_id and arm.resource_group and service and api):
        raise ValueError(f"not an API Management API id: {api_id}")
    # Revisions share one collection: Microsoft's own onboarding script strips ";rev=N".
    return arm.subscription_id, arm.resource_group, service, api.split(";rev=", 1)[0]


def _onboarded(api_id: str, collection: object) -> TargetResult:
    """Only an answer that says Succeeded is a success: `200 {"value": []}` (no state at all)
    says nothing about the API."""
    raw = getattr(collection, "provisioning_state", None)
    state = ProvisioningState.parse(raw) if raw else None
    if state is ProvisioningState.SUCCEEDED:
        return TargetResult(api_id, SUCCEEDED, "onboarded (Succeeded)")
    said = f"says {state.value}" if state is not None else "gives no provisioningState"
    return TargetResult(api_id, FAILED, f"not confirmed: Azure's answer {said}, not Succeeded; "
                                        "the next inventory read shows whether it is onboarded")


async def onboard(ctx: ActionContext, api_id: str) -> ActionResult:
    return await _change(ctx, api_id, onboard=True)


async def offboard(ctx: ActionContext, api_id: str) -> ActionResult:
    return await _change(ctx, api_id, onboard=False)


async def _change(ctx: ActionContext, api_id: str, *, onboard: bool) -> ActionResult:
    ctx.guard()
    subscription, group, service, api = _parts(api_id)
    verb = "onboard" if onboard else "offboard"
    action_id = ctx.audit.begin(
        identity=ctx.identity, action=verb,
        summary=f"{verb} {service}/{api} {'to' if onboard else 'from'} Defender for APIs",
        resources=[api_id], subscription_id=subscription,
    )
    collections = ctx.session.security(subscription).api_collections
    try:
        if onboard:
            poller = await collections.begin_onboard_azure_api_management_api(group, service, api)
            result = _onboarded(api_id, await poller.result())
        else:
            await collections.offboard_azure_api_management_api(group, service, api)
            result = TargetResult(api_id, SUCCEEDED, "offboarded")
    except Exception as exc:
        result = TargetResult(api_id, FAILED, describe(exc).message)
    ctx.audit.target(action_id, 0, result.outcome, detail=result.detail)
    ctx.audit.complete(action_id, result.outcome, result.detail)
    ctx.progress(0, result)
    return ActionResult(action_id, verb, result.outcome, (result,))
