"""Headless actions as a runbook runs them: --yes, read-only, exit codes, the audit log, a kill
mid-batch, and no secret in any output."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from apiwatch.actions.audit import AuditLog
from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import normalize

REPO = Path(__file__).resolve().parents[2]
UNAUTH = "91af2040-7874-4659-abf0-578e1f8d07dc"


@pytest.fixture
def emu():
    handle = start_in_thread(EmulatorConfig(run_seconds=0.3, lro_seconds=0.2))
    yield handle
    handle.stop()


@pytest.fixture
def config_file(tmp_path, emu):
    path = tmp_path / "apiwatch.toml"
    path.write_text(
        "[azure]\n"
        f'resource_manager = "{emu.url}"\ncredential = "static"\ntoken = "{emu.token}"\n'
        f'ca_bundle = "{emu.ca_path}"\n'
        "[actions]\nfollow_seconds = 20\n"
    )
    return path


def run(config_file, state_dir, *args, wait=True):
    env = {**os.environ, "APIWATCH_STATE_DIR": str(state_dir), "APIWATCH_LOG_DIR": str(state_dir),
           "APIWATCH_CONFIG": str(config_file), "APIWATCH_LOG_LEVEL": "DEBUG"}
    cmd = [sys.executable, "-m", "apiwatch", *args]
    if not wait:
        return subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)


def unhealthy_endpoints(emu, n=3):
    sub = next(s for s in emu.tenant.subscriptions if s.readable)
    ids = [a.resource_id for a in sub.assessments
           if a.key == UNAUTH and a.status_code == "Unhealthy"]
    return sub, ids[:n]


def test_refuses_without_yes_and_in_read_only(tmp_path, emu, config_file):
    _, ids = unhealthy_endpoints(emu, 1)
    args = ["trigger", "--logic-app", "disable-unused-endpoints", "--resource", ids[0]]
    result = run(config_file, tmp_path, *args)
    assert result.returncode == 2 and "--yes" in result.stderr
    result = run(config_file, tmp_path, *args, "--yes", "--read-only")
    assert result.returncode == 2 and "read-only" in result.stderr
    assert not list(emu.tenant.subscriptions[0].workflows[0].runs)
    audit = run(config_file, tmp_path, "audit", "--json")
    assert json.loads(audit.stdout) == []


def test_trigger_then_again_needs_again(tmp_path, emu, config_file):
    _, ids = unhealthy_endpoints(emu, 2)
    args = ["trigger", "--logic-app", "disable-unused-endpoints", "--recommendation", UNAUTH,
            *[x for i in ids for x in ("--resource", i)], "--yes"]
    first = run(config_file, tmp_path, *args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert sum(line.startswith("succeeded") for line in lines) == len(ids)
    again = run(config_file, tmp_path, *args)
    assert again.returncode == 2 and "--again" in again.stderr
    third = run(config_file, tmp_path, *args, "--again", "--json")
    assert third.returncode == 0
    assert json.loads(third.stdout)["outcome"] == "succeeded"
    entries = json.loads(run(config_file, tmp_path, "audit", "--json").stdout)
    assert [e["outcome"] for e in entries] == ["succeeded", "succeeded"]
    assert entries[0]["identity"] == "static token (local emulator)"


def test_failures_exit_1(tmp_path, emu, config_file):
    _, ids = unhealthy_endpoints(emu, 1)
    result = run(config_file, tmp_path, "trigger", "--logic-app", "block-client-ip-in-apim",
                 "--resource", ids[0], "--recommendation", UNAUTH, "--yes")
    assert result.returncode == 1
    assert "failed" in result.stdout


def test_alert_state_and_simulate(tmp_path, emu, config_file):
    sub = next(s for s in emu.tenant.subscriptions if s.readable)
    alert = next(a for a in sub.alerts if a.status == "Active")
    result = run(config_file, tmp_path, "alert-state", "--state", "dismiss", "--alert", alert.id,
                 "--yes")
    assert result.returncode == 0, result.stderr
    assert alert.status == "Dismissed"
    before = len(sub.alerts)
    result = run(config_file, tmp_path, "simulate", "--subscription", sub.subscription_id, "--yes")
    assert result.returncode == 0, result.stderr
    assert len(sub.alerts) > before


@pytest.mark.parametrize("method", ["GET\r\nX: y", "G E T"])
def test_a_hostile_operation_method_is_refused_in_one_line(tmp_path, emu, config_file, method):
    sub = next(s for s in emu.tenant.subscriptions if s.readable)
    op = next(op for svc in sub.services for api in svc.apis if api.onboarded
              for op in api.operations)
    op.method = method
    emu.invalidate()
    result = run(config_file, tmp_path, "simulate", "--subscription", sub.subscription_id,
                 "--endpoint", op.id, "--yes")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("failed") and "refused" in line and "\r" not in line
    assert not emu.probes  # nothing was sent
    (entry,) = json.loads(run(config_file, tmp_path, "audit", "--json").stdout)
    assert entry["outcome"] == "failed" and "refused" in entry["detail"]
    assert entry["targets"][0]["outcome"] == "failed"


def test_audit_text_keeps_each_column_apart(tmp_path, emu, config_file):
    """The identity ("static token (local emulator)", longer than the old 24 columns) ran into
    the summary; each column now starts where the header's does, two spaces after the last."""
    sub = next(s for s in emu.tenant.subscriptions if s.readable)
    alert = next(a for a in sub.alerts if a.status == "Active")
    run(config_file, tmp_path, "alert-state", "--state", "dismiss", "--alert", alert.id, "--yes")
    run(config_file, tmp_path, "simulate", "--subscription", sub.subscription_id, "--yes")
    result = run(config_file, tmp_path, "audit")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.rstrip("\n").splitlines()
    assert header.split() == ["STARTED", "(UTC)", "OUTCOME", "IDENTITY", "ACTION"]
    assert len(lines) == 2
    for column in ("OUTCOME", "IDENTITY", "ACTION"):
        start = header.index(column)
        assert all(line[start - 2:start] == "  " and line[start] != " " for line in lines), column
    identity = "static token (local emulator)"
    assert all(line[header.index("IDENTITY"):].startswith(identity + "  ") for line in lines)
    assert {line[header.index("ACTION"):] for line in lines} == {
        "set 1 alert(s) to dismiss",
        f"create sample alerts (Apis) in {sub.subscription_id}"}


