"""Recommendations: assessments (2021-06-01, what the SDK's profile sends) and their metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import AssessmentMetadata, AssessmentStatus, Recommendation, Severity
from .pages import Listing, RawPages, raw_operations
from .session import ArmSession
from .wire import ci, props, required_text, strings, text, timestamp


def parse_assessment(item: Mapping[str, Any]) -> Recommendation:
    assessment_id = required_text(item, "id")
    p = props(item)
    details = ci(p, "resourceDetails")
    details = details if isinstance(details, Mapping) else {}
    # Live Azure spells `Id`/`Source`; the published examples `id`/`source`: read both.
    resource_id = text(details, "id") or assessment_id.split("/providers/Microsoft.Security/")[0]
    status = ci(p, "status")
    status = status if isinstance(status, Mapping) else {}
    meta = ci(p, "metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    links = ci(p, "links")
    links = links if isinstance(links, Mapping) else {}
    key = text(item, "name") or assessment_id.rsplit("/", 1)[-1]
    return Recommendation(
        odd_id=Recommendation.odd(assessment_id, resource_id, key),
        key=key,
        resource_id=resource_id,
        display_name=text(p, "displayName") or text(meta, "displayName") or "",
        status=AssessmentStatus.parse(text(status, "code")),
        cause=text(status, "cause"),
        status_description=text(status, "description"),
        first_evaluated=timestamp(status, "firstEvaluationDate"),
        status_changed=timestamp(status, "statusChangeDate"),
        severity=Severity.parse(text(meta, "severity")),
        description=text(meta, "description"),
        remediation=text(meta, "remediationDescription"),
        portal_uri=text(links, "azurePortalUri") or text(links, "azurePortal"),
    )


def parse_metadata(item: Mapping[str, Any]) -> AssessmentMetadata:
    p = props(item)
    return AssessmentMetadata(
        key=required_text(item, "name"),
        display_name=text(p, "displayName") or "",
        severity=Severity.parse(text(p, "severity")),
        description=text(p, "description"),
        remediation=text(p, "remediationDescription"),
        categories=strings(p, "categories"),
        policy_definition_id=text(p, "policyDefinitionId"),
        assessment_type=text(p, "assessmentType"),
    )


async def list_assessments(session: ArmSession, subscription_id: str,
                           previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous)
    client = session.security(subscription_id)
    scope = f"subscriptions/{subscription_id}"
    pager = raw_operations(client.assessments).list(scope, **pages.options())
    await pages.drain(pager)
    return pages


async def list_metadata(session: ArmSession, subscription_id: str) -> RawPages:
    """Tenant-wide metadata (the SDK client wants a subscription, the route does not use it)."""
    pages = RawPages()
    client = session.security(subscription_id)
    await pages.drain(raw_operations(client.assessments_metadata).list())
    return pages
