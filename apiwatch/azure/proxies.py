"""Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as a jump host sets them,
read once per session. aiohttp's `trust_env` reads them too, but it also looks up ~/.netrc on a
worker thread before every request: on a large tenant that thread hop per request was a quarter
of a full refresh's CPU and most of the event loop's stalls, and a netrc login for ARM's host
would clash with the bearer token anyway.

A proxy's login (http://user:password@proxy:3128) is taken out of its URL and sent as
Proxy-Authorization: aiohttp puts the proxy URL into its error messages, which reach the screen."""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy


@dataclass(frozen=True)
class Proxy:
    url: str  # without its login
    authorization: str | None = field(default=None, repr=False)  # Proxy-Authorization

    @classmethod
    def parse(cls, raw: str) -> Proxy:
        parts = urlsplit(raw if "://" in raw else f"http://{raw}")
        if parts.username is None:
            return cls(urlunsplit(parts))
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            netloc += f":{parts.port}"
        login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(login.encode()).decode()
        return cls(urlunsplit(parts._replace(netloc=netloc)), authorization)

    def request_kwargs(self) -> dict[str, Any]:
        """For aiohttp's `request` (and azure-core's transport, which passes them on)."""
        kwargs: dict[str, Any] = {"proxy": self.url}
        if self.authorization is not None:
            kwargs["proxy_headers"] = {"Proxy-Authorization": self.authorization}
        return kwargs


@dataclass(frozen=True)
class EnvProxies:
    proxies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @classmethod
    def from_env(cls) -> EnvProxies:
        return cls(MappingProxyType(dict(urllib.request.getproxies_environment())))

    def for_url(self, url: str) -> Proxy | None:
        """The proxy to send `url` through, or None to go direct (no proxy for its scheme, or
        its host is in NO_PROXY)."""
        parts = urlsplit(url)
        raw = self.proxies.get(parts.scheme)
        if not raw or not parts.hostname:
            return None
        # the bare host, as NO_PROXY lists them (an IPv6 address without brackets or port)
        if urllib.request.proxy_bypass_environment(parts.hostname, dict(self.proxies)):
            return None
        return Proxy.parse(raw)

    def request_kwargs(self, url: str) -> dict[str, Any]:
        proxy = self.for_url(url)
        return proxy.request_kwargs() if proxy is not None else {}


class ArmProxyPolicy(SansIOHTTPPolicy[Any, Any]):
    """ARM's proxy (one host: one choice) and its login, handed to the transport with each
    request; azure-core's own ProxyPolicy would carry the login inside the URL."""

    def __init__(self, proxy: Proxy | None) -> None:
        self._kwargs = proxy.request_kwargs() if proxy is not None else {}

    def on_request(self, request: PipelineRequest[Any]) -> None:
        for key, value in self._kwargs.items():
            request.context.options.setdefault(key, value)
