"""Recommendations: Defender for Cloud assessments and their metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .arm_id import ArmId, normalize
from .enums import AssessmentStatus, Severity

# Resource types whose assessments belong to Defender for APIs' view of the world.
APIM_PROVIDER = "microsoft.apimanagement/"

# Firmly sourced keys (built-in policies): see shared/domain §2.
KEY_UNAUTHENTICATED = "91af2040-7874-4659-abf0-578e1f8d07dc"
KEY_UNUSED = "4e8c00a2-e8bc-42a8-9e12-99584a51ad10"


def _usual_id(resource_id: str, key: str) -> str:
    return f"{resource_id}/providers/Microsoft.Security/assessments/{key}"


@dataclass(frozen=True, slots=True)
class AssessmentMetadata:
    key: str
    display_name: str
    severity: Severity
    description: str | None
    remediation: str | None
    categories: tuple[str, ...] = ()
    policy_definition_id: str | None = None
    assessment_type: str | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One assessment: a recommendation evaluated on one resource."""

    key: str
    resource_id: str
    display_name: str
    status: AssessmentStatus
    cause: str | None
    status_description: str | None
    first_evaluated: datetime | None
    status_changed: datetime | None
    severity: Severity
    description: str | None
    remediation: str | None
    portal_uri: str | None = None
    # The wire id only when it is not the usual `{resource}/providers/Microsoft.Security/
    # assessments/{key}`: 80,000 ids of ~250 characters each are worth deriving.
    odd_id: str | None = None
    # Derived at construction (the parse and the metadata's wrap, both run in slices): opening
    # a collection grouped 80,000 of these by resource, most of its 300 ms normalizing ids.
    resource_key: str = field(default="", init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resource_key", normalize(self.resource_id))

    @property
    def id(self) -> str:
        return self.odd_id or _usual_id(self.resource_id, self.key)

    @staticmethod
    def odd(assessment_id: str, resource_id: str, key: str) -> str | None:
        """What to keep of `assessment_id` as `odd_id`: None when it is derivable."""
        return None if assessment_id == _usual_id(resource_id, key) else assessment_id

    @property
    def resource_type(self) -> str:
        return ArmId.parse(self.resource_id).resource_type

    @property
    def is_api_related(self) -> bool:
        return APIM_PROVIDER in self.resource_id.lower()

    @property
    def subscription_id(self) -> str | None:
        return ArmId.parse(self.resource_id).subscription_id

    def with_metadata(self, meta: AssessmentMetadata | None) -> Recommendation:
        """Fill what the assessment lacks from its metadata (the list call returns no metadata)."""
        if meta is None:
            return self
        severity = self.severity
        if severity is Severity.UNKNOWN_SEVERITY:
            severity = meta.severity
        # Built field by field, not with dataclasses.replace: 80,000 of these a large tenant's
        # refresh, and replace looks the class's fields up again for each.
        return Recommendation(
            key=self.key, resource_id=self.resource_id,
            display_name=self.display_name or meta.display_name, status=self.status,
            cause=self.cause, status_description=self.status_description,
            first_evaluated=self.first_evaluated, status_changed=self.status_changed,
            severity=severity, description=self.description or meta.description,
            remediation=self.remediation or meta.remediation, portal_uri=self.portal_uri,
            odd_id=self.odd_id,
        )
