"""The API inventory: subscriptions, APIM services, APIs, endpoints (APIM operations) and the
Defender for APIs collections that cover them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .arm_id import api_key_of, normalize
from .enums import ProvisioningState


@dataclass(frozen=True, slots=True)
class Subscription:
    subscription_id: str
    display_name: str
    state: str = "Enabled"
    tenant_id: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.subscription_id


@dataclass(frozen=True, slots=True)
class ApiCollection:
    """A `Microsoft.Security/apiCollections` resource: one onboarded APIM API. The spec marks every
    property optional (an older revision lacked the counters' siblings), so counters may be None."""

    id: str
    subscription_id: str
    resource_group: str | None
    service_name: str | None
    api_name: str
    display_name: str
    base_url: str | None
    discovered_via: str | None
    provisioning_state: ProvisioningState
    endpoints: int | None
    inactive: int | None
    unauthenticated: int | None
    external: int | None
    sensitive: int | None
    sensitivity_label: str | None
    # Join key of the APIM API this collection covers (service id + /apis/ + api name). Derived
    # once: each snapshot shown during a large tenant's first read joined 2,000 of them anew.
    api_key: str = field(default="", init=False, compare=False)

    def __post_init__(self) -> None:
        if self.discovered_via:
            key = normalize(f"{self.discovered_via}/apis/{self.api_name}")
        else:
            prefix = self.id.lower().split("/providers/microsoft.security/")[0]
            key = normalize(f"{prefix}/apis/{self.api_name}")
        object.__setattr__(self, "api_key", key)


@dataclass(frozen=True, slots=True)
class ApimService:
    id: str
    subscription_id: str
    resource_group: str | None
    name: str
    location: str | None
    gateway_url: str | None
    sku: str | None
    virtual_network_type: str | None
    public_network_access: str | None


@dataclass(frozen=True, slots=True)
class ApimApi:
    id: str
    subscription_id: str
    resource_group: str | None
    service_name: str
    name: str
    display_name: str
    path: str | None
    service_url: str | None
    protocols: tuple[str, ...]
    api_revision: str | None
    is_current: bool | None
    key: str = field(default="", init=False, compare=False)  # derived once, as api_key above

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", normalize(self.id))

    @property
    def uses_unencrypted_protocol(self) -> bool:
        return any(p.lower() in ("http", "ws") for p in self.protocols)


@dataclass(frozen=True, slots=True)
class EndpointInsight:
    """Per-endpoint observations from Azure Resource Graph (undocumented, best-effort). Each field
    is None when Azure did not say: the console shows "unknown", never a guess."""

    active: bool | None = None
    authenticated: bool | None = None
    external: bool | None = None
    sensitive_types: tuple[str, ...] | None = None
    discovered: datetime | None = None
    last_called: datetime | None = None

    @property
    def has_sensitive_data(self) -> bool | None:
        return None if self.sensitive_types is None else bool(self.sensitive_types)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An API endpoint: an APIM operation (`.../service/{s}/apis/{a}/operations/{o}`)."""

    id: str
    subscription_id: str
    resource_group: str | None
    service_name: str
    api_name: str
    name: str
    display_name: str
    method: str
    url_template: str

    # Derived once (an interned string, one per API): counts and groups over 40,000 endpoints
    # ask for it on the first screens.
    api_key: str = field(default="", init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_key", api_key_of(normalize(self.id)))

    @property
    def key(self) -> str:
        return normalize(self.id)
