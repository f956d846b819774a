"""Open enumerations: Azure marks every Microsoft.Security enum `modelAsString`, so new values
appear without notice. An unknown value becomes a pseudo-member that keeps the raw string, so it
can be stored, compared and shown, and never raises."""

from __future__ import annotations

from enum import Enum
from typing import Any


class OpenEnum(str, Enum):
    """A str enum that accepts any string: unknown values keep their text and report `known`."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = "UNKNOWN"
        pseudo._value_ = value
        return pseudo

    @classmethod
    def parse(cls, value: object, default: str = "Unknown") -> Any:
        """Read a wire value; None or a non-string becomes `default` (kept, never raised)."""
        if isinstance(value, Enum):
            value = value.value
        if not isinstance(value, str) or not value:
            value = default
        # a known value straight from the map: the enum call costs more, 200,000 times a refresh
        member = cls._value2member_map_.get(value)
        return member if member is not None else cls(value)

    @property
    def known(self) -> bool:
        return self._name_ != "UNKNOWN"

    def __str__(self) -> str:
        return self.value


class Severity(OpenEnum):
    """Alert severities (2022-01-01) and recommendation severities (which add Critical)."""

    INFORMATIONAL = "Informational"
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    CRITICAL = "Critical"
    UNKNOWN_SEVERITY = "Unknown"

    @property
    def rank(self) -> int:
        """Sort key, highest first when reversed; an unknown value ranks beside High so that a
        severity Azure added later is never buried under Informational noise."""
        return _SEVERITY_RANK.get(self._name_, 3)


_SEVERITY_RANK = {
    "UNKNOWN_SEVERITY": 0,
    "INFORMATIONAL": 1,
    "LOW": 2,
    "MEDIUM": 3,
    "HIGH": 4,
    "CRITICAL": 5,
}


class AlertStatus(OpenEnum):
    ACTIVE = "Active"
    IN_PROGRESS = "InProgress"
    RESOLVED = "Resolved"
    DISMISSED = "Dismissed"
    UNKNOWN_STATUS = "Unknown"

    @property
    def is_open(self) -> bool:
        """Unknown states count as open: hiding an alert we cannot classify is the worse error.
        By value: counting 20,000 alerts asks this 20,000 times, and comparing members hashes
        them in Python."""
        return self._value_ not in _CLOSED


_CLOSED = frozenset({AlertStatus.RESOLVED.value, AlertStatus.DISMISSED.value})


class AssessmentStatus(OpenEnum):
    HEALTHY = "Healthy"
    UNHEALTHY = "Unhealthy"
    NOT_APPLICABLE = "NotApplicable"
    UNKNOWN_STATUS = "Unknown"


class ProvisioningState(OpenEnum):
    SUCCEEDED = "Succeeded"
    CREATING = "Creating"
    UPDATING = "Updating"
    DELETING = "Deleting"
    FAILED = "Failed"
    CANCELED = "Canceled"
    IN_PROGRESS = "InProgress"
    UNKNOWN_STATE = "Unknown"


class Health(OpenEnum):
    """An endpoint's health as the console shows it, derived from its assessments."""

    HEALTHY = "Healthy"
    UNHEALTHY = "Unhealthy"
    NOT_APPLICABLE = "NotApplicable"
    UNKNOWN_HEALTH = "Unknown"


class WorkflowState(OpenEnum):
    ENABLED = "Enabled"
    DISABLED = "Disabled"
    SUSPENDED = "Suspended"
    DELETED = "Deleted"
    NOT_SPECIFIED = "NotSpecified"
    UNKNOWN_STATE = "Unknown"
