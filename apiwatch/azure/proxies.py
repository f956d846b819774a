"""Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as a jump host sets them,
read once per session. aiohttp's `trust_env` reads them too, but it also looks up ~/.netrc on a
worker thread before every request: on a large tenant that thread hop per request was a quarter
of a full refresh's CPU and most of the event loop's stalls, and a netrc login for ARM's host
would clash with the bearer token anyway."""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit


@dataclass(frozen=True)
class EnvProxies:
    proxies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_env(cls) -> EnvProxies:
        return cls(MappingProxyType(dict(urllib.request.getproxies_environment())))

    def for_url(self, url: str) -> str | None:
        """The proxy URL to send `url` through, or None to go direct (no proxy for its scheme,
        or its host is in NO_PROXY)."""
        parts = urlsplit(url)
        proxy = self.proxies.get(parts.scheme)
        if not proxy or not parts.netloc:
            return None
        if urllib.request.proxy_bypass_environment(parts.netloc, dict(self.proxies)):
            return None
        return proxy
