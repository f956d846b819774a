"""Bad answers fail one source, never the tool: `apiwatch alerts`, run as a user would, against
an emulator whose answers for one subscription's alerts trickle in or never end."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.model import normalize

from .test_cli import REPO

TIMEOUT = 2  # timeout_seconds in the config
CAP_MB = 2  # max_response_mb in the config
GROWTH_LIMIT_MB = 200  # the whole process, over the ~70 MB one run of `apiwatch alerts` takes
KILL_AT_MB = 1024  # without a cap the endless answer fills memory: stop it before the machine


@pytest.fixture
def emulator():
    handle = start_in_thread(EmulatorConfig(page_size=7))
    yield handle
    handle.stop()


def config_file(tmp_path: Path, handle, extra: str = "") -> Path:
    path = tmp_path / "apiwatch.toml"
    path.write_text(
        "[azure]\n"
        f'resource_manager = "{handle.url}"\n'
        'credential = "static"\n'
        f'token = "{handle.token}"\n'
        f'ca_bundle = "{handle.ca_path}"\n'
        f"timeout_seconds = {TIMEOUT}\n"
        "retries = 3\n"  # an answer out of bounds is not asked again at once
        + extra
    )
    return path


class Run:
    """`apiwatch ARGS` in a child process, watching how much memory it holds."""

    def __init__(self, *args: str) -> None:
        self.peak_mb = 0.0
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "apiwatch", *args], cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        try:
            self.stdout, self.stderr = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            pytest.fail("apiwatch alerts did not end within 60 s")
        watcher.join(5)
        self.seconds = time.monotonic() - started
        self.returncode = self.proc.returncode

    def _watch(self) -> None:
        while self.proc.poll() is None:
            try:
                with open(f"/proc/{self.proc.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
            except (OSError, ValueError):
                return
            if self.peak_mb > KILL_AT_MB:
                self.proc.kill()
                return
            time.sleep(0.02)


def _alerts_of(handle, sub: str) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Security/alerts"


def _shown(run: Run) -> set[str]:
    return {normalize(a["id"]) for a in json.loads(run.stdout)["alerts"]}


def _alerts_in(handle, subs: list[str]) -> set[str]:
    return {normalize(a.id) for s in handle.tenant.subscriptions if s.subscription_id in subs
            for a in s.alerts}


def _readable(handle) -> list[str]:
    return [s.subscription_id for s in handle.tenant.subscriptions if s.readable]


def test_an_answer_trickling_in_fails_its_source_within_the_timeout(tmp_path, emulator):
    slow, *others = _readable(emulator)
    # a byte every 0.5 s: no single socket read waits the 2 s timeout, the answer takes hours
    emulator.faults.add("trickle", count=None, delay_ms=500, match=_alerts_of(emulator, slow))
    run = Run("alerts", "--json", "--config", str(config_file(tmp_path, emulator)))
    assert run.returncode == 1, run.stderr  # partial
    assert run.seconds < TIMEOUT + 8, run.seconds  # start-up, the 2 s, the other sources
    errors = run.stderr.strip().splitlines()
    assert f"apiwatch: alerts (subscription {slow}): timed out: no complete answer within " \
           f"{TIMEOUT} s" in errors, run.stderr
    assert all(line.startswith("apiwatch: ") for line in errors)  # one line each, no traceback
    assert _shown(run) == _alerts_in(emulator, others)  # the other subscriptions' are all there


def test_an_endless_answer_fails_its_source_without_filling_memory(tmp_path, emulator):
    endless, *others = _readable(emulator)
    emulator.faults.add("endless", count=None, match=_alerts_of(emulator, endless))
    config = config_file(tmp_path, emulator, f"max_response_mb = {CAP_MB}\n")
    run = Run("alerts", "--json", "--config", str(config))
    assert run.peak_mb < 70 + GROWTH_LIMIT_MB, f"peak {run.peak_mb:.0f} MB"
    assert run.returncode == 1, run.stderr
    errors = run.stderr.strip().splitlines()
    assert (f"apiwatch: alerts (subscription {endless}): answer larger than {CAP_MB} MB"
            in errors), run.stderr
    assert all(line.startswith("apiwatch: ") for line in errors)
    assert _shown(run) == _alerts_in(emulator, others)  # the other subscriptions' are all there


def test_an_answer_cut_off_mid_body_says_so(tmp_path, emulator):
    cut, *others = _readable(emulator)
    # the connection dropped a fifth of a megabyte in: a cut, not "not valid JSON"
    emulator.faults.add("endless", count=None, limit_mb=0.2, match=_alerts_of(emulator, cut))
    run = Run("alerts", "--json", "--config", str(config_file(tmp_path, emulator)))
    assert run.returncode == 1, run.stderr
    errors = run.stderr.strip().splitlines()
    assert (f"apiwatch: alerts (subscription {cut}): the connection was cut before the whole "
            "answer came" in errors), run.stderr
    assert _shown(run) == _alerts_in(emulator, others)
