"""The `python -m apiwatch.emulator` command, the threaded runner, latency and live alerts."""

from __future__ import annotations

import asyncio
import json
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from apiwatch.emulator import Emulator, EmulatorConfig, start_in_thread


def _get(url: str, token: str, ca: Path) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    context = ssl.create_default_context(cafile=str(ca))
    with urllib.request.urlopen(request, context=context, timeout=10) as resp:
        return json.loads(resp.read())


def test_cli_prints_endpoint_and_stops_on_sigterm(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apiwatch.emulator",
            "--ca-out",
            str(ca),
            "--token",
            "t0ken",
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        assert lines[0].startswith("ARM endpoint: https://127.0.0.1:")
        assert lines[1] == f"CA file: {ca}"
        assert lines[2] == "Token: t0ken"
        url = lines[0].split(": ", 1)[1]
        body = _get(f"{url}/subscriptions?api-version=2022-12-01", "t0ken", ca)
        assert len(body["value"]) == 3
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_rejects_bad_flags_with_one_line_and_exit_2() -> None:
    for args in (["--scale", "huge"], ["--fault-rate", "2"], ["--page-size", "0"], ["--port", "x"]):
        proc = subprocess.run(
            [sys.executable, "-m", "apiwatch.emulator", *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 2, args
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stdout == ""


def test_thread_runner_serves_from_its_own_loop() -> None:
    emu = start_in_thread(EmulatorConfig(seed=11))
    try:
        body = _get(f"{emu.url}/subscriptions?api-version=2022-12-01", emu.token, emu.ca_path)
        assert {s["subscriptionId"] for s in body["value"]} == {
            s.subscription_id for s in emu.tenant.subscriptions
        }
        [alert] = emu.add_alerts(1)
        assert alert.status == "Active"
        assert emu.requests.count(method="GET") == 1
    finally:
        emu.stop()


async def test_latency_is_added_to_arm_responses() -> None:
    async with Emulator(EmulatorConfig(latency_ms=300)) as emu:
        started = time.monotonic()
        await asyncio.to_thread(
            _get, f"{emu.url}/subscriptions?api-version=2022-12-01", emu.token, emu.ca_path
        )
        assert time.monotonic() - started >= 0.3


async def test_live_alerts_keep_arriving() -> None:
    async with Emulator(EmulatorConfig(alert_rate_per_min=1200)) as emu:
        before = sum(len(s.alerts) for s in emu.tenant.subscriptions)
        await asyncio.sleep(1.0)
        after = sum(len(s.alerts) for s in emu.tenant.subscriptions)
        assert after > before
        new = [
            a for s in emu.tenant.readable_subscriptions for a in s.alerts if a.status == "Active"
        ]
        assert new


def test_the_demo_tenant_is_the_same_all_day_so_seen_alerts_stay_seen():
    from datetime import datetime, timezone

    from apiwatch.demo import start_demo

    def alert_ids(hour: int, day: int = 2) -> set[str]:
        demo = start_demo(alert_rate_per_min=0,
                          clock=lambda: datetime(2026, 12, day, hour, 41, tzinfo=timezone.utc))
        try:
            return {a.id for s in demo.handle.tenant.subscriptions for a in s.alerts}
        finally:
            demo.stop()

    morning = alert_ids(0)
    assert morning and alert_ids(23) == morning  # a restart later that day: nothing new
    assert alert_ids(9, day=3) != morning  # a new day: a tenant with that day's alerts
