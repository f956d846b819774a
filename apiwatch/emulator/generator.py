"""Generates a deterministic tenant from a seed and a Scale."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from . import alert_factory
from .catalogue import KEY_UNUSED
from .config import Scale
from .posture import subscription_assessments
from .tenant import (
    Alert,
    Api,
    ApimService,
    Automation,
    Operation,
    Subscription,
    Tenant,
    Trigger,
    UnrelatedResource,
    Workflow,
)
from .vocabulary import (
    API_DOMAINS,
    ENVS,
    LABEL_PRIORITY,
    LOCATIONS,
    ORGS,
    SENSITIVE_SOURCES,
    SENSITIVE_TYPES,
)

DEMO_SUBSCRIPTION_NAMES = ("contoso-prod", "contoso-staging", "contoso-legacy-dev")
# Sub-resources that read as verbs become POST actions, the others nested collections.
_ACTION_TEXT = (
    "cancel capture authorize read send accept reschedule approve renew share download run "
    "checkout confirm introspect revoke test assign close password-reset suggest query schedule"
)
_ACTION_WORDS = frozenset(_ACTION_TEXT.split())
ALERT_TRIGGER = "When_a_Microsoft_Defender_for_Cloud_Alert_is_created_or_triggered"
RECOMMENDATION_TRIGGER = (
    "When_a_Microsoft_Defender_for_Cloud_recommendation_is_created_or_triggered"
)


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _operation_templates(
    domain: tuple[str, str, str, str, tuple[str, ...]],
) -> list[tuple[str, str, str, str]]:
    """(name, display name, method, url template) candidates for one API domain."""
    _, one, many, param, extras = domain
    item = f"/{many}/{{{param}}}"
    out = [
        (f"list-{many}", f"List {many}", "GET", f"/{many}"),
        (f"get-{one}", f"Get {one}", "GET", item),
        (f"create-{one}", f"Create {one}", "POST", f"/{many}"),
        (f"update-{one}", f"Update {one}", "PUT", item),
        (f"delete-{one}", f"Delete {one}", "DELETE", item),
        (f"patch-{one}", f"Patch {one}", "PATCH", item),
    ]
    for extra in extras:
        words = extra.replace("-", " ")
        if extra in _ACTION_WORDS:
            out.append((f"{extra}-{one}", f"{words.capitalize()} {one}", "POST", f"{item}/{extra}"))
        else:
            out.append((f"list-{one}-{extra}", f"List {one} {words}", "GET", f"{item}/{extra}"))
            out.append((f"add-{one}-{extra}", f"Add {one} {words}", "POST", f"{item}/{extra}"))
    out += [
        (f"search-{many}", f"Search {many}", "GET", f"/{many}/search"),
        (f"export-{many}", f"Export {many}", "GET", f"/{many}/export"),
        ("health-check", "Health check", "GET", "/health"),
    ]
    base = list(out)
    version = 2
    while len(out) < 60:  # large scales want more operations than one domain has verbs
        out += [
            (f"{n}-v{version}", f"{d} (v{version})", m, f"/v{version}{u}") for n, d, m, u in base
        ]
        version += 1
    return out


class _Generator:
    def __init__(self, seed: int, scale: Scale, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.now = now

    def tenant(self) -> Tenant:
        tenant = Tenant(tenant_id=_guid(self.rng), seed=self.seed, generated_at=self.now)
        scale = self.scale
        first_unreadable = scale.subscriptions - scale.unreadable_subscriptions
        for index in range(scale.subscriptions):
            tenant.subscriptions.append(
                self._subscription(tenant.tenant_id, index, readable=index < first_unreadable)
            )
        self._ensure_variety(tenant)
        for sub in tenant.subscriptions:
            sub.set_assessments(subscription_assessments(sub, self.now))
            sub.alerts = self._alerts(sub)
        return tenant

    def _subscription(self, tenant_id: str, index: int, readable: bool) -> Subscription:
        rng = self.rng
        if self.scale.subscriptions <= len(DEMO_SUBSCRIPTION_NAMES):
            display = DEMO_SUBSCRIPTION_NAMES[index]
            env = display.split("-")[1]
        else:
            env = ENVS[index % len(ENVS)]
            display = f"{ORGS[index % len(ORGS)]}-{env}-{index:02d}"
        location = (
            LOCATIONS[index % len(LOCATIONS)] if index < len(LOCATIONS) else rng.choice(LOCATIONS)
        )
        sub = Subscription(
            subscription_id=_guid(rng),
            display_name=display,
            readable=readable,
            asc_location=location[1],
            tenant_id=tenant_id,
        )
        for number in range(self.scale.services_per_subscription):
            sub.services.append(self._service(sub, env, location, number))
        sub.unrelated = self._unrelated(sub, env)
        sub.workflows = self._workflows(sub, location[0])
        sub.automations = self._automations(sub, location[3])
        return sub

    def _service(
        self, sub: Subscription, env: str, location: tuple[str, str, str, str], number: int
    ) -> ApimService:
        rng = self.rng
        name = f"apim-{sub.display_name}-{location[2]}-{number + 1:02d}"
        sku = rng.choices(("Developer", "Standard", "Premium", "Consumption"), (2, 4, 3, 1))[0]
        vnet = (
            "None"
            if sku in ("Consumption", "Standard")
            else rng.choice(("None", "External", "Internal"))
        )
        resource_group = f"rg-apim-{env}" if number % 2 == 0 else f"rg-integration-{env}"
        svc = ApimService(
            name=name,
            resource_group=resource_group,
            subscription_id=sub.subscription_id,
            location=location[3],
            gateway_url=f"https://{name}.azure-api.net",
            virtual_network_type=vnet,
            sku_name=sku,
            sku_capacity=0 if sku == "Consumption" else rng.choice((1, 1, 2)),
            created=self.now
            - timedelta(days=rng.randint(100, 1500), seconds=rng.randint(0, 86_399)),
            public_network_access="Disabled" if vnet == "Internal" else "Enabled",
        )
        count = rng.randint(*self.scale.apis_per_service)
        domains = [
            API_DOMAINS[i % len(API_DOMAINS)]
            for i in rng.sample(range(max(count, len(API_DOMAINS))), count)
        ]
        seen: dict[str, int] = {}
        for domain in domains:
            seen[domain[0]] = seen.get(domain[0], 0) + 1
            svc.apis.append(self._api(svc, domain, seen[domain[0]]))
        return svc

    def _api(
        self, svc: ApimService, domain: tuple[str, str, str, str, tuple[str, ...]], version: int
    ) -> Api:
        rng = self.rng
        key = domain[0]
        name = f"{key}-api" if version == 1 else f"{key}-api-v{version}"
        path = f"{key}/v{version}"
        title = key.replace("-", " ").title()
        api = Api(
            name=name,
            display_name=f"{title} API" if version == 1 else f"{title} API v{version}",
            path=path,
            protocols=["https"] if rng.random() < 0.8 else ["http", "https"],
            onboarded=rng.random() >= self.scale.not_onboarded_fraction,
            service_id=svc.id,
            base_url=f"{svc.gateway_url}/{path}",
            service_url=f"https://{key}-backend.{svc.name}.internal.contoso.com/api",
        )
        templates = _operation_templates(domain)
        count = min(rng.randint(*self.scale.operations_per_api), len(templates))
        chosen = sorted(rng.sample(range(len(templates)), count))
        for i in chosen:
            api.operations.append(self._operation(api, *templates[i]))
        return api

    def _operation(
        self, api: Api, name: str, display: str, method: str, template: str
    ) -> Operation:
        rng = self.rng
        awaiting = rng.random() < 0.08
        discovered = self.now - timedelta(days=rng.randint(30, 400), seconds=rng.randint(0, 86_399))
        if awaiting:
            return Operation(
                name=name,
                display_name=display,
                method=method,
                url_template=template,
                api_id=api.id,
                active=False,
                awaiting_data=True,
                authenticated=True,
                external=False,
                sensitive_types=(),
                sensitive_sources=(),
                sensitivity_label=None,
                last_called=None,
                discovered=discovered,
            )
        active = rng.random() < 0.78
        age = timedelta(
            days=rng.randint(0, 29) if active else rng.randint(31, 240),
            seconds=rng.randint(0, 86_399),
        )
        types: tuple[str, ...] = ()
        sources: tuple[str, ...] = ()
        label = None
        if rng.random() < 0.3:
            picked = rng.sample(SENSITIVE_TYPES, rng.randint(1, 3))
            types = tuple(t for t, _ in picked)
            sources = tuple(rng.choice(SENSITIVE_SOURCES) for _ in picked)
            labels = {lab for _, lab in picked}
            label = next(lab for lab in LABEL_PRIORITY if lab in labels)
        return Operation(
            name=name,
            display_name=display,
            method=method,
            url_template=template,
            api_id=api.id,
            active=active,
            awaiting_data=False,
            authenticated=rng.random() < 0.72,
            external=rng.random() < 0.4,
            sensitive_types=types,
            sensitive_sources=sources,
            sensitivity_label=label,
            last_called=self.now - age,
            discovered=discovered,
        )

    def _unrelated(self, sub: Subscription, env: str) -> list[UnrelatedResource]:
        out = []
        base = f"/subscriptions/{sub.subscription_id}/resourceGroups"
        compute = f"{base}/rg-compute-{env}/providers/Microsoft.Compute"
        compact = sub.display_name.replace("-", "")[:14]
        for n in range(self.scale.unrelated_resources_per_subscription):
            kind = ("vm", "storage", "vmss")[n % 3]
            if kind == "vm":
                rid = f"{compute}/virtualMachines/vm-{env}-{n:03d}"
            elif kind == "vmss":
                rid = f"{compute}/virtualMachineScaleSets/vmss-{env}-{n:03d}"
            else:
                storage = f"{base}/rg-data-{env}/providers/Microsoft.Storage/storageAccounts"
                rid = f"{storage}/st{compact}{n:03d}"
            out.append(UnrelatedResource(id=rid, kind=kind))
        return out

    def _workflows(self, sub: Subscription, location: str) -> list[Workflow]:
        rng = self.rng
        templates = [
            (
                "notify-soc-on-api-alert",
                "Enabled",
                False,
                Trigger(
                    ALERT_TRIGGER,
                    "ApiConnectionWebhook",
                    "/Microsoft.Security/Alert/subscribe",
                    "ascalert",
                ),
            ),
            (
                "disable-unused-endpoints",
                "Enabled",
                False,
                Trigger(
                    RECOMMENDATION_TRIGGER,
                    "ApiConnectionWebhook",
                    "/Microsoft.Security/Assessment/subscribe",
                    "ascassessment",
                ),
            ),
            ("open-ticket-for-api-finding", "Enabled", False, Trigger("manual", "Request")),
            ("block-client-ip-in-apim", "Enabled", True, Trigger("manual", "Request")),
            ("export-api-findings", "Enabled", False, Trigger("Recurrence", "Recurrence")),
            (
                "post-teams-message-legacy",
                "Disabled",
                False,
                Trigger(
                    RECOMMENDATION_TRIGGER,
                    "ApiConnectionWebhook",
                    "/Microsoft.Security/Assessment/subscribe",
                    "ascassessment",
                ),
            ),
        ]
        out = []
        for name, state, fails, trigger in templates[: self.scale.workflows_per_subscription]:
            created = self.now - timedelta(
                days=rng.randint(30, 700), seconds=rng.randint(0, 86_399)
            )
            out.append(
                Workflow(
                    name=name,
                    resource_group="rg-security-automation",
                    subscription_id=sub.subscription_id,
                    location=location,
                    state=state,
                    access_id=f"{rng.getrandbits(128):032x}",
                    version=f"0858{rng.randint(10**15, 10**16 - 1)}",
                    created=created,
                    changed=created + timedelta(days=rng.randint(0, 29)),
                    triggers=[
                        Trigger(
                            trigger.name, trigger.kind, trigger.connector_path, trigger.connection
                        )
                    ],
                    fails=fails,
                )
            )
        return out

    def _automations(self, sub: Subscription, location: str) -> list[Automation]:
        by_name = {w.name: w.id for w in sub.workflows}
        scope = [f"/subscriptions/{sub.subscription_id}"]
        out = []
        if "disable-unused-endpoints" in by_name:
            out.append(
                Automation(
                    name="route-unused-endpoint-recommendations",
                    resource_group="rg-security-automation",
                    subscription_id=sub.subscription_id,
                    location=location,
                    description="Sends unused-endpoint recommendations to the clean-up logic app.",
                    is_enabled=True,
                    event_sources=("Assessments",),
                    logic_app_ids=[by_name["disable-unused-endpoints"]],
                    scope_paths=scope,
                    severity_filter=KEY_UNUSED,
                )
            )
        if "notify-soc-on-api-alert" in by_name:
            out.append(
                Automation(
                    name="notify-soc-on-api-alerts",
                    resource_group="rg-security-automation",
                    subscription_id=sub.subscription_id,
                    location=location,
                    description="Posts every Defender for APIs alert to the SOC channel.",
                    is_enabled=True,
                    event_sources=("Alerts",),
                    logic_app_ids=[by_name["notify-soc-on-api-alert"]],
                    scope_paths=scope,
                )
            )
        if "post-teams-message-legacy" in by_name:
            out.append(
                Automation(
                    name="legacy-teams-export",
                    resource_group="rg-security-automation",
                    subscription_id=sub.subscription_id,
                    location=location,
                    description="Old export to Teams, kept disabled.",
                    is_enabled=False,
                    event_sources=("Assessments", "Alerts"),
                    logic_app_ids=[by_name["post-teams-message-legacy"]],
                    scope_paths=scope,
                )
            )
        return out

    def _ensure_variety(self, tenant: Tenant) -> None:
        """Small tenants could miss a case by chance; force one of each where there is room."""
        readable = tenant.readable_subscriptions
        apis = [api for sub in readable for api in sub.apis()]
        if (
            self.scale.not_onboarded_fraction > 0
            and len(apis) > 1
            and all(a.onboarded for a in apis)
        ):
            apis[-1].onboarded = False
        ops = [op for api in apis if api.onboarded for op in api.operations]
        if len(ops) < 5:
            return
        now = self.now
        if not any(op.inactive for op in ops):
            ops[0].active, ops[0].awaiting_data = False, False
            ops[0].last_called = now - timedelta(days=45)
        if not any(op.unauthenticated and op.active for op in ops):
            ops[1].active, ops[1].awaiting_data, ops[1].authenticated = True, False, False
            ops[1].last_called = now - timedelta(days=2)
        if not any(op.external for op in ops):
            ops[2].external, ops[2].awaiting_data = True, False
        if not any(op.sensitive_types for op in ops):
            ops[3].sensitive_types, ops[3].sensitive_sources = ("Email",), ("ResponseBody",)
            ops[3].sensitivity_label, ops[3].awaiting_data = "Confidential", False
        if not any(op.awaiting_data for op in ops):
            op = ops[4]
            op.active, op.awaiting_data, op.authenticated, op.external = False, True, True, False
            op.sensitive_types, op.sensitive_sources, op.sensitivity_label = (), (), None
            op.last_called = None
        for op in ops[:4]:
            if op.last_called is None:
                op.last_called = now - timedelta(days=60 if op.inactive else 3)

    def _alerts(self, sub: Subscription) -> list[Alert]:
        rng = self.rng
        targets = [
            (svc, api, op)
            for svc in sub.services
            for api in svc.apis
            if api.onboarded
            for op in api.operations
        ]
        out = []
        for _ in range(self.scale.alerts_per_subscription):
            when = self.now - timedelta(seconds=rng.randint(60, 30 * 86_400))
            if targets and rng.random() < 0.9:
                svc, api, op = rng.choice(targets)
                out.append(
                    alert_factory.api_alert(
                        rng, sub, svc, api, op, alert_factory.pick_kind(rng), when, now=self.now
                    )
                )
            elif sub.unrelated:
                res = rng.choice(sub.unrelated)
                spec = alert_factory.OTHER_ALERTS[("vm", "storage", "vmss").index(res.kind) % 3]
                out.append(alert_factory.other_alert(rng, sub, res.id, spec, when, now=self.now))
        out.sort(key=lambda a: a.time_generated)
        return out


def generate_tenant(seed: int, scale: Scale, now: datetime | None = None) -> Tenant:
    """The same (seed, scale, now) always yields an equal tenant."""
    if now is None:
        now = datetime.now(timezone.utc).replace(microsecond=0)
    return _Generator(seed, scale, now).tenant()
