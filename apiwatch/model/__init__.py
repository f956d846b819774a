"""Typed, immutable domain objects. No I/O, no Azure SDK, no Textual."""

from .alerts import Alert, AlertEntity, SensitivityContext
from .arm_id import ArmId, normalize
from .automation import LogicApp, LogicTrigger, SecurityAutomation
from .enums import (
    AlertStatus,
    AssessmentStatus,
    Health,
    OpenEnum,
    ProvisioningState,
    Severity,
    WorkflowState,
)
from .findings import KEY_UNAUTHENTICATED, KEY_UNUSED, AssessmentMetadata, Recommendation
from .inventory import (
    ApiCollection,
    ApimApi,
    ApimService,
    Endpoint,
    EndpointInsight,
    Subscription,
)
from .snapshot import ReadProgress, Snapshot, SourceFailure, SourceHealth, endpoint_health
from .sources import Kind, Scope, Source, SourceStatus

__all__ = [
    "KEY_UNAUTHENTICATED",
    "KEY_UNUSED",
    "Alert",
    "AlertEntity",
    "AlertStatus",
    "ApiCollection",
    "ApimApi",
    "ApimService",
    "ArmId",
    "AssessmentMetadata",
    "AssessmentStatus",
    "Endpoint",
    "EndpointInsight",
    "Health",
    "Kind",
    "LogicApp",
    "LogicTrigger",
    "OpenEnum",
    "ProvisioningState",
    "ReadProgress",
    "Recommendation",
    "Scope",
    "SecurityAutomation",
    "SensitivityContext",
    "Severity",
    "Snapshot",
    "Source",
    "SourceFailure",
    "SourceHealth",
    "SourceStatus",
    "Subscription",
    "WorkflowState",
    "endpoint_health",
    "normalize",
]
