"""A forward proxy that only tunnels (CONNECT), as corporate proxies do for HTTPS, for tests
of the proxy settings a jump host gives; optionally asking for a login (Basic)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from apiwatch.azure.session import ArmSession

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
                   "no_proxy", "ALL_PROXY", "all_proxy")


class ConnectProxy:
    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.tunnels: list[str] = []
        self.refused = 0
        self.url = ""
        self._login = login
        self._server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> ConnectProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def _allowed(self, head: bytes) -> bool:
        if self._login is None:
            return True
        token = base64.b64encode(":".join(self._login).encode()).decode()
        lines = head.decode("latin-1").split("\r\n")[1:]
        return any(line.lower().startswith("proxy-authorization:")
                   and line.split(":", 1)[1].strip() == f"Basic {token}" for line in lines)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            writer.close()
            return
        if not self._allowed(head):
            self.refused += 1
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"corp\"\r\ncontent-length: 0\r\n\r\n")
            writer.close()
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def one_connection_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pooled connections: each request opens its own, so each one through the proxy is a
    tunnel of its own and can be counted."""
    monkeypatch.setattr(aiohttp, "TCPConnector",
                        functools.partial(aiohttp.TCPConnector, force_close=True))


@contextlib.asynccontextmanager
async def proxied_session(settings: Any, monkeypatch: pytest.MonkeyPatch
                          ) -> AsyncIterator[tuple[ConnectProxy, ArmSession]]:
    """An ArmSession whose environment names a proxy, one connection (so one tunnel) per
    request."""
    clear_proxy_env(monkeypatch)
    one_connection_per_request(monkeypatch)
    async with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with ArmSession(settings) as session:
            yield proxy, session
