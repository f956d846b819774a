"""Credentials from `azure.identity.aio`, chosen by configuration."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from azure.core.credentials import AccessToken

from ..config import AzureSettings, is_loopback_url


class StaticTokenCredential:
    """A fixed bearer token. Only for loopback endpoints (the emulator), so that a token meant for
    a test server can never be sent to something real by mistake."""

    def __init__(self, token: str, resource_manager: str) -> None:
        if not is_loopback_url(resource_manager):
            raise ValueError("a static token may only be sent to a loopback address")
        self._token = token

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> StaticTokenCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:  # never show the token
        return "StaticTokenCredential(<redacted>)"


class _DeviceCode:
    """azure.identity.aio has no device-code credential: run the sync one off the event loop."""

    def __init__(self, **kwargs: Any) -> None:
        from azure.identity import DeviceCodeCredential

        self._sync = DeviceCodeCredential(prompt_callback=_print_device_code, **kwargs)

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return await asyncio.to_thread(self._sync.get_token, *scopes, **kwargs)

    async def close(self) -> None:
        self._sync.close()


def _print_device_code(verification_uri: str, user_code: str, expires_on: Any) -> None:
    print(f"To sign in, open {verification_uri} and enter the code {user_code}", file=sys.stderr)


def make_credential(settings: AzureSettings) -> Any:
    """The async credential the settings ask for. Import lazily: azure.identity is slow to load."""
    kind = settings.credential
    if kind == "static":
        return StaticTokenCredential(settings.token or "", settings.resource_manager)
    common: dict[str, Any] = {}
    if settings.authority:
        common["authority"] = settings.authority
    if kind == "cli":
        from azure.identity.aio import AzureCliCredential

        return AzureCliCredential(tenant_id=settings.tenant_id)
    if kind == "managed-identity":
        from azure.identity.aio import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=settings.client_id)
    if kind == "device-code":
        return _DeviceCode(tenant_id=settings.tenant_id, client_id=settings.client_id, **common)
    from azure.identity.aio import DefaultAzureCredential

    if settings.client_id:
        common["managed_identity_client_id"] = settings.client_id
    if settings.tenant_id:
        common["additionally_allowed_tenants"] = [settings.tenant_id]
        common["workload_identity_tenant_id"] = settings.tenant_id
    return DefaultAzureCredential(**common)
