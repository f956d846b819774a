"""Builds security alerts: Defender for APIs ones on API endpoints, and a few unrelated ones."""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from .catalogue import AlertKind, alert_kinds
from .tenant import Alert, Api, ApimService, Operation, Subscription
from .vocabulary import GEOS, IP_PREFIXES, MITRE_TECHNIQUES

_DOTNET_EPOCH = datetime(1, 1, 1)
_DOTNET_MAX_TICKS = 3_155_378_975_999_999_999

# How often each Defender for APIs alert type shows up: the ML anomalies dominate, the
# reputation-based detections (Tor, threat intelligence, user agent) are rarer.
_WEIGHTS = {
    "API_PopulationSpikeInAPITraffic": 10,
    "API_SpikeInAPITraffic": 12,
    "API_SpikeInPayload": 8,
    "API_SpikeInLatency": 5,
    "API_SprayInRequests": 7,
    "API_ParameterEnumeration": 6,
    "API_DistributedParameterEnumeration": 4,
    "API_UnseenParamType": 9,
    "API_UnseenParam": 9,
    "API_AccessFromTorExitNode": 3,
    "API_AccessFromSuspiciousIP": 2,
    "API_AccessFromSuspiciousUserAgent": 3,
}

_REMEDIATION = {
    "Impact": [
        "Review the traffic of the API endpoint in API Management analytics for the alert window.",
        "If the spike is not expected, apply a rate-limit-by-key policy to the operation.",
        "Consider blocking the source IP addresses with an ip-filter policy.",
    ],
    "InitialAccess": [
        "Check whether the calls come from a known client and were expected.",
        "Validate request and response sizes and parameters with validate-content policies.",
        "Block the source IP address with an ip-filter policy if it is not trusted.",
    ],
    "Discovery": [
        "Review which endpoints were called by the source IP address.",
        "Require authentication on every endpoint of the API.",
        "Block the source IP address with an ip-filter policy if it is not trusted.",
    ],
    "PreAttack": [
        "Block the source IP address with an ip-filter policy.",
        "Review all calls made by the IP address in the last 24 hours.",
    ],
    "Execution": [
        "Check the backend logs for signs that the payload was executed.",
        "Block the source IP address and sanitise request headers at the gateway.",
    ],
}

# Unrelated alert types: (alertType, displayName, severity, intent, productComponentName)
OTHER_ALERTS = (
    ("VM_EICAR", "Azure Security Center test alert (not a threat)", "High", "Execution", "Servers"),
    (
        "Storage.Blob_SuspiciousIp",
        "Access from a suspicious IP address",
        "Medium",
        "PreAttack",
        "Storage",
    ),
    (
        "ARM_UnusualOperation",
        "Suspicious invocation of a high-risk 'Initial Access' operation detected",
        "Low",
        "InitialAccess",
        "Resource Manager",
    ),
)

# Generic sample alert per simulate bundle of the published BundleType enum.
BUNDLE_SAMPLES = {
    "AppServices": (
        "AppServices_AnomalousPageAccess",
        "Suspicious access to a web page",
        "App Service",
    ),
    "DNS": ("DNS_CurrencyMining", "Digital currency mining activity", "DNS"),
    "KeyVaults": (
        "KV_SuspiciousIPAccess",
        "Access from a suspicious IP to a key vault",
        "Key Vault",
    ),
    "KubernetesService": ("K8S_PrivilegedContainer", "Privileged container detected", "Containers"),
    "ResourceManager": (
        "ARM_MicroBurst.AzDomainInfo",
        "MicroBurst toolkit run detected",
        "Resource Manager",
    ),
    "SqlServers": ("SQL.DB_BruteForce", "Brute force attack attempt on SQL Server", "SQL"),
    "StorageAccounts": (
        "Storage.Blob_AnonymousAccessAnomaly",
        "Unusual anonymous access to a storage account",
        "Storage",
    ),
    "VirtualMachines": ("VM_EICAR", "Azure Security Center test alert (not a threat)", "Servers"),
    "CosmosDbs": (
        "CosmosDB_SqlInjection",
        "Potential SQL injection in Azure Cosmos DB",
        "Cosmos DB",
    ),
}
SAMPLE_PREFIX = "[SAMPLE ALERT] "


def system_alert_id(rng: random.Random, start: datetime) -> str:
    """An id shaped like Azure's: reversed .NET ticks of the start time, then a GUID."""
    ticks = int((start.replace(tzinfo=None) - _DOTNET_EPOCH).total_seconds() * 10_000_000)
    guid = uuid.UUID(int=rng.getrandbits(128), version=4)
    return f"{_DOTNET_MAX_TICKS - ticks}_{str(guid).upper()}"


def pick_kind(rng: random.Random) -> AlertKind:
    kinds = alert_kinds()
    return rng.choices(kinds, weights=[_WEIGHTS.get(k.alert_type, 5) for k in kinds])[0]


def _correlation_key(seed: str) -> str:
    return base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


def _pick_status(rng: random.Random) -> str:
    return rng.choices(("Active", "InProgress", "Resolved", "Dismissed"), (70, 10, 12, 8))[0]


