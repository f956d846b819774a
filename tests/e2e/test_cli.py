"""The headless commands, run as a user would, against the emulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from apiwatch.emulator import EmulatorConfig, start_in_thread

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiwatch", *args], capture_output=True, text=True, timeout=120,
        cwd=REPO, env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def emulator_thread():
    handle = start_in_thread(EmulatorConfig(page_size=7))
    yield handle
    handle.stop()


def config_file(tmp_path: Path, handle, subscriptions=()) -> Path:
    path = tmp_path / "apiwatch.toml"
    subs = ", ".join(f'"{s}"' for s in subscriptions)
    path.write_text(
        "[azure]\n"
        f'resource_manager = "{handle.url}"\n'
        'credential = "static"\n'
        f'token = "{handle.token}"\n'
        f'ca_bundle = "{handle.ca_path}"\n'
        f"subscriptions = [{subs}]\n"
    )
    return path


def test_inventory_json_on_demo_reports_the_unreadable_subscription():
    result = run("inventory", "--json", "--demo")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["collections"] and data["not_onboarded"]
    endpoint = data["collections"][0]["operations"][0]
    assert endpoint["health"] in {"Healthy", "Unhealthy", "NotApplicable", "Unknown"}
    assert {"method", "url_template", "insight", "recommendations"} <= set(endpoint)
    errors = result.stderr.strip().splitlines()
    assert errors and all(line.startswith("apiwatch: ") for line in errors)
    assert any("403" in line and "AuthorizationFailed" in line for line in errors)


def test_exit_0_when_every_subscription_reads(tmp_path, emulator_thread):
    readable = [s.subscription_id for s in emulator_thread.tenant.subscriptions if s.readable]
    path = config_file(tmp_path, emulator_thread, readable)
    result = run("alerts", "--json", "--config", str(path))
    assert result.returncode == 0, result.stderr
    alerts = json.loads(result.stdout)["alerts"]
    truth = {a.name for s in emulator_thread.tenant.subscriptions if s.readable for a in s.alerts}
    assert {a["name"] for a in alerts} >= truth
    times = [a["time_generated"] for a in alerts]
    assert times == sorted(times, reverse=True)
    assert emulator_thread.token not in result.stdout + result.stderr


def test_config_from_environment_variable(tmp_path, emulator_thread):
    readable = [s.subscription_id for s in emulator_thread.tenant.subscriptions if s.readable]
    path = config_file(tmp_path, emulator_thread, readable)
    result = run("recommendations", "--json", env={"APIWATCH_CONFIG": str(path)})
    assert result.returncode == 0, result.stderr
    recs = json.loads(result.stdout)["recommendations"]
    keys = {r["key"] for r in recs}
    assert "91af2040-7874-4659-abf0-578e1f8d07dc" in keys
    assert any(r["unhealthy"] for r in recs)


def test_usage_error_exits_2():
    result = run("inventory", "--bogus")
    assert result.returncode == 2


def test_options_before_the_command_are_kept():
    # `apiwatch --demo alerts` once read the real tenant: the command's copy of --demo reset it
    before, after = run("--demo", "alerts", "--json"), run("alerts", "--json", "--demo")
    assert before.returncode == after.returncode == 1, before.stderr
    ids = [{a["id"] for a in json.loads(r.stdout)["alerts"]} for r in (before, after)]
    assert ids[0] and ids[0] == ids[1]
    assert "sign-in" not in before.stderr


def test_hostile_needs_the_demo():
    result = run("--hostile", "alerts")
    assert result.returncode == 2
    assert result.stderr.strip() == ("apiwatch: --hostile needs --demo: it changes the embedded "
                                     "tenant's answers")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@pytest.mark.parametrize("command", ["alerts", "inventory", "recommendations"])
def test_hostile_text_in_headless_output(command, tmp_path):
    env = {"APIWATCH_LOG_DIR": str(tmp_path), "APIWATCH_LOG_LEVEL": "DEBUG"}
    text = run("--demo", "--hostile", command, env=env)
    as_json = run("--demo", "--hostile", command, "--json", env=env)
    for result in (text, as_json):
        # the lone surrogate once made every command print nothing and fail
        assert result.returncode == 1, result.stderr  # 1: the demo's unreadable subscription
        assert result.stdout.strip()
        for stream in (result.stdout, result.stderr):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", stream)
    assert "␛]" in text.stdout or "␛[" in text.stdout  # shown, as symbols
    # JSON stays exact: the payloads come back as the emulator sent them
    values = "".join(strings(json.loads(as_json.stdout)))
    assert "\x1b" in values and ("[/]" in values or "[@click" in values)
    log = (tmp_path / "apiwatch.log").read_text(encoding="utf-8", errors="strict")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", log)


def test_inventory_keeps_defenders_endpoint_count_and_tells_same_names_apart(tmp_path):
    """Defender's count (numberOfApiEndpoints) and the API's operations are two things: both are
    kept, under two names, and the text says Defender's count. Two collections with one display
    name show their APIM service."""
    handle = start_in_thread(EmulatorConfig(page_size=7))
    try:
        sub = next(s for s in handle.tenant.subscriptions if s.readable
                   and sum(any(a.onboarded for a in svc.apis) for svc in s.services) > 1)
        first, second = [next(a for a in svc.apis if a.onboarded)
                         for svc in sub.services if any(a.onboarded for a in svc.apis)][:2]
        first.discovered_endpoints = 17
        second.display_name = first.display_name
        handle.invalidate()
        path = config_file(tmp_path, handle, [sub.subscription_id])
        data = json.loads(run("inventory", "--json", "--config", str(path)).stdout)
        text = run("inventory", "--config", str(path)).stdout
    finally:
        handle.stop()
    mine = next(c for c in data["collections"] if c["id"].lower() == first.collection_id.lower())
    assert mine["endpoint_count"] == 17
    assert len(mine["operations"]) == len(first.operations) != 17
    assert {"method", "url_template", "health"} <= set(mine["operations"][0])
    assert data["not_onboarded"][0]["operations"] is not None
    services = {a.service_id.rsplit("/", 1)[-1] for a in (first, second)}
    lines = [line for line in text.splitlines() if line.startswith(first.display_name)]
    assert len(lines) == 2
    assert {s for s in services for line in lines if f"({s})" in line} == services
    assert any(f"endpoints=17 operations={len(first.operations)} " in line for line in lines)
