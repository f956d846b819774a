"""The API Management gateway (data plane) of every emulated service, and what Defender sees of it.

It exists so a console can raise a real-looking Defender for APIs detection the way Microsoft
documents it: one call to an onboarded operation with `User-Agent: javascript:`, answered
normally, and "after some time" the alert "Suspicious User Agent detected" appears. The gateway
is not ARM: no bearer token, no api-version, APIM's own error body.
"""

from __future__ import annotations

import asyncio
import re
from functools import lru_cache
from typing import NamedTuple

from aiohttp import web

from .state import ServerState
from .tenant import Api, ApimService, Operation, Subscription
from .wire import Reply

PREFIX = "/gateway/"
SUSPICIOUS_AGENT = "javascript:"


class Probe(NamedTuple):
    """One gateway call, as tests read it from `Emulator.probes`."""

    method: str
    path: str
    user_agent: str
    operation_id: str | None


def not_found() -> Reply:
    # APIM's answer when no API or operation matches (not ARM's error envelope).
    return Reply(404, {"statusCode": 404, "message": "Resource not found"})


@lru_cache(maxsize=4096)
def _template_regex(url_template: str) -> tuple[re.Pattern[str], int]:
    """(regex, literal weight) of an operation's urlTemplate path; `{x}` is one segment.

    The weight ranks literal segments above parameters, as APIM does, so `/orders/search`
    wins over `/orders/{orderId}`.
    """
    path = url_template.split("?", 1)[0].rstrip("/") or "/"
    regex, literal, last = "", 0, 0
    for found in re.finditer(r"\{[^}/]+\}", path):
        regex += re.escape(path[last : found.start()])
        literal += len(path[last : found.start()])
        regex += "[^/]+"
        last = found.end()
    regex += re.escape(path[last:])
    literal += len(path[last:])
    return re.compile(regex, re.IGNORECASE), literal


def match_operation(api: Api, method: str, remainder: str) -> Operation | None:
    remainder = remainder.rstrip("/") or "/"
    best: tuple[int, Operation] | None = None
    for op in api.operations:
        if op.method.upper() != method.upper():
            continue
        pattern, weight = _template_regex(op.url_template)
        if pattern.fullmatch(remainder) and (best is None or weight > best[0]):
            best = (weight, op)
    return best[1] if best else None


def match_api(svc: ApimService, rest: str) -> tuple[Api, str] | None:
    """The API whose path prefixes rest (segment-wise, longest wins) and the remainder."""
    rest = rest.strip("/")
    lowered = rest.lower()
    best: tuple[Api, str] | None = None
    for api in svc.apis:
        path = api.path.strip("/").lower()
        prefixes = lowered == path or lowered.startswith(path + "/")
        if prefixes and (best is None or len(path) > len(best[0].path.strip("/"))):
            best = (api, "/" + rest[len(path) :].lstrip("/"))
    return best


class Gateway:
    """Serves `ANY /gateway/{serviceName}/{rest}` and raises the user-agent detection."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.probes: list[Probe] = []
        self._timers: set[asyncio.TimerHandle] = set()

    def _service(self, name: str) -> tuple[Subscription, ApimService] | None:
        # APIM service names are globally unique (they are DNS names), so the name is enough.
        name = name.lower()
        for sub in self.state.tenant.subscriptions:
            for svc in sub.services:
                if svc.name.lower() == name:
                    return sub, svc
        return None

    def answer(self, request: web.Request, path: str) -> Reply:
        service_name, _, rest = path[len(PREFIX) :].partition("/")
        agent = request.headers.get("User-Agent", "")
        found = self._service(service_name)
        hit = match_api(found[1], rest) if found and not found[1].gateway_disabled else None
        op = match_operation(hit[0], request.method, hit[1]) if hit else None
        self.probes.append(Probe(request.method, path, agent, op.id if op else None))
        if found is None or hit is None or op is None:
            return not_found()
        sub, svc = found
        api = hit[0]
        self.state.changes.settle()
        # Defender only sees traffic of onboarded APIs; anything else raises nothing.
        if SUSPICIOUS_AGENT in agent.lower() and api.onboarded:
            self._detect_later(sub, svc, api, op, request.remote or "", agent)
        return Reply(200, {"ok": True, "operation": op.name})

    def _detect_later(
        self,
        sub: Subscription,
        svc: ApimService,
        api: Api,
        op: Operation,
        client_ip: str,
        agent: str,
    ) -> None:
        seen_at = self.state.changes.now()

        def raise_alert() -> None:
            self._timers.discard(handle)
            self.state.changes.user_agent_alert(sub, svc, api, op, seen_at, client_ip, agent)

        loop = asyncio.get_running_loop()
        handle = loop.call_later(self.state.config.probe_alert_seconds, raise_alert)
        self._timers.add(handle)

    def cancel(self) -> None:
        """Drop detections still pending (the emulator is stopping)."""
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
