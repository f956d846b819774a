"""Settings of one emulator instance and the size presets of its generated tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Scale:
    """How big the generated tenant is. Ranges are inclusive (min, max)."""

    subscriptions: int = 3
    unreadable_subscriptions: int = 1
    services_per_subscription: int = 2
    apis_per_service: tuple[int, int] = (3, 5)
    operations_per_api: tuple[int, int] = (3, 8)
    alerts_per_subscription: int = 40
    not_onboarded_fraction: float = 0.25
    unrelated_resources_per_subscription: int = 4
    workflows_per_subscription: int = 6

    def __post_init__(self) -> None:
        if self.subscriptions < 1:
            raise ValueError("a tenant needs at least one subscription")
        if not 0 <= self.unreadable_subscriptions < self.subscriptions:
            raise ValueError("at least one subscription must stay readable")
        if not 0.0 <= self.not_onboarded_fraction <= 1.0:
            raise ValueError("not_onboarded_fraction must be within 0..1")


DEMO = Scale()

# 50 subscriptions x 4 services x 10 APIs x 20 operations = 40,000 endpoints; 400 alerts each.
LARGE = Scale(
    subscriptions=50,
    unreadable_subscriptions=2,
    services_per_subscription=4,
    apis_per_service=(10, 10),
    operations_per_api=(20, 20),
    alerts_per_subscription=400,
    not_onboarded_fraction=0.1,
    unrelated_resources_per_subscription=40,
    workflows_per_subscription=6,
)

SCALES: dict[str, Scale] = {"demo": DEMO, "large": LARGE}


def resolve_scale(scale: str | Scale) -> Scale:
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}") from None


@dataclass(frozen=True)
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 7
    scale: str | Scale = "demo"
    page_size: int = 50
    alert_rate_per_min: float = 0.0
    latency_ms: int = 0
    fault_rate: float = 0.0
    lro_seconds: float = 2.0
    run_seconds: float = 2.0
    # Delay between a gateway call with a suspicious user agent and Defender's alert for it
    # (Microsoft only says "after some time"; tests make it small).
    probe_alert_seconds: float = 2.0
    ca_out: Path | None = None
    token: str | None = None
    # The tenant's "now": fixed in tests and screenshots so every run draws the same screens.
    now: datetime | None = None
    # Render the JSON of every alert, assessment, operation and Resource Graph row at start
    # (fragments.py), so that no request pays for it: the large tenant takes some 3 s more to
    # start and about 220 MB more memory. None: only when latency_ms models ARM's round trip,
    # where the emulator's own rendering would otherwise add to it.
    prerender: bool | None = None
    # Every free-text string of every answer carries an attacker's payload (hostile.py).
    hostile: bool = False

    @property
    def prerender_enabled(self) -> bool:
        return self.latency_ms > 0 if self.prerender is None else self.prerender

    def __post_init__(self) -> None:
        resolve_scale(self.scale)
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be within 0..65535")
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1")
        if self.alert_rate_per_min < 0:
            raise ValueError("alert_rate_per_min must not be negative")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be within 0..1")
        if self.lro_seconds < 0 or self.run_seconds < 0:
            raise ValueError("lro_seconds and run_seconds must not be negative")
        if self.probe_alert_seconds < 0:
            raise ValueError("probe_alert_seconds must not be negative")