def test_onboard_from_the_command_line(tmp_path, emu, config_file):
    api = next(a for s in emu.tenant.subscriptions if s.readable
               for svc in s.services for a in svc.apis if not a.onboarded)
    result = run(config_file, tmp_path, "onboard", "--api", api.id, "--yes")
    assert result.returncode == 0, result.stderr
    assert api.onboarded


def test_a_kill_mid_batch_leaves_every_intent_and_is_marked_unknown(tmp_path, emu, config_file):
    _, ids = unhealthy_endpoints(emu, 3)
    emu.faults.add("slow", count=None, match="/paths/invoke", delay_ms=30_000)
    proc = run(config_file, tmp_path, "trigger", "--logic-app", "disable-unused-endpoints",
               "--recommendation", UNAUTH, *[x for i in ids for x in ("--resource", i)], "--yes",
               wait=False)
    db = tmp_path / "audit.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT count(*) FROM targets").fetchone()[0]:
                        break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    emu.faults.clear()

    log = AuditLog(db)
    try:
        assert log.recovered == 1
        (entry,) = log.entries()
        assert entry.outcome == "unknown" and "process ended" in entry.detail
        assert [normalize(t.resource_id) for t in entry.targets] == [normalize(i) for i in ids]
        assert {t.outcome for t in entry.targets} == {"unknown"}
    finally:
        log.close()


async def _issued_sigs(emu) -> set[str]:
    """Ask for every trigger's callback URL, as apiwatch does: the sigs it could have seen."""
    import ssl

    sigs = set()
    context = ssl.create_default_context(cafile=str(emu.ca_path))
    headers = {"Authorization": f"Bearer {emu.token}"}
    async with aiohttp.ClientSession() as http:
        for sub in emu.tenant.subscriptions:
            if not sub.readable:
                continue
            for wf in sub.workflows:
                for trigger in wf.triggers:
                    url = (f"{emu.url}{wf.id}/triggers/{trigger.name}/listCallbackUrl"
                           "?api-version=2019-05-01")
                    async with http.post(url, ssl=context, headers=headers, json={}) as r:
                        if r.status == 200:
                            sigs.add((await r.json())["queries"]["sig"])
    return sigs


async def test_no_secret_reaches_any_output(tmp_path, emu, config_file):
    import asyncio

    sub, ids = unhealthy_endpoints(emu, 2)
    alert = next(a for a in sub.alerts if a.is_api)
    outputs = []
    for args in (
        ["trigger", "--logic-app", "disable-unused-endpoints", "--recommendation", UNAUTH,
         "--resource", ids[0], "--yes", "--json"],
        ["trigger", "--logic-app", "block-client-ip-in-apim", "--recommendation", UNAUTH,
         "--resource", ids[1], "--yes"],
        ["trigger", "--logic-app", "open-ticket-for-api-finding", "--resource", alert.id, "--yes"],
        ["trigger", "--logic-app", "post-teams-message-legacy", "--resource", ids[0], "--yes"],
        ["alert-state", "--state", "resolve", "--alert", alert.id, "--yes", "--json"],
        ["inventory", "--json"], ["alerts", "--json"], ["audit", "--json"], ["audit"],
    ):
        result = await asyncio.to_thread(run, config_file, tmp_path, *args)
        outputs.append(result.stdout + result.stderr)
    emu.faults.add("error", count=None, match="/paths/invoke", status=500)
    result = await asyncio.to_thread(run, config_file, tmp_path, "trigger", "--logic-app",
                                     "disable-unused-endpoints", "--resource", ids[0], "--yes",
                                     "--again")
    outputs.append(result.stdout + result.stderr)
    emu.faults.clear()

    secrets = await _issued_sigs(emu) | {emu.token}
    assert len(secrets) > 3
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "apiwatch.log" for p in files)
    blobs = outputs + [p.read_bytes().decode("utf-8", "replace") for p in files
                       if p.suffix != ".toml"]
    for secret in secrets:
        for blob in blobs:
            assert secret not in blob
