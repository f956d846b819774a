"""Change alerts' state: dismiss, resolve, set in progress, reactivate (bare POSTs, 204)."""

from __future__ import annotations

from collections.abc import Sequence

from ..azure.errors import describe
from ..model import Alert, AlertStatus
from ..model.audit import FAILED, SUCCEEDED
from .context import ActionContext, ActionResult, TargetResult, overall

# state word (CLI and keys) -> (SDK verb, the status the alert then has)
STATES: dict[str, tuple[str, AlertStatus]] = {
    "dismiss": ("dismiss", AlertStatus.DISMISSED),
    "resolve": ("resolve", AlertStatus.RESOLVED),
    "inprogress": ("in_progress", AlertStatus.IN_PROGRESS),
    "active": ("activate", AlertStatus.ACTIVE),
}


async def change_alert_state(
    ctx: ActionContext, alerts: Sequence[Alert], state: str
) -> ActionResult:
    ctx.guard()
    verb, _ = STATES[state]
    action_id = ctx.audit.begin(
        identity=ctx.identity, action=f"alert-{state}",
        summary=f"set {len(alerts)} alert(s) to {state}", resources=[a.id for a in alerts],
        subscription_id=alerts[0].subscription_id if alerts else None,
    )
    results = []
    for seq, alert in enumerate(alerts):
        result = await _one(ctx, alert, verb)
        ctx.audit.target(action_id, seq, result.outcome, detail=result.detail)
        ctx.progress(seq, result)
        results.append(result)
    outcome = overall([r.outcome for r in results])
    ctx.audit.complete(action_id, outcome)
    return ActionResult(action_id, f"alert-{state}", outcome, tuple(results))


async def _one(ctx: ActionContext, alert: Alert, verb: str) -> TargetResult:
    if not alert.location:
        return TargetResult(alert.id, FAILED, "the alert id names no location")
    operations = ctx.session.security(alert.subscription_id).alerts
    try:
        if alert.resource_group:
            method = getattr(operations, f"update_resource_group_level_state_to_{verb}")
            await method(alert.resource_group, alert.location, alert.name)
        else:
            method = getattr(operations, f"update_subscription_level_state_to_{verb}")
            await method(alert.location, alert.name)
    except Exception as exc:
        return TargetResult(alert.id, FAILED, describe(exc).message)
    return TargetResult(alert.id, SUCCEEDED, "done")
