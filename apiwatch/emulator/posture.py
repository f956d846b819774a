"""Assessments (recommendation results) and assessment metadata, derived from tenant state.

Statuses are computed from the operations, APIs and services, so they always agree with the
collection counters; dates are derived from a hash of the assessment id so that rebuilding a
subscription's list after onboarding keeps every unchanged assessment byte-identical.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from .catalogue import (
    KEY_ENCRYPTED_PROTOCOLS,
    KEY_UNAUTHENTICATED,
    KEY_UNUSED,
    Recommendation,
    invented_key,
    recommendation,
    recommendations,
)
from .tenant import Api, ApimService, Assessment, Operation, Subscription

REC_DEFENDER_ENABLED = recommendation("Microsoft Defender for APIs should be enabled")
REC_ONBOARDED = recommendation("Azure API Management APIs should be onboarded")
REC_PUBLIC_CONFIG = recommendation("API Management should disable public network access")
REC_MIN_VERSION = recommendation("API Management minimum API version")
REC_DIRECT_MGMT = recommendation("API Management direct management endpoint")
REC_SCOPED_ALL = recommendation("API Management subscriptions should not be scoped")
REC_BACKEND_CERT = recommendation("API Management calls to API backends should not bypass")
REC_BACKEND_AUTH = recommendation("API Management calls to API backends should be authenticated")
REC_NAMED_VALUES = recommendation("API Management secret named values")
REC_UNAUTH = next(r for r in recommendations() if r.key == KEY_UNAUTHENTICATED)
REC_UNUSED = next(r for r in recommendations() if r.key == KEY_UNUSED)
REC_PROTOCOLS = next(r for r in recommendations() if r.key == KEY_ENCRYPTED_PROTOCOLS)


@dataclass(frozen=True)
class MetadataEntry:
    key: str
    display_name: str
    severity: str
    description: str
    remediation: str
    categories: tuple[str, ...]
    threats: tuple[str, ...]
    user_impact: str
    implementation_effort: str
    policy_definition_id: str | None
    key_invented: bool = False


# Unrelated recommendations so a metadata list is not only about APIs. The first two keys and
# texts are those of Microsoft's published examples; the storage keys are INVENTED.
UNRELATED_METADATA = (
    MetadataEntry(
        "21300918-b2e3-0346-785f-c77ff57d243b",
        "Install endpoint protection solution on virtual machine scale sets",
        "Medium",
        "Install an endpoint protection solution on your virtual machines scale sets, to "
        "protect them from threats and vulnerabilities.",
        "To install an endpoint protection solution, follow the instructions in How do I turn "
        "on antimalware in my virtual machine scale set.",
        ("Compute",),
        ("dataExfiltration", "dataSpillage", "maliciousInsider"),
        "Low",
        "Low",
        "/providers/Microsoft.Authorization/policyDefinitions/26a828e1-e88f-464e-bbb3-c134a282b9de",
    ),
    MetadataEntry(
        "bc303248-3d14-44c2-96a0-55f5c326b5fe",
        "Close management ports on your virtual machines",
        "Medium",
        "Open remote management ports expose your VM to a high level of risk from "
        "internet-based attacks that attempt to brute force credentials to gain admin access "
        "to the machine.",
        "Edit the inbound rules of the virtual machines to restrict access to specific source "
        "ranges.<br>Change the 'Action' of rules that allow management ports to 'Deny'.",
        ("Networking",),
        ("dataExfiltration", "dataSpillage", "maliciousInsider"),
        "Low",
        "Low",
        "/providers/Microsoft.Authorization/policyDefinitions/22730e10-96f6-4aac-ad84-9383d35b5917",
    ),
    MetadataEntry(
        invented_key("Secure transfer to storage accounts should be enabled"),
        "Secure transfer to storage accounts should be enabled",
        "High",
        "Secure transfer forces the storage account to accept requests only over HTTPS.",
        "Enable 'Secure transfer required' in the storage account configuration.",
        ("Data",),
        ("dataExfiltration",),
        "Low",
        "Low",
        None,
        True,
    ),
    MetadataEntry(
        invented_key("Storage accounts should restrict network access"),
        "Storage accounts should restrict network access",
        "Low",
        "Unrestricted network access lets any address reach the storage account.",
        "Add virtual network rules or IP rules and set the default action to Deny.",
        ("Networking",),
        ("dataExfiltration", "dataSpillage"),
        "Moderate",
        "Low",
        None,
        True,
    ),
)
VMSS_KEY, VM_PORTS_KEY, STORAGE_TLS_KEY, STORAGE_NET_KEY = (m.key for m in UNRELATED_METADATA)


def _classify(rec: Recommendation) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
    name = rec.display_name.lower()
    if "authenticat" in name:
        return ("IdentityAndAccess",), ("accountBreach", "dataExfiltration"), "Moderate", "Moderate"
    if "encrypted" in name or "certificate" in name:
        return ("Data",), ("dataSpillage", "dataExfiltration"), "Low", "Low"
    if "network" in name or "management endpoint" in name:
        return ("Networking",), ("threatResistance",), "Moderate", "Moderate"
    if "enabled" in name or "onboarded" in name:
        return ("AppServices",), ("missingCoverage",), "Low", "Low"
    if "unused" in name:
        return ("AppServices",), ("threatResistance",), "Moderate", "Low"
    return ("AppServices",), ("threatResistance",), "Low", "Moderate"


def metadata_entries() -> list[MetadataEntry]:
    out = []
    for rec in recommendations():
        categories, threats, impact, effort = _classify(rec)
        out.append(
            MetadataEntry(
                key=rec.key,
                display_name=rec.display_name,
                severity=rec.severity,
                description=rec.description,
                remediation=rec.remediation,
                categories=categories,
                threats=threats,
                user_impact=impact,
                implementation_effort=effort,
                policy_definition_id=rec.policy_definition_id,
                key_invented=rec.key_invented,
            )
        )
    return out + list(UNRELATED_METADATA)


def _hash(text: str) -> int:
    return zlib.crc32(text.encode())


def _assessment(
    rec_key: str,
    display_name: str,
    resource_id: str,
    code: str,
    now: datetime,
    cause: str | None = None,
    description: str | None = None,
    additional: dict[str, str] | None = None,
) -> Assessment:
    h = _hash(resource_id + rec_key)
    first = now - timedelta(days=30 + h % 300, seconds=h % 86_400)
    change = first + timedelta(days=h % 29, seconds=(h >> 8) % 3_600)
    return Assessment(
        key=rec_key,
        resource_id=resource_id,
        status_code=code,
        display_name=display_name,
        cause=cause,
        description=description,
        first_evaluation=first,
        status_change=change,
        capitalised_details=h % 3 == 0,
        additional_data=additional,
    )


def operation_assessments(op: Operation, now: datetime) -> list[Assessment]:
    if op.awaiting_data:
        why = "No traffic has been observed on this endpoint since it was onboarded."
        return [
            _assessment(
                REC_UNAUTH.key,
                REC_UNAUTH.display_name,
                op.id,
                "NotApplicable",
                now,
                "AwaitingData",
                why,
            ),
            _assessment(
                REC_UNUSED.key,
                REC_UNUSED.display_name,
                op.id,
                "NotApplicable",
                now,
                "AwaitingData",
                why,
            ),
        ]
    unauth = "Unhealthy" if op.unauthenticated and op.active else "Healthy"
    unused = "Unhealthy" if op.inactive else "Healthy"
    return [
        _assessment(
            REC_UNAUTH.key,
            REC_UNAUTH.display_name,
            op.id,
            unauth,
            now,
            description="Calls without a subscription key, JWT, client certificate or Entra "
            "token were observed."
            if unauth == "Unhealthy"
            else None,
        ),
        _assessment(
            REC_UNUSED.key,
            REC_UNUSED.display_name,
            op.id,
            unused,
            now,
            description="No traffic in the last 30 days." if unused == "Unhealthy" else None,
        ),
    ]


def api_assessments(api: Api, now: datetime) -> list[Assessment]:
    plain = any(p in ("http", "ws") for p in api.protocols)
    out = [
        _assessment(
            REC_PROTOCOLS.key,
            REC_PROTOCOLS.display_name,
            api.id,
            "Unhealthy" if plain else "Healthy",
            now,
        ),
        _assessment(
            REC_ONBOARDED.key,
            REC_ONBOARDED.display_name,
            api.id,
            "Healthy" if api.onboarded else "Unhealthy",
            now,
        ),
    ]
    if api.onboarded:
        for op in api.operations:
            out.extend(operation_assessments(op, now))
    return out


def service_assessments(svc: ApimService, now: datetime) -> list[Assessment]:
    h = _hash(svc.id)
    public = svc.public_network_access == "Enabled" and svc.virtual_network_type == "None"
    return [
        _assessment(
            REC_PUBLIC_CONFIG.key,
            REC_PUBLIC_CONFIG.display_name,
            svc.id,
            "Unhealthy" if public else "Healthy",
            now,
        ),
        _assessment(
            REC_MIN_VERSION.key,
            REC_MIN_VERSION.display_name,
            svc.id,
            "Unhealthy" if h % 4 == 0 else "Healthy",
            now,
        ),
        _assessment(
            REC_DIRECT_MGMT.key,
            REC_DIRECT_MGMT.display_name,
            f"{svc.id}/tenant/access",
            "Unhealthy" if h % 5 == 0 else "Healthy",
            now,
        ),
        # The built-in "master" subscription is scoped to all APIs on every APIM instance.
        _assessment(
            REC_SCOPED_ALL.key,
            REC_SCOPED_ALL.display_name,
            f"{svc.id}/subscriptions/master",
            "Unhealthy",
            now,
        ),
        _assessment(
            REC_BACKEND_CERT.key,
            REC_BACKEND_CERT.display_name,
            f"{svc.id}/backends/legacy-backend",
            "Unhealthy" if h % 3 == 0 else "Healthy",
            now,
        ),
        _assessment(
            REC_BACKEND_AUTH.key,
            REC_BACKEND_AUTH.display_name,
            f"{svc.id}/backends/legacy-backend",
            "Unhealthy" if h % 2 == 0 else "Healthy",
            now,
        ),
        _assessment(
            REC_NAMED_VALUES.key,
            REC_NAMED_VALUES.display_name,
            f"{svc.id}/namedValues/backend-key",
            "Unhealthy" if h % 3 == 1 else "Healthy",
            now,
        ),
    ]


def unrelated_assessments(sub: Subscription, now: datetime) -> list[Assessment]:
    names = {m.key: m.display_name for m in UNRELATED_METADATA}
    out = []
    for res in sub.unrelated:
        h = _hash(res.id)
        if res.kind == "vm":
            out.append(
                _assessment(
                    VM_PORTS_KEY,
                    names[VM_PORTS_KEY],
                    res.id,
                    "Unhealthy" if h % 3 == 0 else "Healthy",
                    now,
                )
            )
        elif res.kind == "vmss":
            if h % 4 == 0:
                out.append(
                    _assessment(
                        VMSS_KEY,
                        names[VMSS_KEY],
                        res.id,
                        "NotApplicable",
                        now,
                        "OffByPolicy",
                        "The effective policy for the assessment was evaluated to off - use "
                        "Microsoft.Authorization/policyAssignments to turn this assessment on",
                    )
                )
            else:
                out.append(_assessment(VMSS_KEY, names[VMSS_KEY], res.id, "Healthy", now))
        else:
            out.append(
                _assessment(
                    STORAGE_TLS_KEY,
                    names[STORAGE_TLS_KEY],
                    res.id,
                    "Unhealthy" if h % 5 == 0 else "Healthy",
                    now,
                )
            )
            out.append(
                _assessment(
                    STORAGE_NET_KEY,
                    names[STORAGE_NET_KEY],
                    res.id,
                    "Unhealthy" if h % 2 == 0 else "Healthy",
                    now,
                )
            )
    return out


def subscription_assessments(sub: Subscription, now: datetime) -> list[Assessment]:
    """Every assessment of the subscription, API ones and unrelated ones shuffled together."""
    out = [
        _assessment(
            REC_DEFENDER_ENABLED.key,
            REC_DEFENDER_ENABLED.display_name,
            f"/subscriptions/{sub.subscription_id}",
            "Healthy",
            now,
        )
    ]
    for svc in sub.services:
        out.extend(service_assessments(svc, now))
        for api in svc.apis:
            out.extend(api_assessments(api, now))
    out.extend(unrelated_assessments(sub, now))
    random.Random(_hash(sub.subscription_id)).shuffle(out)
    return out
