"""The emulator in a process of its own, as ARM's CPU is not the client's.

In a thread of the bench process, the emulator's CPU (rendering the JSON of 40,000 operations,
80,000 assessments and 20,000 alerts) would share the GIL with the client being measured, and
would tax a concurrent client (apiwatch's refresh, the transport floor) more than the sequential
naive walk. Here the bench process holds only the client; the emulator runs in a child process
(`python bench/emulator_proc.py FD`, an `EmulatorThread` there), and the two cores of the machine
are split between them.

`EmulatorProcess` offers what the bench uses of `EmulatorThread`: `url`, `ca_path`, `token`,
`config`, `tenant`, `requests` (`clear()`, `records`, `len()`), `add_alerts()`, `stop()`, plus
`cpu_seconds()` (the child's `time.process_time()`, the emulator's CPU). Commands go over a
socketpair as pickled messages (`multiprocessing.connection.Connection`).

The tenant is not shipped from the child (a 55 MB pickle): the parent generates its own copy with
`generate_tenant` and the same seed, scale and `now`, which is deterministic (no wall clock when
`now` is fixed, no hash-order dependence), and checks it against a fingerprint the child sends at
start (every subscription's id, readability and item counts). `add_alerts` returns the child's new
alerts and appends them to the parent's copy too, so `tenant` stays the tenant's truth.

A subprocess rather than `multiprocessing`'s spawn: spawn would re-import the bench's main module
(Textual, the console, a temporary state dir) in the child."""

from __future__ import annotations

import atexit
import socket
import subprocess
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from apiwatch.emulator import (
    Alert,
    EmulatorConfig,
    EmulatorThread,
    RequestRecord,
    Tenant,
    generate_tenant,
    start_in_thread,
)
from apiwatch.emulator.config import resolve_scale

START_TIMEOUT = 120.0  # generating the large tenant takes a few seconds on a slow machine


def fingerprint(tenant: Tenant) -> list[tuple[Any, ...]]:
    """What the bench reads of the tenant's truth, per subscription."""
    return [
        (s.subscription_id, s.readable, len(s.services),
         sum(len(svc.apis) for svc in s.services),
         sum(a.onboarded for svc in s.services for a in svc.apis),
         sum(len(api.operations) for svc in s.services for api in svc.apis),
         len(s.assessments), len(s.alerts), len(s.automations), len(s.workflows))
        for s in tenant.subscriptions
    ]


class RemoteRequestLog:
    """The child's RequestLog, as the bench uses it: clear(), records, len()."""

    def __init__(self, owner: EmulatorProcess) -> None:
        self._owner = owner

    def clear(self) -> None:
        self._owner._call("clear")

    @property
    def records(self) -> list[RequestRecord]:
        return self._owner._call("records")

    def __len__(self) -> int:
        return self._owner._call("count")


class EmulatorProcess:
    """A handle on an emulator running in a child process; see the module's docstring."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.url = ""
        self.ca_path = Path()
        self.token = ""
        self._tenant: Tenant | None = None
        self.requests = RemoteRequestLog(self)
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def tenant(self) -> Tenant:
        """The parent's copy of the tenant's truth (new alerts included)."""
        if self._tenant is None:
            raise RuntimeError("the emulator process is not started")
        return self._tenant

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> EmulatorProcess:
        ours, theirs = socket.socketpair()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, __file__, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            )
        finally:
            theirs.close()  # the child holds its own copy; ours sees EOF when the child dies
        self._conn = Connection(ours.detach())
        atexit.register(self.stop)
        try:
            self._conn.send(self.config)
            # The child generates its tenant meanwhile: the parent's copy costs no extra wall time.
            self._tenant = generate_tenant(
                self.config.seed, resolve_scale(self.config.scale), self.config.now)
            if not self._conn.poll(timeout):
                raise TimeoutError(f"the emulator process did not start in {timeout:.0f}s")
            ready = self._receive()
            self.url, self.token = ready["url"], ready["token"]
            self.ca_path = Path(ready["ca_path"])
            if ready["fingerprint"] != fingerprint(self.tenant):
                raise RuntimeError("the emulator's tenant differs from the one generated here "
                                   "with the same seed, scale and now")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child and wait for it; killed if it does not exit in time. Idempotent."""
        proc, conn = self._proc, self._conn
        if proc is None:
            return
        self._proc = self._conn = None
        atexit.unregister(self.stop)
        try:
            if conn is not None and proc.poll() is None:
                try:
                    conn.send(("stop", ()))
                    conn.poll(timeout)
                except (OSError, EOFError):
                    pass
        finally:
            if conn is not None:
                conn.close()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- commands -----------------------------------------------------------------------------

    def _receive(self) -> Any:
        assert self._conn is not None
        try:
            kind, value = self._conn.recv()
        except EOFError:
            code = self._proc.poll() if self._proc is not None else None
            raise RuntimeError(f"the emulator process went away (exit code {code})") from None
        if kind == "error":
            raise RuntimeError(f"in the emulator process:\n{value}")
        return value

    def _call(self, command: str, *args: Any) -> Any:
        with self._lock:
            if self._conn is None:
                raise RuntimeError("the emulator process is not running")
            self._conn.send((command, args))
            return self._receive()

    def add_alerts(self, n: int = 1, subscription_id: str | None = None) -> list[Alert]:
        """Raise n new alerts in the emulator; the parent's tenant gets them too."""
        alerts: list[Alert] = self._call("add_alerts", n, subscription_id)
        for alert in alerts:
            self.tenant.subscription(alert.subscription_id).alerts.append(alert)
        return alerts

    def cpu_seconds(self) -> float:
        """CPU time of the emulator's process so far (its `time.process_time()`)."""
        return self._call("cpu")

    def rss_mb(self) -> float:
        """Resident set size of the emulator's process (VmRSS), in MB."""
        return self._call("rss")


def start_emulator_process(config: EmulatorConfig) -> EmulatorProcess:
    return EmulatorProcess(config).start()


# -- the child --------------------------------------------------------------------------------

def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _serve(conn: Connection) -> None:
    """Start the emulator (its own event loop on a thread), then answer commands on this thread
    until "stop" or the parent's end of the socket closes."""
    try:
        config: EmulatorConfig = conn.recv()
        emulator: EmulatorThread = start_in_thread(config)
    except BaseException:
        conn.send(("error", traceback.format_exc()))
        return
    try:
        conn.send(("ok", {"url": emulator.url, "ca_path": str(emulator.ca_path),
                          "token": emulator.token, "fingerprint": fingerprint(emulator.tenant)}))
        commands = {
            "records": lambda: emulator.requests.records,
            "count": lambda: len(emulator.requests),
            "clear": emulator.requests.clear,
            "add_alerts": emulator.add_alerts,
            "cpu": time.process_time,
            "rss": _rss_mb,
        }
        while True:
            try:
                command, args = conn.recv()
            except EOFError:  # the parent is gone
                return
            if command == "stop":
                break
            try:
                reply = ("ok", commands[command](*args))
            except Exception:
                reply = ("error", traceback.format_exc())
            conn.send(reply)
    finally:
        emulator.stop()
    conn.send(("ok", None))


if __name__ == "__main__":
    connection = Connection(int(sys.argv[1]))
    try:
        _serve(connection)
    except (KeyboardInterrupt, BrokenPipeError, ConnectionResetError):
        pass
    finally:
        connection.close()
