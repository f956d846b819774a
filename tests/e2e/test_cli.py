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
    endpoint = data["collections"][0]["endpoints"][0]
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
