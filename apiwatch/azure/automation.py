"""Workflow automation: security automations (2019-01-01-preview, the SDK profile's version) and
Logic App workflows with their triggers (2019-05-01, through the same ARM pipeline: no Logic
SDK is among the dependencies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import ArmId, LogicApp, LogicTrigger, SecurityAutomation, WorkflowState
from .pages import Listing, RawPages, raw_list, raw_operations
from .session import ArmSession
from .wire import boolean, ci, props, required_text, text

LOGIC_API_VERSION = "2019-05-01"


def parse_automation(item: Mapping[str, Any]) -> SecurityAutomation:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    sources = ci(p, "sources")
    actions = ci(p, "actions")
    return SecurityAutomation(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        name=text(item, "name") or arm.name,
        enabled=boolean(p, "isEnabled") is not False,
        event_sources=tuple(
            text(s, "eventSource") or "" for s in (sources if isinstance(sources, list) else ())
            if isinstance(s, Mapping)
        ),
        logic_app_ids=tuple(
            text(a, "logicAppResourceId") or ""
            for a in (actions if isinstance(actions, list) else ())
            if isinstance(a, Mapping)
            and (text(a, "actionType") or "").lower() == "logicapp"
            and text(a, "logicAppResourceId")
        ),
        description=text(p, "description"),
    )


def parse_workflow(item: Mapping[str, Any]) -> LogicApp:
    resource_id = required_text(item, "id")
    arm = ArmId.parse(resource_id)
    p = props(item)
    state = WorkflowState.parse(text(p, "state"))
    definition = ci(p, "definition")
    triggers_def = ci(definition, "triggers") if isinstance(definition, Mapping) else None
    triggers = []
    for name, spec in (triggers_def.items() if isinstance(triggers_def, Mapping) else ()):
        if not isinstance(spec, Mapping):
            continue
        inputs = ci(spec, "inputs")
        path = text(inputs, "path") if isinstance(inputs, Mapping) else None
        triggers.append(LogicTrigger(str(name), text(spec, "type") or "", state, path))
    return LogicApp(
        id=resource_id,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        name=text(item, "name") or arm.name,
        location=text(item, "location"),
        state=state,
        triggers=tuple(triggers),
    )


async def list_automations(session: ArmSession, subscription_id: str,
                           previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous)
    client = session.security(subscription_id)
    await pages.drain(raw_operations(client.automations).list(**pages.options()))
    return pages


async def list_workflows(session: ArmSession, subscription_id: str) -> RawPages:
    pages = RawPages()

    async def fetch(url: str) -> Any:
        return (await session.request_json("GET", url))[0]

    path = f"/subscriptions/{subscription_id}/providers/Microsoft.Logic/workflows"
    await raw_list(fetch, session.url(path, LOGIC_API_VERSION), pages)
    return pages
