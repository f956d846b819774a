"""What a write done from the console leaves for the console to apply: the responder returns
it, the app applies it (the responder never calls back into the app)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import AlertStatus


@dataclass(frozen=True, slots=True)
class Outcome:
    # these alerts are now in this state: shown at once, before the next read confirms it
    alert_status: tuple[frozenset[str], AlertStatus] | None = None
    audit_changed: bool = False  # an entry was written: the Audit area reads it again
    refresh_in: float | None = None  # read everything again after this many seconds (0: now)
