"""The emulated tenant: plain mutable dataclasses that are both server state and test truth.

Children keep their parent's ARM id as a string rather than a reference, so equality and
repr stay cheap and acyclic (two tenants from the same seed compare equal).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .vocabulary import LABEL_PRIORITY


@dataclass(slots=True)
class Operation:
    """An APIM operation, which Defender for APIs calls an API endpoint."""

    name: str
    display_name: str
    method: str
    url_template: str
    api_id: str
    active: bool
    awaiting_data: bool
    authenticated: bool
    external: bool
    sensitive_types: tuple[str, ...]
    sensitive_sources: tuple[str, ...]
    sensitivity_label: str | None
    last_called: datetime | None
    discovered: datetime

    @property
    def id(self) -> str:
        return f"{self.api_id}/operations/{self.name}"

    @property
    def inactive(self) -> bool:
        """No traffic for 30 days; endpoints never called are "awaiting data", not inactive."""
        return not self.active and not self.awaiting_data

    @property
    def unauthenticated(self) -> bool:
        return not self.authenticated and not self.awaiting_data


@dataclass(slots=True)
class Api:
    name: str
    display_name: str
    path: str
    protocols: list[str]
    onboarded: bool
    service_id: str
    base_url: str
    service_url: str
    operations: list[Operation] = field(default_factory=list)
    api_revision: str = "1"
    # Monotonic deadline of an onboarding LRO in flight, None when none is running.
    onboarding_due: float | None = field(default=None, compare=False)
    # Defender's own endpoint count when it differs from APIM's operations (it counts the
    # endpoints it discovered); None: the operations' count, as usual.
    discovered_endpoints: int | None = None

    @property
    def id(self) -> str:
        return f"{self.service_id}/apis/{self.name}"

    @property
    def collection_id(self) -> str:
        return f"{self.service_id}/providers/Microsoft.Security/apiCollections/{self.name}"

    def counters(self) -> dict[str, Any]:
        """The apiCollections counters, derived from the operations so they agree (unless
        `discovered_endpoints` says otherwise)."""
        ops = self.operations
        labels = {op.sensitivity_label for op in ops if op.sensitivity_label}
        top = next((label for label in LABEL_PRIORITY if label in labels), None)
        return {
            "numberOfApiEndpoints": (
                len(ops) if self.discovered_endpoints is None else self.discovered_endpoints
            ),
            "numberOfInactiveApiEndpoints": sum(op.inactive for op in ops),
            "numberOfUnauthenticatedApiEndpoints": sum(op.unauthenticated for op in ops),
            "numberOfExternalApiEndpoints": sum(op.external for op in ops),
            "numberOfApiEndpointsWithSensitiveDataExposed": sum(
                bool(op.sensitive_types) for op in ops
            ),
            "sensitivityLabel": top,
        }


@dataclass(slots=True)
class ApimService:
    name: str
    resource_group: str
    subscription_id: str
    location: str
    gateway_url: str
    virtual_network_type: str
    sku_name: str
    sku_capacity: int
    created: datetime
    public_network_access: str
    apis: list[Api] = field(default_factory=list)
    # disableGateway: the gateway answers nothing (404) while ARM still lists the service.
    gateway_disabled: bool = False

    @property
    def id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.ApiManagement/service/{self.name}"
        )

    def api(self, name: str) -> Api | None:
        name = name.lower()
        return next((a for a in self.apis if a.name.lower() == name), None)


@dataclass(slots=True)
class Assessment:
    key: str
    resource_id: str
    status_code: str
    display_name: str
    cause: str | None = None
    description: str | None = None
    first_evaluation: datetime | None = None
    status_change: datetime | None = None
    # Live Azure spells resourceDetails keys "Id"/"Source"; the published examples use lower case.
    capitalised_details: bool = False
    additional_data: dict[str, str] | None = None

    @property
    def id(self) -> str:
        return f"{self.resource_id}/providers/Microsoft.Security/assessments/{self.key}"


@dataclass(slots=True)
class Alert:
    name: str
    subscription_id: str
    resource_group: str | None
    asc_location: str
    alert_type: str
    display_name: str
    description: str
    severity: str
    status: str
    intent: str
    resource_id: str
    compromised_entity: str
    is_api: bool
    product_component: str
    start_time: datetime
    end_time: datetime
    time_generated: datetime
    processing_end: datetime
    client_ip: str | None = None
    geo: tuple[str, str, str, int, float, float] | None = None
    extended_properties: dict[str, str] = field(default_factory=dict)
    remediation_steps: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    correlation_key: str = ""
    is_sample: bool = False

    @property
    def id(self) -> str:
        rg = f"/resourceGroups/{self.resource_group}" if self.resource_group else ""
        return (
            f"/subscriptions/{self.subscription_id}{rg}/providers/Microsoft.Security"
            f"/locations/{self.asc_location}/alerts/{self.name}"
        )


@dataclass(slots=True)
class Trigger:
    """A workflow trigger. kind is Request, ApiConnectionWebhook or Recurrence."""

    name: str
    kind: str
    connector_path: str | None = None
    connection: str | None = None

    @property
    def has_callback(self) -> bool:
        return self.kind in ("Request", "ApiConnectionWebhook")


@dataclass(slots=True)
class Run:
    name: str
    trigger_name: str
    start_time: datetime
    started_monotonic: float
    duration: float
    fails: bool
    bodies: list[Any] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return time.monotonic() >= self.started_monotonic + self.duration

    @property
    def status(self) -> str:
        if not self.finished:
            return "Running"
        return "Failed" if self.fails else "Succeeded"

    @property
    def end_time(self) -> datetime | None:
        return self.start_time + timedelta(seconds=self.duration) if self.finished else None


@dataclass(slots=True)
class Workflow:
    name: str
    resource_group: str
    subscription_id: str
    location: str
    state: str
    access_id: str
    version: str
    created: datetime
    changed: datetime
    triggers: list[Trigger] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    fails: bool = False
    description: str = ""

    @property
    def id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.Logic/workflows/{self.name}"
        )

    def trigger(self, name: str) -> Trigger | None:
        name = name.lower()
        return next((t for t in self.triggers if t.name.lower() == name), None)

    def run(self, name: str) -> Run | None:
        name = name.lower()
        return next((r for r in self.runs if r.name.lower() == name), None)


@dataclass(slots=True)
class Automation:
    name: str
    resource_group: str
    subscription_id: str
    location: str
    description: str
    is_enabled: bool
    event_sources: tuple[str, ...]
    logic_app_ids: list[str]
    scope_paths: list[str]
    severity_filter: str | None = None

    @property
    def id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.Security/automations/{self.name}"
        )


@dataclass(slots=True)
class UnrelatedResource:
    """A VM or storage account: only there so assessment lists are not all about APIs."""

    id: str
    kind: str  # "vm" or "storage"


@dataclass(slots=True)
class Subscription:
    subscription_id: str
    display_name: str
    readable: bool
    asc_location: str
    tenant_id: str
    services: list[ApimService] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)
    automations: list[Automation] = field(default_factory=list)
    unrelated: list[UnrelatedResource] = field(default_factory=list)
    _assessment_index: dict[str, Assessment] | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"/subscriptions/{self.subscription_id}"

    def service(self, resource_group: str, name: str) -> ApimService | None:
        rg, name = resource_group.lower(), name.lower()
        return next(
            (s for s in self.services if s.name.lower() == name and s.resource_group.lower() == rg),
            None,
        )

    def workflow(self, resource_group: str, name: str) -> Workflow | None:
        rg, name = resource_group.lower(), name.lower()
        return next(
            (
                w
                for w in self.workflows
                if w.name.lower() == name and w.resource_group.lower() == rg
            ),
            None,
        )

    def alert(self, name: str) -> Alert | None:
        name = name.lower()
        return next((a for a in self.alerts if a.name.lower() == name), None)

    def set_assessments(self, assessments: list[Assessment]) -> None:
        self.assessments = assessments
        self._assessment_index = None

    def assessment(self, assessment_id: str) -> Assessment | None:
        if self._assessment_index is None:
            self._assessment_index = {a.id.lower(): a for a in self.assessments}
        return self._assessment_index.get(assessment_id.lower())

    def apis(self) -> list[Api]:
        return [api for svc in self.services for api in svc.apis]


@dataclass(slots=True)
class Tenant:
    tenant_id: str
    seed: int
    generated_at: datetime
    subscriptions: list[Subscription] = field(default_factory=list)

    def subscription(self, sub_id: str) -> Subscription:
        found = self.find_subscription(sub_id)
        if found is None:
            raise KeyError(sub_id)
        return found

    def find_subscription(self, sub_id: str) -> Subscription | None:
        sub_id = sub_id.lower()
        return next((s for s in self.subscriptions if s.subscription_id == sub_id), None)

    @property
    def readable_subscriptions(self) -> list[Subscription]:
        return [s for s in self.subscriptions if s.readable]

    def workflow_by_access_id(self, access_id: str) -> Workflow | None:
        for sub in self.subscriptions:
            for wf in sub.workflows:
                if wf.access_id == access_id:
                    return wf
        return None
