"""Shared pieces of the benchmark: the emulator (in its own process), apiwatch settings,
statistics, memory."""

from __future__ import annotations

import math
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

# The console opens an audit log and a state DB: keep them out of the user's own dirs. This must
# run before apiwatch reads its paths, so every bench module imports `common` first.
_STATE = Path(tempfile.mkdtemp(prefix="apiwatch-bench-"))
os.environ.setdefault("APIWATCH_STATE_DIR", str(_STATE / "state"))
os.environ.setdefault("APIWATCH_LOG_DIR", str(_STATE / "logs"))

from emulator_proc import EmulatorProcess, start_emulator_process  # noqa: E402

from apiwatch.config import Config  # noqa: E402
from apiwatch.emulator import EmulatorConfig  # noqa: E402

# The tenant's fixed "now": every run reads the same data and draws the same screens.
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
LATENCY_MS = 25
# ARM's list APIs answer 100 items a page for these resource types when no $top is sent.
PAGE_SIZE = 100
MAX_CONNECTIONS = 16


def start_emulator() -> EmulatorProcess:
    """The large tenant's emulator, in a child process (bench/emulator_proc.py): ARM's CPU is
    not the client's, so the emulator must not share the measured client's GIL."""
    return start_emulator_process(
        EmulatorConfig(scale="large", latency_ms=LATENCY_MS, page_size=PAGE_SIZE, now=NOW)
    )


def apiwatch_config(handle: EmulatorProcess) -> Config:
    return Config().with_azure(
        resource_manager=handle.url,
        credential="static",
        token=handle.token,
        ca_bundle=Path(handle.ca_path),
        max_connections=MAX_CONNECTIONS,
    )


def clock() -> datetime:
    return NOW


# -- statistics -----------------------------------------------------------------------------

def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); no interpolation, so p99 is a value that happened."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timer:
    """Wall time, CPU of this thread (the client's event loop), CPU of the whole bench process
    (the client and its helper threads; the emulator is not in it: it runs in a process of its
    own, as ARM's CPU is not the client's) and, given `emulator_cpu` (EmulatorProcess.cpu_seconds),
    the emulator process's CPU over the same span. The emulator is asked before the clocks start
    and after they stop, so that round trip is not in the wall time."""

    emulator_cpu: Callable[[], float] | None = field(default=None, repr=False, compare=False)
    wall: float = 0.0
    cpu_thread: float = 0.0
    cpu_process: float = 0.0
    cpu_emulator: float = math.nan

    def __enter__(self) -> Timer:
        self._e = self.emulator_cpu() if self.emulator_cpu else math.nan
        self._w = time.perf_counter()
        self._t = time.thread_time()
        self._p = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu_thread = time.thread_time() - self._t
        self.cpu_process = time.process_time() - self._p
        if self.emulator_cpu:
            self.cpu_emulator = self.emulator_cpu() - self._e

    def figures(self) -> dict[str, float]:
        return {"wall": self.wall, "cpu_thread": self.cpu_thread,
                "cpu_process": self.cpu_process, "cpu_emulator": self.cpu_emulator}


# -- memory ---------------------------------------------------------------------------------

def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Current resident set size (VmRSS), in MB."""
    return _status_mb("VmRSS") or peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM), in MB. Not ru_maxrss: Linux keeps that
    across exec, so a child would report the bench process's own peak."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
