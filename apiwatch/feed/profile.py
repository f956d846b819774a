"""Which tenant a cache belongs to: cached JSON is only ever loaded for the one it was read from."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..config import is_loopback_url


def cache_profile(resource_manager: str, subscriptions: tuple[str, ...],
                  tenant_id: str | None = None) -> str:
    """The cache's key for this endpoint, tenant and subscriptions. A loopback emulator's port
    changes every run, so all loopback endpoints are one."""
    parts = urlsplit(resource_manager)
    host = "loopback" if is_loopback_url(resource_manager) else (parts.netloc or resource_manager)
    profile = host + (f"|tenant={tenant_id.lower()}" if tenant_id else "")
    return profile + ("|" + ",".join(sorted(s.lower() for s in subscriptions)) if subscriptions
                      else "")
