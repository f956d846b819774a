"""A local Azure Resource Manager emulator for Defender for APIs over a generated tenant.

Production code never imports this package, except to start demo mode.
"""

from __future__ import annotations

from .config import DEMO, LARGE, SCALES, EmulatorConfig, Scale
from .faults import FAULT_KINDS, Fault, Faults
from .gateway import Probe
from .generator import generate_tenant
from .requestlog import RequestLog, RequestRecord
from .server import Emulator
from .tenant import (
    Alert,
    Api,
    ApimService,
    Assessment,
    Automation,
    Operation,
    Run,
    Subscription,
    Tenant,
    Trigger,
    Workflow,
)
from .thread import EmulatorThread, start_in_thread

__all__ = [
    "DEMO",
    "FAULT_KINDS",
    "LARGE",
    "SCALES",
    "Alert",
    "Api",
    "ApimService",
    "Assessment",
    "Automation",
    "Emulator",
    "EmulatorConfig",
    "EmulatorThread",
    "Fault",
    "Faults",
    "Operation",
    "Probe",
    "RequestLog",
    "RequestRecord",
    "Run",
    "Scale",
    "Subscription",
    "Tenant",
    "Trigger",
    "Workflow",
    "generate_tenant",
    "start_in_thread",
]
