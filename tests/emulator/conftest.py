"""Fixtures: a fast emulator and an aiohttp session that trusts its CA and carries its token."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from apiwatch.emulator import Emulator, EmulatorConfig

FAST = EmulatorConfig(lro_seconds=0.3, run_seconds=0.3, page_size=5)


class Arm:
    """A tiny ARM client for tests: absolute or relative URLs, JSON in and out."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession) -> None:
        self.emu = emu
        self.session = session
        self.ssl = ssl.create_default_context(cafile=str(emu.ca_path))

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else f"{self.emu.url}{path}"

    async def call(
        self, method: str, path: str, *, token: str | None = "default", **kwargs: Any
    ) -> tuple[int, Any, dict[str, str]]:
        headers = dict(kwargs.pop("headers", {}))
        if token == "default":
            token = self.emu.token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.session.request(
            method, self.url(path), ssl=self.ssl, headers=headers, **kwargs
        ) as resp:
            text = await resp.text()
            try:
                body = await resp.json(content_type=None) if text else None
            except ValueError:
                body = text
            return resp.status, body, dict(resp.headers)

    async def get(self, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
        return await self.call("POST", path, **kwargs)

    async def get_all(self, path: str) -> list[dict[str, Any]]:
        """Follow nextLink to the end; fails on a loop rather than hanging."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        url: str | None = path
        while url:
            assert url not in seen, f"nextLink loop at {url}"
            seen.add(url)
            status, body, _ = await self.get(url)
            assert status == 200, body
            items.extend(body["value"])
            url = body.get("nextLink") or None
        return items


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(FAST) as emulator:
        yield emulator


@pytest.fixture
async def arm(emu: Emulator) -> AsyncIterator[Arm]:
    # force_close: a fresh connection per request, so aiohttp never silently retries a reset.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield Arm(emu, session)
