"""Logic apps: callback URLs, runs that finish or fail, disabled workflows, bad signatures."""

from __future__ import annotations

import asyncio

from apiwatch.emulator import Emulator, Workflow

from .conftest import Arm

V = "api-version=2019-05-01"


def _workflow(emu: Emulator, name: str) -> Workflow:
    sub = emu.tenant.readable_subscriptions[0]
    return next(w for w in sub.workflows if w.name == name)


async def _callback(arm: Arm, wf: Workflow) -> dict:
    trigger = next(t for t in wf.triggers if t.has_callback)
    status, body, _ = await arm.post(f"{wf.id}/triggers/{trigger.name}/listCallbackUrl?{V}")
    assert status == 200, body
    return body


async def test_callback_post_creates_a_run_that_succeeds(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "open-ticket-for-api-finding")
    cb = await _callback(arm, wf)
    assert cb["method"] == "POST"
    assert cb["value"].startswith(f"{emu.url}/workflows/")
    assert cb["queries"]["sig"] in cb["value"] and cb["queries"]["sv"] == "1.0"
    assert "%2Ftriggers%2Fmanual%2Frun" in cb["value"]
    payload = {"id": "x", "properties": {"resourceDetails": {"id": "/subscriptions/x"}}}
    status, _, headers = await arm.post(cb["value"], json=payload, token=None)
    assert status == 202
    run_id = headers["x-ms-workflow-run-id"]
    assert wf.runs[-1].name == run_id and wf.runs[-1].bodies == [payload]

    status, body, _ = await arm.get(f"{wf.id}/runs/{run_id}?{V}")
    assert body["properties"]["status"] == "Running"
    assert body["type"] == "Microsoft.Logic/workflows/runs"
    assert "endTime" not in body["properties"]
    await asyncio.sleep(emu.config.run_seconds + 0.1)
    status, body, _ = await arm.get(f"{wf.id}/runs/{run_id}?{V}")
    assert body["properties"]["status"] == "Succeeded"
    assert body["properties"]["trigger"]["name"] == "manual"
    assert body["properties"]["endTime"].endswith("Z")
    runs = await arm.get_all(f"{wf.id}/runs?{V}")
    assert [r["name"] for r in runs] == [run_id]


async def test_failing_workflow_runs_end_failed(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "block-client-ip-in-apim")
    cb = await _callback(arm, wf)
    status, _, headers = await arm.post(cb["value"], json={"ip": "192.0.2.1"}, token=None)
    assert status == 202
    await asyncio.sleep(emu.config.run_seconds + 0.1)
    status, body, _ = await arm.get(f"{wf.id}/runs/{headers['x-ms-workflow-run-id']}?{V}")
    assert body["properties"]["status"] == "Failed"
    assert wf.runs[-1].status == "Failed"


async def test_webhook_triggers_have_callbacks_too(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "disable-unused-endpoints")
    status, body, _ = await arm.get(f"{wf.id}?{V}")
    [(name, definition)] = body["properties"]["definition"]["triggers"].items()
    assert definition["type"] == "ApiConnectionWebhook"
    assert definition["inputs"]["path"] == "/Microsoft.Security/Assessment/subscribe"
    triggers = await arm.get_all(f"{wf.id}/triggers?{V}")
    assert [t["name"] for t in triggers] == [name]
    cb = await _callback(arm, wf)
    status, _, _ = await arm.post(cb["value"], json={}, token=None)
    assert status == 202


async def test_disabled_workflow_answers_409(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "post-teams-message-legacy")
    assert wf.state == "Disabled"
    cb = await _callback(arm, wf)
    status, body, _ = await arm.post(cb["value"], json={}, token=None)
    assert status == 409
    assert body["error"]["code"]
    assert wf.runs == []


async def test_wrong_or_missing_signature_is_401(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "open-ticket-for-api-finding")
    cb = await _callback(arm, wf)
    status, _, _ = await arm.post(
        cb["value"].replace(cb["queries"]["sig"], "forged"), json={}, token=None
    )
    assert status == 401
    status, _, _ = await arm.post(cb["basePath"], json={}, token=None)
    assert status == 401
    assert wf.runs == []


async def test_recurrence_trigger_has_no_callback(emu: Emulator, arm: Arm) -> None:
    wf = _workflow(emu, "export-api-findings")
    status, body, _ = await arm.post(f"{wf.id}/triggers/Recurrence/listCallbackUrl?{V}")
    assert status == 400
    assert body["error"]["code"]
