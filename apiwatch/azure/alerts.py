"""Security alerts (`Microsoft.Security/alerts`, 2022-01-01)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..model import Alert, AlertEntity, AlertStatus, ArmId, Severity
from .pages import Listing, RawPages, raw_operations
from .session import ArmSession
from .wire import boolean, ci, props, required_text, strings, text, timestamp


def _resource_ids(p: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    identifiers = ci(p, "resourceIdentifiers")
    for ident in identifiers if isinstance(identifiers, list) else ():
        if isinstance(ident, Mapping):
            rid = text(ident, "azureResourceId")
            if rid:
                found.append(rid)
    return tuple(dict.fromkeys(found))


def _is_type(key: object) -> bool:
    return isinstance(key, str) and key.casefold() == "type"


def _entities(p: Mapping[str, Any]) -> tuple[AlertEntity, ...]:
    """Entities in either shape the alert list returns: camelCase (`type`, `address`) or
    PascalCase with `$id`s (`Type`, `Address`); fields keep Azure's spelling, read with
    `AlertEntity.get`. An item that is only a `$ref` names an entity listed in full elsewhere."""
    raw = ci(p, "entities")
    entities = []
    for entity in raw if isinstance(raw, list) else ():
        if isinstance(entity, Mapping) and set(entity) != {"$ref"}:
            fields = {k: v for k, v in entity.items() if not _is_type(k)}
            kind = text(entity, "type") or "unknown"
            entities.append(AlertEntity(kind, MappingProxyType(fields)))
    return tuple(entities)


def _string_map(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        return MappingProxyType({})
    return MappingProxyType({sys.intern(str(k)): "" if v is None else sys.intern(str(v))
                             for k, v in value.items()})


def parse_alert(item: Mapping[str, Any]) -> Alert:
    alert_id = required_text(item, "id")
    arm = ArmId.parse(alert_id)
    p = props(item)
    links = ci(p, "extendedLinks")
    evidence = ci(p, "supportingEvidence")
    return Alert(
        id=alert_id,
        name=text(item, "name") or arm.name,
        subscription_id=arm.subscription_id or "",
        resource_group=arm.resource_group,
        location=arm.name_of("locations"),
        alert_type=text(p, "alertType") or "",
        display_name=text(p, "alertDisplayName") or text(p, "alertType") or "",
        description=text(p, "description") or "",
        severity=Severity.parse(text(p, "severity")),
        status=AlertStatus.parse(text(p, "status")),
        intent=text(p, "intent"),
        start_time=timestamp(p, "startTimeUtc"),
        end_time=timestamp(p, "endTimeUtc"),
        time_generated=timestamp(p, "timeGeneratedUtc"),
        processing_end_time=timestamp(p, "processingEndTimeUtc"),
        compromised_entity=text(p, "compromisedEntity"),
        resource_ids=_resource_ids(p),
        remediation_steps=strings(p, "remediationSteps"),
        entities=_entities(p),
        extended_properties=_string_map(ci(p, "extendedProperties")),
        extended_links=tuple(
            _string_map(link) for link in (links if isinstance(links, list) else ())
            if isinstance(link, Mapping)
        ),
        alert_uri=text(p, "alertUri"),
        is_incident=boolean(p, "isIncident"),
        correlation_key=text(p, "correlationKey"),
        techniques=strings(p, "techniques"),
        sub_techniques=strings(p, "subTechniques"),
        product_name=text(p, "productName"),
        product_component=text(p, "productComponentName"),
        vendor_name=text(p, "vendorName"),
        system_alert_id=text(p, "systemAlertId"),
        supporting_evidence=MappingProxyType(dict(evidence)) if isinstance(evidence, Mapping)
        else None,
    )


def prefer(kept: Alert, again: Alert) -> Alert:
    """The same alert listed twice (the list's two shapes): the one that gives its severity,
    else the first."""
    if kept.severity is Severity.UNKNOWN_SEVERITY and again.severity is not kept.severity:
        return again
    return kept


async def list_alerts(session: ArmSession, subscription_id: str,
                      previous: Listing | None = None) -> RawPages:
    pages = RawPages(previous)
    client = session.security(subscription_id)
    await pages.drain(raw_operations(client.alerts).list(**pages.options()))
    return pages
