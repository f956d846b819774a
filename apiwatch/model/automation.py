"""Workflow automation: Logic App workflows with their triggers, and Defender for Cloud
security automations that point at them."""

from __future__ import annotations

from dataclasses import dataclass

from .arm_id import normalize
from .enums import WorkflowState

# The managed-connector paths of Defender for Cloud's webhook triggers (shared/domain §5.1).
_RECOMMENDATION_PATH = "/microsoft.security/assessment/subscribe"
_ALERT_PATH = "/microsoft.security/alert/subscribe"


@dataclass(frozen=True, slots=True)
class LogicTrigger:
    name: str
    kind: str  # the definition's trigger type: Request, ApiConnectionWebhook, Recurrence, ...
    state: WorkflowState
    connector_path: str | None = None

    @property
    def takes(self) -> str | None:
        """What this trigger accepts when apiwatch posts to it: "recommendation", "alert",
        "any" (a plain Request trigger takes whatever is sent), or None (cannot be called)."""
        path = (self.connector_path or "").lower()
        if self.kind.lower() == "apiconnectionwebhook":
            if path.endswith(_RECOMMENDATION_PATH):
                return "recommendation"
            if path.endswith(_ALERT_PATH):
                return "alert"
            return None
        if self.kind.lower() == "request":
            return "any"
        return None


@dataclass(frozen=True, slots=True)
class LogicApp:
    id: str
    subscription_id: str
    resource_group: str | None
    name: str
    location: str | None
    state: WorkflowState
    triggers: tuple[LogicTrigger, ...] = ()

    @property
    def key(self) -> str:
        return normalize(self.id)

    @property
    def enabled(self) -> bool:
        return self.state is WorkflowState.ENABLED


@dataclass(frozen=True, slots=True)
class SecurityAutomation:
    id: str
    subscription_id: str
    resource_group: str | None
    name: str
    enabled: bool
    event_sources: tuple[str, ...]
    logic_app_ids: tuple[str, ...]
    description: str | None = None