def api_alert(
    rng: random.Random,
    sub: Subscription,
    svc: ApimService,
    api: Api,
    op: Operation,
    kind: AlertKind,
    when: datetime,
    status: str | None = None,
    sample: bool = False,
    *,
    now: datetime,
) -> Alert:
    """A Defender for APIs alert on one endpoint, seen at `when`; none of its times is after
    `now` (one seen a moment ago is generated now, not minutes ahead of the clock).

    extendedProperties: the four sensitivity keys are the display names Microsoft documents
    (their exact wire keys are unpublished); "Endpoint" and "HTTP method" are INVENTED by the
    emulator, and clients must not depend on them.
    """
    when = when - timedelta(microseconds=rng.randint(0, 999_999))
    start = when - timedelta(minutes=rng.randint(5, 45), microseconds=rng.randint(0, 999_999))
    name = system_alert_id(rng, start)
    geo = rng.choice(GEOS)
    ip = f"{rng.choice(IP_PREFIXES)}{rng.randint(1, 254)}"
    extended = {
        "Endpoint": f"{api.base_url}{op.url_template}",
        "HTTP method": op.method,
    }
    if op.sensitive_types:
        extended.update(
            {
                "Sensitivity scanning time UTC": (
                    when - timedelta(hours=rng.randint(1, 48))
                ).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
                "Top sensitivity label": op.sensitivity_label or "",
                "Sensitive information types": ", ".join(op.sensitive_types),
                "Sensitive file types": "JSON",
            }
        )
    tactic = kind.tactics[0] if kind.tactics else "Unknown"
    rg = svc.resource_group if rng.random() < 0.85 else None
    return Alert(
        name=name,
        subscription_id=sub.subscription_id,
        resource_group=rg,
        asc_location=sub.asc_location,
        alert_type=kind.alert_type,
        display_name=(SAMPLE_PREFIX if sample else "") + kind.display_name,
        description=kind.description,
        severity=kind.severity,
        status=status or _pick_status(rng),
        intent=tactic,
        resource_id=op.id,
        compromised_entity=api.display_name,
        is_api=True,
        product_component="APIs",
        start_time=start,
        end_time=when,
        time_generated=_later(when, rng.randint(30, 600), now),
        processing_end=_later(when, rng.randint(600, 900), now),
        client_ip=ip,
        geo=geo,
        extended_properties=extended,
        remediation_steps=list(_REMEDIATION.get(tactic, _REMEDIATION["Impact"])),
        techniques=list(MITRE_TECHNIQUES.get(tactic, ())),
        correlation_key=_correlation_key(f"{op.id}|{kind.alert_type}|{ip}"),
        is_sample=sample,
    )


def _later(when: datetime, seconds: int, now: datetime) -> datetime:
    """`seconds` after `when`, but never after `now`: Defender generates an alert a little after
    the activity, and never in the future."""
    return min(when + timedelta(seconds=seconds), now)


SUSPICIOUS_USER_AGENT = "API_AccessFromSuspiciousUserAgent"
# INVENTED extendedProperties key: Microsoft does not publish where the alert keeps the agent.
USER_AGENT_KEY = "User agent"


def user_agent_alert(
    rng: random.Random,
    sub: Subscription,
    svc: ApimService,
    api: Api,
    op: Operation,
    seen_at: datetime,
    raised_at: datetime,
    client_ip: str,
    user_agent: str,
) -> Alert:
    """The "Suspicious User Agent detected" alert for one gateway request Defender saw.

    Unlike the generated alerts it is about one real request: its times, caller address and
    user agent are those of the request (no geolocation: the caller is on loopback).
    """
    kind = next(k for k in alert_kinds() if k.alert_type == SUSPICIOUS_USER_AGENT)
    alert = api_alert(rng, sub, svc, api, op, kind, raised_at, status="Active", now=raised_at)
    extended = dict(alert.extended_properties)
    extended[USER_AGENT_KEY] = user_agent
    return replace(
        alert,
        name=system_alert_id(rng, seen_at),
        resource_group=svc.resource_group,
        start_time=seen_at,
        end_time=seen_at,
        time_generated=raised_at,
        processing_end=raised_at,
        client_ip=client_ip,
        geo=None,
        extended_properties=extended,
        correlation_key=_correlation_key(f"{op.id}|{SUSPICIOUS_USER_AGENT}|{client_ip}"),
    )


def other_alert(
    rng: random.Random,
    sub: Subscription,
    resource_id: str,
    spec: tuple[str, str, str, str, str],
    when: datetime,
    status: str | None = None,
    sample: bool = False,
    *,
    now: datetime,
) -> Alert:
    """An alert on a resource that is not an API, seen at `when`; none of its times after `now`."""
    alert_type, display, severity, intent, component = spec
    when = when - timedelta(microseconds=rng.randint(0, 999_999))
    start = when - timedelta(minutes=rng.randint(1, 30), microseconds=rng.randint(0, 999_999))
    parts = resource_id.split("/")
    rg = parts[4] if len(parts) > 4 and parts[3].lower() == "resourcegroups" else None
    return Alert(
        name=system_alert_id(rng, start),
        subscription_id=sub.subscription_id,
        resource_group=rg,
        asc_location=sub.asc_location,
        alert_type=alert_type,
        display_name=(SAMPLE_PREFIX if sample else "") + display,
        description=f"{display} on {parts[-1]}.",
        severity=severity,
        status=status or _pick_status(rng),
        intent=intent,
        resource_id=resource_id,
        compromised_entity=parts[-1],
        is_api=False,
        product_component=component,
        start_time=start,
        end_time=when,
        time_generated=_later(when, rng.randint(30, 600), now),
        processing_end=_later(when, rng.randint(600, 900), now),
        client_ip=f"{rng.choice(IP_PREFIXES)}{rng.randint(1, 254)}",
        geo=rng.choice(GEOS),
        remediation_steps=["Investigate the activity and the resource it targeted."],
        techniques=list(MITRE_TECHNIQUES.get(intent, ())),
        correlation_key=_correlation_key(f"{resource_id}|{alert_type}"),
        is_sample=sample,
    )
