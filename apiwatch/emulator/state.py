"""The state one running emulator shares with its request handlers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from dataclasses import dataclass, field

from .changes import TenantChanges
from .config import EmulatorConfig
from .faults import Faults
from .fragments import Fragments
from .requestlog import RequestLog
from .tenant import ApimService, Tenant


@dataclass
class ServerState:
    config: EmulatorConfig
    tenant: Tenant
    changes: TenantChanges
    token: str
    secret: bytes
    faults: Faults = field(default_factory=Faults)
    requests: RequestLog = field(default_factory=RequestLog)
    rng: random.Random = field(default_factory=random.Random)
    # Operation id -> monotonic time at which that simulate LRO reports completion.
    simulations: dict[str, float] = field(default_factory=dict)
    # The server's own https://host:port, known once it listens: served gateway URLs use it.
    url: str = ""
    # The JSON text of list items, rendered once (see fragments.py).
    fragments: Fragments = field(init=False)

    def __post_init__(self) -> None:
        self.fragments = Fragments(self.changes)

    def gateway_url(self, svc: ApimService) -> str:
        """The gateway URL served for a service: the emulator's /gateway route, not azure-api.net,
        so a client can really call the APIs it lists (same host, port and CA as ARM)."""
        return f"{self.url}/gateway/{svc.name}"

    def sign(self, path: str) -> str:
        """The SAS-like signature of a workflow callback path: the URL's only credential."""
        digest = hmac.new(self.secret, path.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def retry_after(self, remaining: float) -> str:
        """Seconds to wait, rounded up to whole seconds unless the configuration is sub-second.

        Real ARM sends integers; a fractional value (azure-core parses floats) lets fast test
        configurations poll quickly instead of waiting a whole second per poll.
        """
        if self.config.lro_seconds >= 1:
            return str(max(1, int(-(-remaining // 1))))
        return f"{max(0.05, remaining):.2f}"
