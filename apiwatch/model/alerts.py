"""Security alerts (Microsoft.Security alerts, api-version 2022-01-01)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .arm_id import api_key_of, normalize
from .enums import AlertStatus, Severity

_EMPTY: Mapping[str, Any] = MappingProxyType({})

# The docs give the sensitivity context's display names, not its JSON keys; match loosely:
# folded to letters and digits, so "Top sensitivity label" and "TopSensitivityLabel" (the shape
# the alert list also returns, PascalCase inside) are the same key.
_SENSITIVITY_KEYS = {
    "scan_time": ("sensitivityscanningtimeutc",),
    "top_label": ("topsensitivitylabel",),
    "information_types": ("sensitiveinformationtypes",),
    "file_types": ("sensitivefiletypes",),
}


def _fold(key: str) -> str:
    return "".join(c for c in key.casefold() if c.isalnum())


def get_ci(mapping: Mapping[str, Any], key: str) -> Any:
    """`mapping[key]`, else the same key in another case: the alert list answers the same alert
    in two shapes, camelCase (`address`) and PascalCase (`Address`) inside its entities."""
    value = mapping.get(key)
    if value is not None:
        return value
    folded = key.casefold()
    return next((v for k, v in mapping.items() if isinstance(k, str) and k.casefold() == folded),
                None)


@dataclass(frozen=True, slots=True)
class AlertEntity:
    type: str
    fields: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def get(self, key: str) -> Any:
        """A field in either shape (`address` or `Address`)."""
        return get_ci(self.fields, key)

    @property
    def summary(self) -> str:
        """One line a human can read: the entity's most telling field."""
        for key in ("address", "azureResourceId", "resourceId", "hostName", "name", "url", "value"):
            value = self.get(key)
            if isinstance(value, str) and value:
                return value
        return ""

    @property
    def place(self) -> str:
        """Where an IP entity's geolocation puts it ("Paris, FR, 3215"), or ""."""
        location = self.get("location")
        if not isinstance(location, Mapping):
            return ""
        bits = (get_ci(location, k) for k in ("city", "countryCode", "asn"))
        return ", ".join(str(b) for b in bits if b is not None)


@dataclass(frozen=True, slots=True)
class SensitivityContext:
    scan_time: str | None = None
    top_label: str | None = None
    information_types: str | None = None
    file_types: str | None = None

    @property
    def present(self) -> bool:
        return any((self.scan_time, self.top_label, self.information_types, self.file_types))


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    name: str
    subscription_id: str
    resource_group: str | None
    location: str | None
    alert_type: str
    display_name: str
    description: str
    severity: Severity
    status: AlertStatus
    intent: str | None
    start_time: datetime | None
    end_time: datetime | None
    time_generated: datetime | None
    processing_end_time: datetime | None
    compromised_entity: str | None
    resource_ids: tuple[str, ...] = ()
    remediation_steps: tuple[str, ...] = ()
    entities: tuple[AlertEntity, ...] = ()
    extended_properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    extended_links: tuple[Mapping[str, str], ...] = ()
    alert_uri: str | None = None
    is_incident: bool | None = None
    correlation_key: str | None = None
    techniques: tuple[str, ...] = ()
    sub_techniques: tuple[str, ...] = ()
    product_name: str | None = None
    product_component: str | None = None
    vendor_name: str | None = None
    system_alert_id: str | None = None
    supporting_evidence: Mapping[str, Any] | None = field(default=None)
    # Derived once: every screen, count and seen-set joins on these, 20,000 alerts at a time.
    key: str = field(default="", init=False, compare=False)
    resource_keys: tuple[str, ...] = field(default=(), init=False, compare=False)
    api_keys: tuple[str, ...] = field(default=(), init=False, compare=False)  # APIs concerned

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", normalize(self.id))
        keys = tuple(dict.fromkeys(normalize(r) for r in self.resource_ids))
        object.__setattr__(self, "resource_keys", keys)
        object.__setattr__(self, "api_keys", tuple(dict.fromkeys(
            api_key_of(k) for k in keys if "/apis/" in k)))

    def worth_notifying(self, floor: Severity) -> bool:
        """At or above `floor`. An alert whose severity is not known is always worth it: the
        alert list also answers alerts without `severity`, and those must not fall under the
        floor unseen (nor a severity Azure adds later)."""
        severity = self.severity
        if severity is Severity.UNKNOWN_SEVERITY or not severity.known:
            return True
        return severity.rank >= floor.rank

    @property
    def is_api(self) -> bool:
        """A Defender for APIs detection (alert types `API_*`)."""
        return self.alert_type.upper().startswith("API_") or (
            (self.product_component or "").lower() == "apis"
        )

    @property
    def tactics(self) -> tuple[str, ...]:
        """MITRE tactics: `intent` is a comma-separated list on the wire."""
        if not self.intent:
            return ()
        return tuple(t.strip() for t in self.intent.split(",") if t.strip())

    @property
    def sensitivity(self) -> SensitivityContext:
        folded = {_fold(k): v for k, v in self.extended_properties.items()}
        found = {
            attr: next((folded[k] for k in keys if k in folded), None)
            for attr, keys in _SENSITIVITY_KEYS.items()
        }
        return SensitivityContext(**found)
