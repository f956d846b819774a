"""What Defender for Cloud itself sends to a logic app's trigger, built from what apiwatch read:
the assessment event for a recommendation, the alert event (PascalCase) for an alert. Shapes from
Microsoft's workflow-automation schemas (shared/defender-workflow-samples/generic/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..model import Alert, AssessmentMetadata, Recommendation
from ..model.arm_id import ArmId

PORTAL_RECOMMENDATION = (
    "https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/"
)


def _time(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def recommendation_payload(
    rec: Recommendation, meta: AssessmentMetadata | None = None
) -> dict[str, Any]:
    portal = rec.portal_uri or PORTAL_RECOMMENDATION + rec.key
    return {
        "id": rec.id,
        "name": rec.key,
        "type": "Microsoft.Security/assessments",
        "properties": {
            "resourceDetails": {"source": "Azure", "id": rec.resource_id},
            "displayName": rec.display_name,
            "status": {
                "code": rec.status.value,
                **({"cause": rec.cause} if rec.cause else {}),
                **({"description": rec.status_description} if rec.status_description else {}),
            },
            "additionalData": {},
            "metadata": {
                "displayName": rec.display_name,
                "assessmentType": (meta.assessment_type if meta else None) or "BuiltIn",
                "policyDefinitionId": (meta.policy_definition_id if meta else None) or "",
                "description": rec.description or "",
                "remediationDescription": rec.remediation or "",
                "severity": rec.severity.value,
            },
            # Both spellings: Microsoft's own playbooks read one or the other.
            "links": {"azurePortal": portal, "azurePortalUri": portal},
        },
    }


def alert_payload(alert: Alert) -> dict[str, Any]:
    resource = alert.resource_ids[0] if alert.resource_ids else ""
    subscription = ArmId.parse(resource).subscription_id if resource else alert.subscription_id
    return {
        "VendorName": alert.vendor_name or "Microsoft",
        "AlertType": alert.alert_type,
        "StartTimeUtc": _time(alert.start_time),
        "EndTimeUtc": _time(alert.end_time),
        "ProcessingEndTime": _time(alert.processing_end_time),
        "TimeGenerated": _time(alert.time_generated),
        "IsIncident": bool(alert.is_incident),
        "Severity": alert.severity.value,
        # The published schema requires `ReportedSeverity` though it names the property
        # `Severity`; sending both satisfies either reading.
        "ReportedSeverity": alert.severity.value,
        "Status": alert.status.value,
        "ProductName": alert.product_name or "Microsoft Defender for Cloud",
        "SystemAlertId": alert.system_alert_id or alert.name,
        "AzureResourceId": resource,
        "AzureResourceSubscriptionId": subscription or alert.subscription_id,
        # Log Analytics fields: empty for API alerts, which come from no agent.
        "WorkspaceId": "",
        "WorkspaceSubscriptionId": "",
        "WorkspaceResourceGroup": "",
        "AgentId": "",
        "CompromisedEntity": alert.compromised_entity or "",
        "Intent": alert.intent or "",
        "AlertDisplayName": alert.display_name,
        "Description": alert.description,
        "RemediationSteps": list(alert.remediation_steps),
        "ExtendedProperties": dict(alert.extended_properties),
        "Entities": [{"type": e.type, **dict(e.fields)} for e in alert.entities],
        "ResourceIdentifiers": [
            {"Type": "AzureResource", "AzureResourceId": rid} for rid in alert.resource_ids
        ],
        "AlertUri": alert.alert_uri or "",
    }
