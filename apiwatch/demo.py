"""The embedded demo tenant: the emulator in its own thread, and the settings that point at it.
The only production module allowed to import the emulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .config import Config


@dataclass
class Demo:
    handle: Any  # apiwatch.emulator.EmulatorThread
    config: Config

    def stop(self) -> None:
        self.handle.stop()


def start_demo(alert_rate_per_min: float = 6.0, seed: int = 7, scale: str = "demo",
               clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
               hostile: bool = False) -> Demo:
    from .emulator import EmulatorConfig, start_in_thread

    # The tenant's clock starts at the day's start (UTC): the same tenant (same alert ids) for
    # every run that day, so what was seen stays seen across restarts, as it does against
    # Azure. (On the hour, a restart an hour later showed every alert as new again.)
    now = clock().replace(hour=0, minute=0, second=0, microsecond=0)
    handle = start_in_thread(
        EmulatorConfig(seed=seed, scale=scale, alert_rate_per_min=alert_rate_per_min, now=now,
                       hostile=hostile)
    )
    config = Config().with_azure(
        resource_manager=handle.url,
        credential="static",
        token=handle.token,
        ca_bundle=Path(handle.ca_path),
    )
    return Demo(handle, config)
