"""The emulator's HTTPS server: ARM conventions (auth, api-version, errors, headers) and faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import secrets
import socket
import ssl
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from . import alert_shapes, payloads
from .changes import TenantChanges
from .config import EmulatorConfig, resolve_scale
from .faults import UNKNOWN_ENUMS, Fault, Faults, random_fault
from .gateway import PREFIX as GATEWAY_PREFIX
from .gateway import Gateway, Probe
from .generator import generate_tenant
from .handlers import all_routes, prerender
from .handlers.logic import invoke
from .hostile import poison_text
from .requestlog import RequestLog, RequestRecord
from .routing import Context, Router, forbidden, normalise_path
from .state import ServerState
from .streams import Endless, Trickle, endless_of, stream
from .tenant import Alert, ApimService, Tenant
from .tls import make_server_context
from .wire import ArmError, Rendered, Reply, dumps, encode_token

_INVOKE = re.compile(r"/workflows/(?P<wf>[^/]+)/triggers/(?P<trigger>[^/]+)/paths/invoke", re.I)
_PROVIDER_TYPE = re.compile(r".*/providers/(?P<ns>[^/]+)/(?P<type>[^/]+)", re.I)


class _DropConnection(Exception):
    """Raised to answer a request by closing the socket (the `reset` fault)."""


class Emulator:
    """A loopback ARM endpoint over a generated tenant. Use as `async with Emulator(cfg) as emu`."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        scale = resolve_scale(self.config.scale)
        self.tenant: Tenant = generate_tenant(self.config.seed, scale, self.config.now)
        self.token = self.config.token or secrets.token_urlsafe(32)
        self._state = ServerState(
            config=self.config,
            tenant=self.tenant,
            changes=TenantChanges(self.tenant, random.Random(self.config.seed + 1)),
            token=self.token,
            secret=secrets.token_bytes(32),
            rng=random.Random(self.config.seed + 2),
        )
        self._gateway = Gateway(self._state)
        self._fault_rng = random.Random(self.config.seed + 3)
        self._router = Router(all_routes())
        self._runner: web.AppRunner | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._context: ssl.SSLContext | None = None
        self._port = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._streams: set[asyncio.Task[Any]] = set()  # answers still trickling or endless
        self._reads_left = 11999
        self.url = ""
        self.ca_path: Path = Path()

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def requests(self) -> RequestLog:
        return self._state.requests

    @property
    def probes(self) -> list[Probe]:
        """Every APIM gateway call so far: (method, path, user_agent, operation id or None)."""
        return self._gateway.probes

    def gateway_url(self, svc: ApimService) -> str:
        """The gatewayUrl served for svc (on this emulator; valid once started)."""
        return self._state.gateway_url(svc)

    def invalidate(self) -> None:
        """Drop the JSON kept of list items (fragments.py). Changes made through the emulator
        (its routes, add_alerts, alert_rate, LROs) do this themselves; call it after changing
        `tenant` objects in place by hand."""
        self._state.changes.touch()

    # Lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def start(self) -> None:
        """Start serving; after `stop()`, start again on the same port with the same CA, as a
        real endpoint comes back after an outage (tests restart it)."""
        if self._context is None:
            self._context, self.ca_path, self._tmp = make_server_context(self.config.ca_out)
        context = self._context
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        host = self.config.host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, self.config.port or self._port))
        site = web.SockSite(self._runner, sock, ssl_context=context)
        await site.start()
        port = self._port = sock.getsockname()[1]
        self.url = (
            f"https://[{host}]:{port}" if family == socket.AF_INET6 else f"https://{host}:{port}"
        )
        if self._state.url != self.url:
            self._state.url = self.url
            self._state.fragments.clear()  # Resource Graph rows carry the gateway URL
        if self.config.prerender_enabled:
            prerender(self._state)
        if self.config.alert_rate_per_min > 0:
            self._tasks.append(asyncio.create_task(self._live_alerts()))

    async def stop(self) -> None:
        self._gateway.cancel()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        for answer in list(self._streams):  # they would hold the shutdown for a minute
            answer.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def add_alerts(self, n: int = 1, subscription_id: str | None = None) -> list[Alert]:
        """Raise n new Active Defender for APIs alerts now (on a random readable subscription)."""
        return self._state.changes.new_alerts(n, subscription_id)

    async def _live_alerts(self) -> None:
        mean = 60.0 / self.config.alert_rate_per_min
        rng = random.Random(self.config.seed + 4)
        while True:
            await asyncio.sleep(rng.expovariate(1.0 / mean))
            self._state.changes.new_alerts(1)

    # Dispatch -------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = normalise_path(request.path)
        status = 0
        try:
            response = await self._answer(request, path)
            status = response.status
            return response
        except _DropConnection:
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError() from None
        finally:
            self.requests.add(RequestRecord(request.method, path, request.query_string, status))

    async def _answer(self, request: web.Request, path: str) -> web.StreamResponse:
        if path.startswith("/_emulator/"):
            return await self._admin(request, path)
        if path.lower().startswith(GATEWAY_PREFIX):
            return await self._gateway_answer(request, path)
        invoke_match = _INVOKE.fullmatch(path)
        if invoke_match and request.method == "POST":
            return await self._invoke(request, path, invoke_match)
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000)
        try:
            reply = await self._arm(request, path)
        except ArmError as err:
            return self._render(request, Reply(err.status, err.envelope(), err.headers))
        return await self._send(request, reply)

    def _authenticate(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        authority = f"https://login.microsoftonline.com/{self.tenant.tenant_id}"
        challenge = (
            f'Bearer authorization_uri="{authority}", error="invalid_token", '
            'error_description="{}"'
        )
        if not header:
            raise ArmError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                headers={
                    "WWW-Authenticate": challenge.format(
                        "The authentication failed because of missing 'Authorization' header."
                    )
                },
            )
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip(), self.token):
            raise ArmError(
                401,
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                headers={"WWW-Authenticate": challenge.format("The access token is invalid.")},
            )

    async def _arm(self, request: web.Request, path: str) -> Reply:
        self._authenticate(request)
        route, params, path_known = self._router.match(request.method, path)
        pre = self.faults.peek(path, pre=True)
        if (
            pre is None
            and self.config.fault_rate
            and self._fault_rng.random() < self.config.fault_rate
        ):
            pre = random_fault(self._fault_rng)
        if pre is not None:
            self.faults.consume(pre)
            await self._pre_fault(pre, route.action if route else "Microsoft.Resources/read", path)
        version = request.query.get("api-version")
        if route is None:
            if path_known:
                raise ArmError(
                    405,
                    "MethodNotAllowed",
                    f"The HTTP method '{request.method}' is not supported at '{path}'.",
                )
            raise self._unknown_route(path, version)
        if not version:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if version not in route.versions:
            raise ArmError(
                400,
                "InvalidApiVersionParameter",
                f"The api-version '{version}' is invalid. The supported versions are "
                f"'{','.join(route.versions)}'.",
            )
        sub = None
        if "sub" in params:
            sub = self.tenant.find_subscription(params["sub"])
            if sub is None:
                raise ArmError(
                    404,
                    "SubscriptionNotFound",
                    f"The subscription '{params['sub']}' could not be found.",
                )
            if not sub.readable and route.check_readable:
                scope = f"/subscriptions/{params['sub']}"
                if "rg" in params:
                    scope += f"/resourceGroups/{params['rg']}"
                raise forbidden(route.action, scope)
        post = self.faults.peek(path, pre=False)
        rendered = post is None and self._state.fragments.enabled
        context = Context(request, params, version, self._state, sub, rendered=rendered)
        reply = await route.handler(context)
        is_json = reply.status == 200 and isinstance(reply.body, dict)
        if post is not None and is_json and self._post_fault(post, request, reply):
            self.faults.consume(post)
        return reply

    @staticmethod
    def _unknown_route(path: str, version: str | None) -> ArmError:
        found = _PROVIDER_TYPE.match(path)
        if found:
            return ArmError(
                404,
                "InvalidResourceType",
                f"The resource type '{found.group('type')}' could not be found in the namespace "
                f"'{found.group('ns')}' for api version '{version or ''}'.",
            )
        return ArmError(404, "ResourceNotFound", f"No route matches '{path}'.")

    async def _pre_fault(self, fault: Fault, action: str, path: str) -> None:
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay_ms / 1000)
            return
        if fault.kind == "reset":
            raise _DropConnection()
        if fault.kind == "throttle":
            raise ArmError(
                429,
                "SubscriptionRequestsThrottled",
                "Number of 'read' requests for subscription exceeded. Please try again after "
                f"'{fault.retry_after:g}' seconds after the last request.",
                headers={
                    "Retry-After": f"{fault.retry_after:g}",
                    "x-ms-ratelimit-remaining-subscription-reads": "0",
                },
            )
        if fault.kind == "error":
            if fault.status == 503:
                raise ArmError(
                    503,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable. Please retry later.",
                )
            raise ArmError(
                500,
                "InternalServerError",
                "Encountered internal server error. Please retry the request.",
            )
        if fault.kind == "forbidden":
            parts = path.split("/")
            scope = (
                "/".join(parts[:3])
                if len(parts) >= 3 and parts[1].lower() == "subscriptions"
                else "/"
            )
            raise forbidden(action, scope)
        if fault.kind == "expired-token":
            now = datetime.now(timezone.utc)
            expired = now - timedelta(minutes=5)
            raise ArmError(
                401,
                "ExpiredAuthenticationToken",
                f"The access token expiry UTC time '{expired:%m/%d/%Y %I:%M:%S %p}' "
                f"is earlier than current UTC time '{now:%m/%d/%Y %I:%M:%S %p}'.",
                headers={
                    "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/'
                    f'{self.tenant.tenant_id}", error="invalid_token", '
                    'error_description="The access token has expired."'
                },
            )

    @staticmethod
    def _post_fault(fault: Fault, request: web.Request, reply: Reply) -> bool:
        body = reply.body
        if fault.kind == "unknown-enum":
            reply.body = _replace_enums(body)
            return True
        if fault.kind in ("pascal-alerts", "both-alert-shapes"):
            return alert_shapes.rewrite(body, both=fault.kind == "both-alert-shapes")
        if fault.kind == "empty-value":
            reply.body = {"value": []}
            return True
        if fault.kind == "malformed":
            text = json.dumps(body)
            reply.body = _Raw(text[: max(1, len(text) // 2)])
            return True
        if fault.kind == "trickle":
            reply.body = Trickle(dumps(body), fault.delay_ms / 1000)
            return True
        if fault.kind == "endless":
            limit = int(fault.limit_mb * 1024 * 1024) if fault.limit_mb else None
            reply.body = endless_of(body, limit)
            return True
        if fault.kind == "endless-nextlink":
            if isinstance(body.get("value"), list):
                body["nextLink"] = f"https://{request.host}{request.path_qs}"
                return True
            if "data" in body:
                body["$skipToken"] = encode_token(
                    {"o": 0, "t": max(1, int(body.get("count") or 1))}
                )
                return True
        return False

    # Non-ARM routes -----------------------------------------------------------------------

    async def _invoke(
        self, request: web.Request, path: str, found: re.Match[str]
    ) -> web.StreamResponse:
        fault = self.faults.peek(path, pre=True)
        try:
            if fault is not None:
                self.faults.consume(fault)
                await self._pre_fault(fault, "Microsoft.Logic/workflows/triggers/run/action", path)
            reply = await invoke(request, self._state, found.group("wf"), found.group("trigger"))
        except ArmError as err:
            reply = Reply(err.status, err.envelope(), err.headers)
        return self._render(request, reply, arm=False)

    async def _gateway_answer(self, request: web.Request, path: str) -> web.StreamResponse:
        # ARM faults reach the gateway only when their match regex names it explicitly, and
        # answer in APIM's body shape rather than ARM's envelope.
        fault = self.faults.peek(path, pre=True, explicit=True)
        try:
            if fault is not None:
                self.faults.consume(fault)
                await self._pre_fault(fault, "Microsoft.ApiManagement/service/gateway", path)
            reply = self._gateway.answer(request, path)
        except ArmError as err:
            reply = Reply(err.status, {"statusCode": err.status, "message": err.message})
            reply.headers.update(err.headers)
        post = self.faults.peek(path, pre=False, explicit=True)
        if post is not None and reply.status == 200 and self._post_fault(post, request, reply):
            self.faults.consume(post)
        return await self._send(request, reply, arm=False)

    async def _admin(self, request: web.Request, path: str) -> web.StreamResponse:
        try:
            self._authenticate(request)
            if path == "/_emulator/faults" and request.method == "POST":
                spec = await _json(request)
                try:
                    fault = self.faults.add(
                        str(spec.get("kind")),
                        count=spec.get("count", 1),
                        match=spec.get("match"),
                        retry_after=float(spec.get("retry_after", 1)),
                        delay_ms=int(spec.get("delay_ms", 2000)),
                        status=spec.get("status"),
                        limit_mb=spec.get("limit_mb"),
                    )
                except (TypeError, ValueError) as exc:
                    raise ArmError(400, "InvalidFault", str(exc)) from exc
                return self._render(
                    request, Reply(201, {"kind": fault.kind, "count": fault.count}), arm=False
                )
            if path == "/_emulator/faults" and request.method == "DELETE":
                self.faults.clear()
                return self._render(request, Reply(204), arm=False)
            if path == "/_emulator/alerts" and request.method == "POST":
                spec = await _json(request)
                alerts = await self.add_alerts(
                    int(spec.get("count", 1)), spec.get("subscriptionId")
                )
                return self._render(
                    request, Reply(201, {"value": [payloads.alert(a) for a in alerts]}), arm=False
                )
            raise ArmError(404, "NotFound", f"No emulator admin route '{request.method} {path}'.")
        except ArmError as err:
            return self._render(request, Reply(err.status, err.envelope(), err.headers), arm=False)

    # Rendering ------------------------------------------------------------------------------

    async def _send(self, request: web.Request, reply: Reply, arm: bool = True
                    ) -> web.StreamResponse:
        """The reply, streamed when a fault made it trickle or never end."""
        if not isinstance(reply.body, (Trickle, Endless)):
            return self._render(request, reply, arm)
        task = asyncio.current_task()
        assert task is not None
        self._streams.add(task)
        try:
            return await stream(request, reply.status, self._headers(request, reply, arm),
                                reply.body)
        finally:
            self._streams.discard(task)

    def _render(self, request: web.Request, reply: Reply, arm: bool = True) -> web.Response:
        headers = self._headers(request, reply, arm)
        if reply.body is None:
            return web.Response(status=reply.status, headers=headers)
        text = (
            reply.body.text if isinstance(reply.body, (_Raw, Rendered)) else dumps(reply.body)
        )
        if self.config.hostile and not request.path.startswith("/_emulator/"):
            text = poison_text(text, request.host)
        return web.Response(
            status=reply.status,
            text=text,
            content_type="application/json",
            charset="utf-8",
            headers=headers,
        )

    def _headers(self, request: web.Request, reply: Reply, arm: bool) -> dict[str, str]:
        headers = dict(reply.headers)
        if arm:
            headers.setdefault("x-ms-request-id", str(uuid.uuid4()))
            headers.setdefault(
                "x-ms-correlation-request-id",
                request.headers.get("x-ms-correlation-request-id") or str(uuid.uuid4()),
            )
            self._reads_left = self._reads_left - 1 if self._reads_left > 1 else 11999
            kind = "reads" if request.method == "GET" else "writes"
            headers.setdefault(
                f"x-ms-ratelimit-remaining-subscription-{kind}", str(self._reads_left)
            )
        return headers


class _Raw:
    """A body sent exactly as given (the malformed fault's truncated JSON)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _replace_enums(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                UNKNOWN_ENUMS[k] if k in UNKNOWN_ENUMS and isinstance(v, str) else _replace_enums(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replace_enums(v) for v in value]
    return value


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.text() or "{}")
    except ValueError as exc:
        raise ArmError(400, "InvalidRequestContent", "The body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise ArmError(400, "InvalidRequestContent", "The body must be a JSON object.")
    return body
