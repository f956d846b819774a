"""What every action needs: the ARM session, the audit log, who is acting, and the safety switch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..azure.session import ArmSession
from ..model.audit import FAILED, PARTIAL, SUCCEEDED, UNKNOWN
from .audit import AuditLog


class ReadOnlyError(Exception):
    """apiwatch is in read-only mode: no write is sent."""

    def __init__(self) -> None:
        super().__init__("read-only mode: no write was sent (turn it off to act)")


@dataclass(frozen=True, slots=True)
class TargetResult:
    resource_id: str
    outcome: str  # accepted, succeeded, failed, unknown
    detail: str | None = None
    run_id: str | None = None
    run_status: str | None = None  # the logic-app run's final status, once known


@dataclass(frozen=True, slots=True)
class ActionResult:
    action_id: int
    action: str
    outcome: str
    targets: tuple[TargetResult, ...]

    @property
    def ok(self) -> bool:
        return self.outcome == SUCCEEDED


Progress = Callable[[int, TargetResult], None]


@dataclass
class ActionContext:
    session: ArmSession
    audit: AuditLog
    identity: str
    read_only: bool = False
    on_progress: Progress | None = field(default=None, repr=False)

    def guard(self) -> None:
        if self.read_only:
            raise ReadOnlyError()

    def progress(self, seq: int, result: TargetResult) -> None:
        if self.on_progress is not None:
            self.on_progress(seq, result)


def overall(outcomes: list[str]) -> str:
    if outcomes and all(o == SUCCEEDED for o in outcomes):
        return SUCCEEDED
    if outcomes and all(o == FAILED for o in outcomes):
        return FAILED
    if any(o == UNKNOWN for o in outcomes):
        return UNKNOWN
    return PARTIAL
