"""What a trigger is sent for: payloads for the chosen resources, and the logic app to send to."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import AssessmentStatus, Snapshot, normalize
from .logic_apps import LogicAppChoice, TriggerItem, logic_app_choices, trigger_mismatch
from .payloads import alert_payload, recommendation_payload


class TargetError(ValueError):
    """The chosen resources or logic app cannot be triggered; one line says why."""


def trigger_items(snapshot: Snapshot, resources: Sequence[str], recommendation: str | None
                  ) -> tuple[list[TriggerItem], str, str]:
    """Payloads for the given resources: alerts by alert id, else the unhealthy assessments on
    each resource (one payload per assessment, as Defender sends them)."""
    alerts = {normalize(a.id): a for a in snapshot.alerts}
    meta = {m.key: m for m in snapshot.metadata}
    items: list[TriggerItem] = []
    kinds: set[str] = set()
    subscriptions: set[str] = set()
    for resource in resources:
        key = normalize(resource)
        if key in alerts:
            alert = alerts[key]
            items.append(TriggerItem(alert.id, alert_payload(alert)))
            kinds.add("alert")
            subscriptions.add(alert.subscription_id.lower())
            continue
        recs = [r for r in snapshot.recommendations_by_resource.get(key, ())
                if r.status is AssessmentStatus.UNHEALTHY
                and (recommendation is None or r.key == recommendation)]
        if not recs:
            raise TargetError(f"no unhealthy recommendation on {resource}")
        for rec in recs:
            payload = recommendation_payload(rec, meta.get(rec.key))
            items.append(TriggerItem(rec.resource_id, payload))
            subscriptions.add((rec.subscription_id or "").lower())
        kinds.add("recommendation")
    if len(kinds) != 1:
        raise TargetError("give either alerts or unhealthy resources, not both")
    if len(subscriptions) != 1:
        raise TargetError("all resources must be in one subscription: a logic app serves one")
    return items, kinds.pop(), subscriptions.pop()


def pick_logic_app(snapshot: Snapshot, subscription: str, kind: str, wanted: str
                   ) -> LogicAppChoice:
    choices = logic_app_choices(snapshot, subscription, kind)
    match = [c for c in choices
             if wanted.lower() in (c.app.name.lower(), normalize(c.app.id))]
    if not match:
        names = ", ".join(c.app.name for c in choices) or "none"
        known = [a for a in snapshot.logic_apps if a.subscription_id.lower() == subscription.lower()
                 and wanted.lower() in (a.name.lower(), normalize(a.id))]
        why = f": {trigger_mismatch(known[0], kind)}" if known else ""
        article = "an" if kind == "alert" else "a"
        raise TargetError(f"no logic app {wanted!r} in the subscription can take {article} "
                          f"{kind}{why} (candidates: {names})")
    if not match[0].selectable:
        raise TargetError(f"{match[0].app.name}: {match[0].reason}")
    return match[0]
