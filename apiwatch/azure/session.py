"""One session to ARM: the credential, one shared aiohttp connection pool, and the SDK clients
(one per subscription, created on first use) that all send through it."""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Mapping
from typing import Any

import aiohttp
from azure.core.exceptions import DecodeError, HttpResponseError
from azure.core.pipeline import policies
from azure.core.rest import HttpRequest
from azure.mgmt.apimanagement.aio import ApiManagementClient
from azure.mgmt.core import AsyncARMPipelineClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.core.policies import (
    ARMHttpLoggingPolicy,
    AsyncARMAutoResourceProviderRegistrationPolicy,
)
from azure.mgmt.security.aio import SecurityCenter

from .. import __version__
from ..config import AzureSettings
from .auth import ArmHostOnlyPolicy, RenewingAuthPolicy
from .bounds import BoundedRetryPolicy, BoundedTransport, bounded_response
from .credentials import make_credential
from .pages import ListingDecodePolicy
from .proxies import ArmProxyPolicy, EnvProxies

USER_AGENT = f"apiwatch/{__version__}"

# The SDK model warns for every assessment whose `resourceDetails` spells `Source` with a capital,
# as live Azure does; apiwatch reads those items from the wire JSON itself, so the warning is noise.
logging.getLogger("azure.mgmt.security._serialization").setLevel(logging.ERROR)


class ArmSession:
    """Async context manager; close it to release the pool and the credential."""

    def __init__(self, settings: AzureSettings, credential: Any | None = None) -> None:
        self.settings = settings
        self.endpoint = settings.resource_manager.rstrip("/")
        self._credential = credential
        self._owns_credential = credential is None
        self._http: aiohttp.ClientSession | None = None
        self._security: dict[str, SecurityCenter] = {}
        self._apim: dict[str, ApiManagementClient] = {}
        self._raw: AsyncARMPipelineClient | None = None
        self.proxies = EnvProxies()

    async def __aenter__(self) -> ArmSession:
        if self._credential is None:
            self._credential = make_credential(self.settings)
        context = ssl.create_default_context(
            cafile=str(self.settings.ca_bundle) if self.settings.ca_bundle else None
        )
        # azure-core builds a fresh SSLContext per request when given a CA path; a context on the
        # shared connector is loaded once and reused by every connection.
        connector = aiohttp.TCPConnector(
            ssl=context, limit=self.settings.max_connections, ttl_dns_cache=300
        )
        self.proxies = EnvProxies.from_env()
        # not trust_env: see proxies.py; each request is given its proxy instead. No answer on
        # the pool is read past max_response_mb (bounds.py).
        self._http = aiohttp.ClientSession(
            connector=connector,
            response_class=bounded_response(self.settings.max_response_mb))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        for client in [*self._security.values(), *self._apim.values()]:
            await client.close()
        self._security.clear()
        self._apim.clear()
        if self._raw is not None:
            await self._raw.close()
            self._raw = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._owns_credential and self._credential is not None:
            close = getattr(self._credential, "close", None)
            if close is not None:
                await close()
            self._credential = None

    @property
    def credential(self) -> Any:
        return self._credential

    @property
    def http(self) -> aiohttp.ClientSession:
        """The shared pool, for requests outside ARM (logic-app callbacks, gateway probes): they
        go out without the ARM bearer token, which must never leave for another host."""
        if self._http is None:
            raise RuntimeError("ArmSession used outside `async with`")
        return self._http

    def _transport(self) -> BoundedTransport:
        if self._http is None:
            raise RuntimeError("ArmSession used outside `async with`")
        # Timeouts belong to the transport: given one, azure-core ignores the clients' own.
        # Its socket timeouts bound one read each; the deadline bounds the whole answer.
        return BoundedTransport(
            session=self._http, session_owner=False,
            connection_timeout=min(self.settings.timeout_seconds, 30),
            read_timeout=self.settings.timeout_seconds,
            deadline=self.settings.timeout_seconds,
        )

    def _policies(self) -> list[Any]:
        """The SDKs' own ARM pipeline, in their order, with four of ours: list pages decoded
        only when their bytes changed, retries that leave an answer too slow or too large to
        the poller, requests to any host but ARM's refused before the token is added, and a
        token renewed before it expires."""
        s = self.settings
        return [
            policies.RequestIdPolicy(),
            policies.HeadersPolicy(),
            policies.UserAgentPolicy(user_agent=USER_AGENT),
            ArmProxyPolicy(self.proxies.for_url(self.endpoint)),
            ListingDecodePolicy(),
            AsyncARMAutoResourceProviderRegistrationPolicy(),
            policies.AsyncRedirectPolicy(),
            BoundedRetryPolicy(retry_total=s.retries, retry_backoff_max=30),
            ArmHostOnlyPolicy(self.endpoint),
            RenewingAuthPolicy(self._credential, s.scope),
            policies.CustomHookPolicy(),
            policies.NetworkTraceLoggingPolicy(),
            # a redirect to another host must not carry the bearer token there
            policies.SensitiveHeaderCleanupPolicy(),
            ARMHttpLoggingPolicy(),
        ]

    def proxy_kwargs(self, url: str) -> dict[str, Any]:
        """`proxy` (and `proxy_headers` with its login) for a request sent on `http` (outside
        ARM's pipeline), from the environment; empty to go direct."""
        return self.proxies.request_kwargs(url)

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.endpoint,
            "credential_scopes": [self.settings.scope],
            "transport": self._transport(),
            "policies": self._policies(),
        }

    def security(self, subscription_id: str) -> SecurityCenter:
        client = self._security.get(subscription_id)
        if client is None:
            client = SecurityCenter(self._credential, subscription_id, **self._client_kwargs())
            self._security[subscription_id] = client
        return client

    def apim(self, subscription_id: str) -> ApiManagementClient:
        client = self._apim.get(subscription_id)
        if client is None:
            client = ApiManagementClient(self._credential, subscription_id, **self._client_kwargs())
            self._apim[subscription_id] = client
        return client

    @property
    def raw(self) -> AsyncARMPipelineClient:
        """The same ARM pipeline (auth, retries, throttling) for APIs without an SDK here:
        subscriptions, Logic workflows and Resource Graph."""
        if self._raw is None:
            self._raw = AsyncARMPipelineClient(
                base_url=self.endpoint, policies=self._policies(), transport=self._transport())
        return self._raw

    def url(self, path: str, api_version: str) -> str:
        return f"{self.endpoint}{path}?api-version={api_version}"

    async def request_json(
        self, method: str, url: str, body: Mapping[str, Any] | None = None
    ) -> tuple[Any, Mapping[str, str], int]:
        """Send through the raw ARM pipeline; raise HttpResponseError for an ARM error."""
        response = await self.request_bytes(method, url, body)
        try:
            data = json.loads(response.content) if response.content else None
        except ValueError:
            raise DecodeError("response is not valid JSON", response=response) from None
        return data, response.headers, response.status_code

    async def request_bytes(self, method: str, url: str, body: Mapping[str, Any] | None = None
                            ) -> Any:
        """The answer undecoded (its `content` is bytes), or HttpResponseError for an ARM error."""
        extra = {} if body is None else {"json": body}
        response = await self.raw.send_request(HttpRequest(method, url, **extra))
        if response.status_code >= 400:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        return response
