"""What every action needs: the ARM session, the audit log, who is acting, and the safety switch."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ..azure.session import ArmSession
from ..model.audit import FAILED, PARTIAL, SUCCEEDED, UNKNOWN
from .audit import AuditLog

log = logging.getLogger(__name__)


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
        """Tell the caller (a dialog, the headless output) how one target went. Showing it is
        not the action: if that fails, the action goes on and its audit entry is completed
        (a dialog not yet drawn raised here, and left the entry unknown)."""
        if self.on_progress is None:
            return
        try:
            self.on_progress(seq, result)
        except Exception:
            log.warning("showing the progress of target %d failed; the action goes on", seq,
                        exc_info=True)


def overall(outcomes: list[str]) -> str:
    if outcomes and all(o == SUCCEEDED for o in outcomes):
        return SUCCEEDED
    if outcomes and all(o == FAILED for o in outcomes):
        return FAILED
    if any(o == UNKNOWN for o in outcomes):
        return UNKNOWN
    return PARTIAL
