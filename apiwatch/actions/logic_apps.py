"""Trigger workflow-automation logic apps on unhealthy resources or alerts, as the portal's
"Trigger logic app" does: get the trigger's callback URL, POST Defender's own payload for each
resource, and follow each run to its end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from ..azure.errors import describe
from ..model import LogicApp, LogicTrigger, Snapshot, normalize
from ..model.audit import ACCEPTED, FAILED, SUCCEEDED, UNKNOWN
from ..redact import redact
from .context import ActionContext, ActionResult, TargetResult, overall

LOGIC_API_VERSION = "2019-05-01"
TERMINAL_RUN_STATES = {"succeeded", "failed", "cancelled", "skipped", "timedout", "aborted"}
RETRYABLE = {429, 503}  # answered before the workflow ran: safe to send again after Retry-After
MAX_SENDS = 3
MAX_RETRY_AFTER = 60.0


_FOR = {"recommendation": "Defender recommendations", "alert": "Defender alerts"}


def trigger_mismatch(app: LogicApp, kind: str) -> str:
    """Why `app` cannot take a `kind` ("recommendation" or "alert"): which kind of trigger it
    has, and which the target needs."""
    said = [f"for {_FOR[t.takes]}" if t.takes in _FOR
            else f"a {t.kind} trigger, which cannot be called" for t in app.triggers]
    if not said:
        has = "it has no trigger"
    else:
        has = f"its trigger is {said[0]}" if len(said) == 1 else \
            f"its triggers are: {'; '.join(said)}"
    article = "an" if kind[:1] in "aeiou" else "a"
    return (f"{has}; {article} {kind} needs a trigger for {_FOR.get(kind, kind)} "
            "or an HTTP request trigger")


@dataclass(frozen=True, slots=True)
class LogicAppChoice:
    app: LogicApp
    trigger: LogicTrigger | None
    automations: tuple[str, ...] = ()  # Defender workflow automations that name this app
    kind: str = "recommendation"  # what the choice was made for: "recommendation" or "alert"

    @property
    def selectable(self) -> bool:
        return self.app.enabled and self.trigger is not None

    @property
    def reason(self) -> str:
        if not self.app.enabled:
            return f"logic app is {self.app.state.value}"
        if self.trigger is None:
            return trigger_mismatch(self.app, self.kind)
        return ""

    @property
    def trigger_kind(self) -> str:
        if self.trigger is None:
            return "-"
        takes = self.trigger.takes
        return {"recommendation": "Defender recommendation", "alert": "Defender alert",
                "any": "HTTP request"}.get(takes or "", self.trigger.kind)


@dataclass(frozen=True, slots=True)
class TriggerItem:
    resource_id: str
    payload: Mapping[str, Any]


def logic_app_choices(snapshot: Snapshot, subscription_id: str, kind: str) -> list[LogicAppChoice]:
    """Logic apps in the resource's subscription that can take a `kind` ("recommendation" or
    "alert"): those Defender workflow automations name, and those with a matching trigger."""
    named: dict[str, list[str]] = {}
    for automation in snapshot.automations:
        for app_id in automation.logic_app_ids:
            named.setdefault(normalize(app_id), []).append(automation.name)
    choices = []
    for app in snapshot.logic_apps:
        if app.subscription_id.lower() != subscription_id.lower():
            continue
        exact = [t for t in app.triggers if t.takes == kind]
        generic = [t for t in app.triggers if t.takes == "any"]
        trigger = (exact or generic or [None])[0]
        automations = tuple(named.get(app.key, ()))
        if trigger is None and not automations:
            continue
        choices.append(LogicAppChoice(app, trigger, automations, kind))
    choices.sort(key=lambda c: (not c.selectable, c.app.name.lower()))
    return choices


async def trigger_logic_app(
    ctx: ActionContext,
    choice: LogicAppChoice,
    items: Sequence[TriggerItem],
    *,
    follow_seconds: float = 600.0,
    poll_seconds: float = 2.0,
) -> ActionResult:
    ctx.guard()
    if not choice.selectable or choice.trigger is None:
        raise ValueError(f"{choice.app.name}: {choice.reason}")
    app, trigger = choice.app, choice.trigger
    action_id = ctx.audit.begin(
        identity=ctx.identity, action="trigger",
        summary=f"trigger {app.name}/{trigger.name} on {len(items)} resource(s)",
        resources=[i.resource_id for i in items], subscription_id=app.subscription_id,
        logic_app=app.id,
    )
    results: list[TargetResult] = []
    try:
        callback = await _callback(ctx, app, trigger)
    except Exception as exc:
        detail = f"could not get the trigger's callback URL: {describe(exc).message}"
        for seq, item in enumerate(items):
            ctx.audit.target(action_id, seq, FAILED, detail=detail)
            results.append(TargetResult(item.resource_id, FAILED, detail))
            ctx.progress(seq, results[-1])
        ctx.audit.complete(action_id, FAILED, detail)
        return ActionResult(action_id, "trigger", FAILED, tuple(results))

    try:
        for seq, item in enumerate(items):
            result = await _send(ctx, callback, item)
            ctx.audit.target(action_id, seq, result.outcome, run_id=result.run_id,
                             detail=result.detail)
            results.append(result)
            ctx.progress(seq, result)
        finals = await asyncio.gather(*(
            _follow(ctx, action_id, seq, app, r, follow_seconds, poll_seconds)
            for seq, r in enumerate(results)
        ))
    except BaseException as exc:  # cancelled (the user quit) or a bug: say what was not sent
        _stopped(ctx, action_id, len(results), len(items), exc)
        raise
    outcome = overall([r.outcome for r in finals])
    ctx.audit.complete(action_id, outcome)
    return ActionResult(action_id, "trigger", outcome, tuple(finals))


def _stopped(ctx: ActionContext, action_id: int, sent: int, total: int,
             exc: BaseException) -> None:
    """The one in flight may have reached the logic app; the ones after it were never sent."""
    for seq in range(sent, total):
        if seq == sent:
            ctx.audit.target(action_id, seq, UNKNOWN, detail="stopped while sending; it may "
                             "have run — check the logic app's run history")
        else:
            ctx.audit.target(action_id, seq, FAILED, detail="not sent: stopped before it")
    ctx.audit.complete(action_id, UNKNOWN, f"stopped before the end ({type(exc).__name__})")


@dataclass(frozen=True, slots=True)
class _Callback:
    url: str
    method: str

    def __repr__(self) -> str:  # the URL's sig is a credential
        return f"_Callback({redact(self.url)}, {self.method})"


async def _callback(ctx: ActionContext, app: LogicApp, trigger: LogicTrigger) -> _Callback:
    url = ctx.session.url(f"{app.id}/triggers/{trigger.name}/listCallbackUrl", LOGIC_API_VERSION)
    data, _, _ = await ctx.session.request_json("POST", url, {})
    if not isinstance(data, Mapping) or not isinstance(data.get("value"), str):
        raise ValueError("listCallbackUrl answered without a URL")
    return _Callback(data["value"], str(data.get("method") or "POST").upper())


async def _send(ctx: ActionContext, callback: _Callback, item: TriggerItem) -> TargetResult:
    body = json.dumps(item.payload)
    for attempt in range(1, MAX_SENDS + 1):
        try:
            async with ctx.session.http.request(
                callback.method, callback.url, data=body, allow_redirects=False,
                **ctx.session.proxy_kwargs(callback.url),
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=ctx.session.settings.timeout_seconds),
            ) as response:
                text = await response.text()
                run_id = response.headers.get("x-ms-workflow-run-id")
                if response.status in (200, 202):
                    return TargetResult(item.resource_id, ACCEPTED, "accepted", run_id)
                if response.status in RETRYABLE and attempt < MAX_SENDS:
                    await asyncio.sleep(_retry_after(response.headers.get("Retry-After")))
                    continue
                return TargetResult(item.resource_id, FAILED, _http_problem(response.status, text))
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The request may have reached the logic app: never send it again blindly.
            detail = redact(f"no answer ({type(exc).__name__}); it may have run — check the "
                            "logic app's run history before triggering again")
            return TargetResult(item.resource_id, UNKNOWN, detail)
    return TargetResult(item.resource_id, FAILED, "throttled")  # pragma: no cover - loop exits


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return 1.0


def _http_problem(status: int, text: str) -> str:
    code = message = ""
    try:
        error = json.loads(text).get("error", {})
        code, message = error.get("code", ""), error.get("message", "")
    except (ValueError, AttributeError):
        pass
    line = f"HTTP {status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
    return redact(" ".join(line.split()))[:300]


async def _follow(
    ctx: ActionContext, action_id: int, seq: int, app: LogicApp, result: TargetResult,
    follow_seconds: float, poll_seconds: float,
) -> TargetResult:
    """Poll an accepted run until it ends; the run's status becomes the target's outcome."""
    if result.outcome != ACCEPTED or not result.run_id:
        return result
    url = ctx.session.url(f"{app.id}/runs/{result.run_id}", LOGIC_API_VERSION)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + follow_seconds
    while True:
        try:
            data, _, _ = await ctx.session.request_json("GET", url)
            status = str(((data or {}).get("properties") or {}).get("status") or "")
        except Exception as exc:
            status, problem = "", describe(exc).message
        else:
            problem = ""
        if status.lower() in TERMINAL_RUN_STATES:
            outcome = SUCCEEDED if status.lower() == "succeeded" else FAILED
            final = TargetResult(result.resource_id, outcome, f"run {status}", result.run_id,
                                 status)
            ctx.audit.target(action_id, seq, outcome, detail=final.detail)
            ctx.progress(seq, final)
            return final
        if loop.time() >= deadline:
            detail = f"run still {status or 'unknown'} after {follow_seconds:.0f}s" + (
                f" ({problem})" if problem else "")
            final = TargetResult(result.resource_id, UNKNOWN, detail, result.run_id, status)
            ctx.audit.target(action_id, seq, UNKNOWN, detail=detail)
            ctx.progress(seq, final)
            return final
        await asyncio.sleep(poll_seconds)
