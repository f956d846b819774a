"""The audit log's records: every write apiwatch makes, recorded before it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Outcomes. None (in flight) becomes UNKNOWN when the process that wrote it died.
SUCCEEDED = "succeeded"
FAILED = "failed"
PARTIAL = "partial"
UNKNOWN = "unknown"
ACCEPTED = "accepted"  # a logic app took the request; its run has not ended yet


@dataclass(frozen=True, slots=True)
class AuditTarget:
    resource_id: str
    outcome: str | None
    run_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    started_at: datetime
    finished_at: datetime | None
    identity: str
    action: str
    subscription_id: str | None
    logic_app: str | None
    summary: str
    outcome: str | None
    detail: str | None
    targets: tuple[AuditTarget, ...] = ()

    @property
    def in_flight(self) -> bool:
        return self.outcome is None
