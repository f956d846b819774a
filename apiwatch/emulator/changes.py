"""What changes the tenant after generation: onboarding, alert states, new alerts, runs."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timezone

from . import alert_factory
from .catalogue import AlertKind, alert_kinds
from .posture import subscription_assessments
from .tenant import (
    Alert,
    Api,
    ApimService,
    Operation,
    Run,
    Subscription,
    Tenant,
    Trigger,
    Workflow,
)

ALERT_ACTIONS = {
    "activate": "Active",
    "dismiss": "Dismissed",
    "resolve": "Resolved",
    "inprogress": "InProgress",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TenantChanges:
    """Applies changes to a tenant; the server owns one per emulator."""

    def __init__(self, tenant: Tenant, rng: random.Random, now: Callable[[], datetime] = utcnow):
        self.tenant = tenant
        self.rng = rng
        self.now = now
        self._pending: list[tuple[Subscription, Api]] = []
        # Bumped by every change below: what was rendered of the tenant before may be stale
        # (fragments.py empties its store when it moves).
        self.version = 0

    def touch(self) -> None:
        """Note a change to the tenant (one made by hand, say): renders kept are dropped."""
        self.version += 1

    # Onboarding ---------------------------------------------------------------------------

    def start_onboarding(self, sub: Subscription, api: Api, seconds: float) -> None:
        if api.onboarding_due is None:
            api.onboarding_due = time.monotonic() + seconds
            self._pending.append((sub, api))
            self.touch()

    def settle(self) -> None:
        """Finish every onboarding whose time has come."""
        if not self._pending:
            return
        now = time.monotonic()
        done = [
            (s, a)
            for s, a in self._pending
            if a.onboarding_due is not None and a.onboarding_due <= now
        ]
        if not done:
            return
        self.touch()
        for sub, api in done:
            self._pending.remove((sub, api))
            api.onboarding_due = None
            api.onboarded = True
        for sub in {id(s): s for s, _ in done}.values():
            self._rebuild(sub)

    def offboard(self, sub: Subscription, api: Api) -> bool:
        """Offboard the API; False when there was nothing to remove."""
        was = api.onboarded or api.onboarding_due is not None
        if was:
            self.touch()
        if api.onboarding_due is not None:
            api.onboarding_due = None
            self._pending = [(s, a) for s, a in self._pending if a is not api]
        if api.onboarded:
            api.onboarded = False
            self._rebuild(sub)
        return was

    def _rebuild(self, sub: Subscription) -> None:
        sub.set_assessments(subscription_assessments(sub, self.tenant.generated_at))

    # Alerts --------------------------------------------------------------------------------

    def set_alert_state(self, alert: Alert, action: str) -> None:
        alert.status = ALERT_ACTIONS[action.lower()]
        self.touch()

    def new_alerts(self, count: int, subscription_id: str | None = None) -> list[Alert]:
        rng = self.rng
        if subscription_id is not None:
            subs = [self.tenant.subscription(subscription_id)]
        else:
            subs = [
                s for s in self.tenant.readable_subscriptions if any(a.onboarded for a in s.apis())
            ]
            subs = subs or self.tenant.readable_subscriptions
        out = []
        for _ in range(count):
            sub = rng.choice(subs)
            alert = self._api_alert(sub, alert_factory.pick_kind(rng), status="Active")
            if alert is not None:
                sub.alerts.append(alert)
                out.append(alert)
        self.touch()
        return out

    def _api_alert(
        self, sub: Subscription, kind: AlertKind, status: str, sample: bool = False
    ) -> Alert | None:
        rng = self.rng
        targets = [
            (svc, api)
            for svc in sub.services
            for api in svc.apis
            if api.onboarded and api.operations
        ]
        if not targets:
            targets = [(svc, api) for svc in sub.services for api in svc.apis if api.operations]
        if not targets:
            return None
        svc, api = rng.choice(targets)
        op = rng.choice(api.operations)
        now = self.now()
        return alert_factory.api_alert(
            rng, sub, svc, api, op, kind, now, status=status, sample=sample, now=now
        )

    def user_agent_alert(
        self,
        sub: Subscription,
        svc: ApimService,
        api: Api,
        op: Operation,
        seen_at: datetime,
        client_ip: str,
        user_agent: str,
    ) -> Alert:
        """Raise the alert Defender raises for a gateway request with a suspicious user agent."""
        alert = alert_factory.user_agent_alert(
            self.rng, sub, svc, api, op, seen_at, self.now(), client_ip, user_agent
        )
        sub.alerts.append(alert)
        self.touch()
        return alert

    def simulate(self, sub: Subscription, bundles: list[str]) -> list[Alert]:
        """Sample alerts; Defender for APIs ones for bundles the published enum lacks ("Apis")."""
        rng = self.rng
        out: list[Alert] = []
        for bundle in bundles:
            spec = alert_factory.BUNDLE_SAMPLES.get(bundle)
            if spec is None:
                for kind in alert_kinds():
                    alert = self._api_alert(sub, kind, status="Active", sample=True)
                    if alert is not None:
                        out.append(alert)
                continue
            alert_type, display, component = spec
            target = rng.choice(sub.unrelated).id if sub.unrelated else sub.id
            now = self.now()
            out.append(
                alert_factory.other_alert(
                    rng,
                    sub,
                    target,
                    (alert_type, display, "High", "Execution", component),
                    now,
                    status="Active",
                    sample=True,
                    now=now,
                )
            )
        sub.alerts.extend(out)
        self.touch()
        return out

    # Logic app runs ---------------------------------------------------------------------

    def start_run(self, wf: Workflow, trigger: Trigger, body: object, seconds: float) -> Run:
        rng = self.rng
        name = f"0858{rng.randint(10**21, 10**22 - 1)}CU{rng.randint(10, 99)}"
        run = Run(
            name=name,
            trigger_name=trigger.name,
            start_time=self.now(),
            started_monotonic=time.monotonic(),
            duration=seconds,
            fails=wf.fails,
            bodies=[body],
        )
        wf.runs.append(run)
        self.touch()
        return run
