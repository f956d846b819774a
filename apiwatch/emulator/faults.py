"""Faults the emulator injects: on demand (tests, admin route) or at random (fault_rate)."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

FAULT_KINDS = (
    "throttle",
    "error",
    "reset",
    "slow",
    "malformed",
    "unknown-enum",
    "endless-nextlink",
    "forbidden",
    "expired-token",
    "pascal-alerts",  # alerts in the list's other shape (alert_shapes.py)
    "both-alert-shapes",  # each alert listed twice: the other shape, then the usual one
    "empty-value",  # a 200 answered `{"value": []}` whatever was asked
    "trickle",  # the answer starts, then one byte every delay_ms: it never ends in time
    "endless",  # a list page whose items never stop coming
)
# Faults that replace the response before the handler runs; the others rewrite its answer.
PRE_KINDS = frozenset({"throttle", "error", "reset", "slow", "forbidden", "expired-token"})
RANDOM_KINDS = ("throttle", "error", "reset")


@dataclass
class Fault:
    kind: str
    count: int | None = 1
    match: re.Pattern[str] | None = None
    retry_after: float = 1
    delay_ms: int = 2000  # `slow`: before the answer; `trickle`: between two of its bytes
    status: int = 500
    limit_mb: float | None = None  # `endless`: drop the connection after this much (a guard)

    def applies_to(self, path: str) -> bool:
        return self.match is None or self.match.search(path) is not None


class Faults:
    """The queue of on-demand faults. Thread-safe because the demo drives it from another thread."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        kind: str,
        count: int | None = 1,
        match: str | None = None,
        retry_after: float = 1,
        delay_ms: int = 2000,
        status: int | None = None,
        limit_mb: float | None = None,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}"
            )
        if count is not None and count < 1:
            raise ValueError("count must be at least 1, or None for until cleared")
        if limit_mb is not None and (isinstance(limit_mb, bool)
                                     or not isinstance(limit_mb, (int, float)) or limit_mb <= 0):
            raise ValueError("limit_mb is a number of MB above 0, or None for no limit")
        if kind == "error" and status not in (None, 500, 503):
            raise ValueError("an error fault has status 500 or 503")
        fault = Fault(
            kind=kind,
            count=count,
            match=re.compile(match, re.IGNORECASE) if match else None,
            retry_after=retry_after,
            delay_ms=delay_ms,
            status=status or 500,
            limit_mb=limit_mb,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def peek(self, path: str, pre: bool, explicit: bool = False) -> Fault | None:
        """The next fault for path; explicit skips faults without a match regex (the gateway is
        not ARM, so only faults aimed at it by their match apply there)."""
        with self._lock:
            for fault in self._faults:
                if explicit and fault.match is None:
                    continue
                if (fault.kind in PRE_KINDS) == pre and fault.applies_to(path):
                    return fault
        return None

    def consume(self, fault: Fault) -> None:
        with self._lock:
            if fault.count is not None:
                fault.count -= 1
                if fault.count <= 0 and fault in self._faults:
                    self._faults.remove(fault)


def random_fault(rng: random.Random) -> Fault:
    kind = rng.choice(RANDOM_KINDS)
    return Fault(kind=kind, count=None, status=rng.choice((500, 503)), retry_after=1)


# Values no spec has, for the unknown-enum fault.
UNKNOWN_ENUMS = {
    "severity": "Critical2",
    "status": "Snoozed",
    "code": "Pending",
    "provisioningState": "Migrating",
    "state": "Hibernating",
    "intent": "Reconnaissance2",
    "virtualNetworkType": "Hybrid",
    "sensitivityLabel": "Top Secret",
}
