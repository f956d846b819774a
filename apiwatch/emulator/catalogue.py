"""The Defender for APIs catalogue (alert types and recommendations) shipped with the package.

The JSON files are research data copied into the package; they are read through
importlib.resources so an installed wheel works without the source tree.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# A fixed namespace so invented keys are the same on every machine and every run.
_INVENTED_KEY_NAMESPACE = uuid.UUID("5b1c1f0e-7f5e-4c1a-9a57-6170697761a1")

KEY_UNAUTHENTICATED = "91af2040-7874-4659-abf0-578e1f8d07dc"
KEY_UNUSED = "4e8c00a2-e8bc-42a8-9e12-99584a51ad10"
KEY_ENCRYPTED_PROTOCOLS = "741b141d-8111-4d86-a4e0-f74b06270a74"


def invented_key(display_name: str) -> str:
    """A deterministic assessment key for a recommendation whose real key is unknown.

    These keys are INVENTED by the emulator (uuid5 of the display name); no Azure tenant
    uses them. Clients must not hard-code them.
    """
    return str(uuid.uuid5(_INVENTED_KEY_NAMESPACE, display_name))


@dataclass(frozen=True)
class AlertKind:
    alert_type: str
    display_name: str
    severity: str
    tactics: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Recommendation:
    """One catalogue recommendation. `key_invented` tells whether `key` came from invented_key."""

    key: str
    key_invented: bool
    display_name: str
    severity: str
    category: str
    resource_type: str
    description: str
    remediation: str
    policy_definition_id: str | None


def _load(name: str) -> list[dict[str, Any]]:
    text = resources.files("apiwatch.emulator").joinpath("data", name).read_text("utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


@cache
def alert_kinds() -> tuple[AlertKind, ...]:
    return tuple(
        AlertKind(
            alert_type=row["alertType"],
            display_name=row["displayName"],
            severity=row["severity"],
            tactics=tuple(row.get("tactics") or ()),
            description=row["description"],
        )
        for row in _load("defender-api-alerts.json")
    )


@cache
def recommendations() -> tuple[Recommendation, ...]:
    out = []
    for row in _load("defender-api-recommendations.json"):
        key = row.get("assessmentKey")
        policy = row.get("relatedPolicy") or {}
        out.append(
            Recommendation(
                key=key or invented_key(row["displayName"]),
                key_invented=key is None,
                display_name=row["displayName"],
                severity=row["severity"],
                category=row.get("category") or "",
                resource_type=row.get("resourceType") or "",
                description=row.get("description") or "",
                remediation=row.get("remediation") or "",
                policy_definition_id=(
                    f"/providers/Microsoft.Authorization/policyDefinitions/{policy['id']}"
                    if policy.get("id")
                    else None
                ),
            )
        )
    return tuple(out)


def recommendation(display_prefix: str) -> Recommendation:
    """The catalogue entry whose display name starts with `display_prefix`."""
    for rec in recommendations():
        if rec.display_name.startswith(display_prefix):
            return rec
    raise KeyError(display_prefix)


def recommendation_by_key(key: str) -> Recommendation | None:
    key = key.lower()
    return next((r for r in recommendations() if r.key == key), None)
