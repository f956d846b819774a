"""Microsoft.Logic workflows, triggers, callback URLs and runs, and the callback endpoint."""

from __future__ import annotations

import hmac
import json
from urllib.parse import quote

from aiohttp import web

from .. import payloads
from ..routing import Context, page, route
from ..state import ServerState
from ..tenant import Trigger, Workflow
from ..wire import ArmError, Reply, iso7, not_found

VERSIONS = ("2019-05-01", "2016-06-01")
CALLBACK_API_VERSION = "2016-10-01"
WF = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Logic/workflows/{wf}"
READ = "Microsoft.Logic/workflows/read"


def _workflow(ctx: Context) -> Workflow:
    wf = ctx.require_sub().workflow(ctx.params["rg"], ctx.params["wf"])
    if wf is None:
        raise not_found("Microsoft.Logic/workflows", ctx.params["wf"], ctx.params["rg"])
    return wf


def _trigger(ctx: Context, wf: Workflow) -> Trigger:
    trigger = wf.trigger(ctx.params["trigger"])
    if trigger is None:
        raise not_found("Microsoft.Logic/workflows/triggers", f"{wf.name}/{ctx.params['trigger']}")
    return trigger


def _disabled(wf: Workflow) -> ArmError:
    # The error code is the emulator's guess; Azure documents only the 409.
    return ArmError(
        409,
        "WorkflowDisabled",
        f"The workflow '{wf.name}' cannot be triggered because it is disabled.",
    )


async def list_workflows(ctx: Context) -> Reply:
    items = ctx.require_sub().workflows
    rg = ctx.params.get("rg")
    if rg is not None:
        items = [w for w in items if w.resource_group.lower() == rg.lower()]
    return page(ctx, items, payloads.workflow)


async def get_workflow(ctx: Context) -> Reply:
    return Reply(body=payloads.workflow(_workflow(ctx)))


async def list_triggers(ctx: Context) -> Reply:
    wf = _workflow(ctx)
    return page(ctx, wf.triggers, lambda t: payloads.trigger(wf, t))


async def get_trigger(ctx: Context) -> Reply:
    wf = _workflow(ctx)
    return Reply(body=payloads.trigger(wf, _trigger(ctx, wf)))


def callback_path(wf: Workflow, trigger: Trigger) -> str:
    return f"/workflows/{wf.access_id}/triggers/{quote(trigger.name, safe='')}/paths/invoke"


async def list_callback_url(ctx: Context) -> Reply:
    wf = _workflow(ctx)
    trigger = _trigger(ctx, wf)
    if not trigger.has_callback:
        raise ArmError(
            400,
            "WorkflowTriggerDoesNotHaveCallback",
            f"The workflow trigger '{trigger.name}' of type '{trigger.kind}' has no callback URL.",
        )
    path = callback_path(wf, trigger)
    sig = ctx.state.sign(path)
    sp = f"/triggers/{trigger.name}/run"
    value = (
        f"{ctx.base_url}{path}?api-version={CALLBACK_API_VERSION}&sp={quote(sp, safe='')}"
        f"&sv=1.0&sig={sig}"
    )
    return Reply(
        body={
            "value": value,
            "method": "POST",
            "basePath": f"{ctx.base_url}{path}",
            "relativePath": "",
            "relativePathParameters": [],
            "queries": {
                "api-version": CALLBACK_API_VERSION,
                "sp": sp,
                "sv": "1.0",
                "sig": sig,
                "se": "2099-12-31T23:59:59.0000000Z",
            },
        }
    )


async def run_trigger(ctx: Context) -> Reply:
    """The management-plane `.../triggers/{t}/run`: a run without a callback body."""
    wf = _workflow(ctx)
    trigger = _trigger(ctx, wf)
    if wf.state != "Enabled":
        raise _disabled(wf)
    run = ctx.state.changes.start_run(wf, trigger, None, ctx.state.config.run_seconds)
    return Reply(status=202, headers={"x-ms-workflow-run-id": run.name})


async def list_runs(ctx: Context) -> Reply:
    wf = _workflow(ctx)
    return page(ctx, wf.runs, lambda r: payloads.run(wf, r), newest_first=True)


async def get_run(ctx: Context) -> Reply:
    wf = _workflow(ctx)
    run = wf.run(ctx.params["run"])
    if run is None:
        raise not_found("Microsoft.Logic/workflows/runs", f"{wf.name}/{ctx.params['run']}")
    return Reply(body=payloads.run(wf, run))


async def invoke(
    request: web.Request, state: ServerState, access_id: str, trigger_name: str
) -> Reply:
    """POST to a callback URL: the `sig` query parameter is the only credential."""
    wf = state.tenant.workflow_by_access_id(access_id)
    trigger = wf.trigger(trigger_name) if wf else None
    if wf is None or trigger is None:
        raise ArmError(
            404, "WorkflowNotFound", "The workflow or trigger of this callback URL was not found."
        )
    sig = request.query.get("sig")
    if not sig:
        raise ArmError(
            401,
            "DirectApiAuthorizationRequired",
            "The request must be authenticated only by Shared Access scheme.",
        )
    if not hmac.compare_digest(sig, state.sign(callback_path(wf, trigger))):
        raise ArmError(
            401,
            "DirectApiInvalidAuthorizationSignature",
            "The provided authorization signature is not valid for this callback URL.",
        )
    if wf.state != "Enabled":
        raise _disabled(wf)
    if not trigger.has_callback:
        raise ArmError(
            400,
            "WorkflowTriggerDoesNotHaveCallback",
            f"The trigger '{trigger.name}' cannot be called.",
        )
    text = await request.text()
    body: object
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = text
    run = state.changes.start_run(wf, trigger, body, state.config.run_seconds)
    return Reply(
        status=202,
        headers={
            "x-ms-workflow-run-id": run.name,
            "x-ms-workflow-id": wf.access_id,
            "x-ms-workflow-version": wf.version,
            "x-ms-workflow-name": wf.name,
            "x-ms-tracking-id": run.name,
            "x-ms-trigger-history-name": run.name,
            "Date-Started": iso7(run.start_time),
        },
    )


ROUTES = [
    route(
        "GET",
        "/subscriptions/{sub}/providers/Microsoft.Logic/workflows",
        list_workflows,
        VERSIONS,
        READ,
    ),
    route(
        "GET",
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Logic/workflows",
        list_workflows,
        VERSIONS,
        READ,
    ),
    route("GET", WF, get_workflow, VERSIONS, READ),
    route(
        "GET", f"{WF}/triggers", list_triggers, VERSIONS, "Microsoft.Logic/workflows/triggers/read"
    ),
    route(
        "GET",
        f"{WF}/triggers/{{trigger}}",
        get_trigger,
        VERSIONS,
        "Microsoft.Logic/workflows/triggers/read",
    ),
    route(
        "POST",
        f"{WF}/triggers/{{trigger}}/listCallbackUrl",
        list_callback_url,
        VERSIONS,
        "Microsoft.Logic/workflows/triggers/listCallbackUrl/action",
    ),
    route(
        "POST",
        f"{WF}/triggers/{{trigger}}/run",
        run_trigger,
        VERSIONS,
        "Microsoft.Logic/workflows/triggers/run/action",
    ),
    route("GET", f"{WF}/runs", list_runs, VERSIONS, "Microsoft.Logic/workflows/runs/read"),
    route("GET", f"{WF}/runs/{{run}}", get_run, VERSIONS, "Microsoft.Logic/workflows/runs/read"),
]
