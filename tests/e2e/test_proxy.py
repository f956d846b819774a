"""Proxies come from the environment, as on a jump host: HTTPS_PROXY carries ARM's requests
through a CONNECT tunnel, NO_PROXY lets a host go direct."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from apiwatch.azure.proxies import EnvProxies
from apiwatch.azure.session import ArmSession
from apiwatch.azure.sources import read_source

from ..connect_proxy import ConnectProxy, clear_proxy_env
from .conftest import settings_for


async def test_arm_requests_go_through_https_proxy(emulator, monkeypatch):
    clear_proxy_env(monkeypatch)
    async with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with ArmSession(settings_for(emulator)) as session:
            read = await read_source(session, "subscriptions")
    assert read.ok and read.value
    assert proxy.tunnels and set(proxy.tunnels) == {urlsplit(emulator.url).netloc}


async def test_no_proxy_host_goes_direct(emulator, monkeypatch):
    clear_proxy_env(monkeypatch)
    async with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", f"example.org,{urlsplit(emulator.url).hostname}")
        async with ArmSession(settings_for(emulator)) as session:
            read = await read_source(session, "subscriptions")
    assert read.ok and read.value
    assert proxy.tunnels == []


async def test_a_proxy_login_is_sent_and_never_shown(emulator, monkeypatch):
    clear_proxy_env(monkeypatch)
    async with ConnectProxy(login=("alice", "s3cr:t")) as proxy:
        host = proxy.url.removeprefix("http://")
        monkeypatch.setenv("HTTPS_PROXY", f"http://alice:s3cr%3At@{host}")
        async with ArmSession(settings_for(emulator)) as session:
            read = await read_source(session, "subscriptions")
        assert read.ok and proxy.tunnels and proxy.refused == 0

        monkeypatch.setenv("HTTPS_PROXY", f"http://alice:WrongPassw0rd@{host}")
        async with ArmSession(settings_for(emulator)) as session:
            refused = await read_source(session, "subscriptions")
    assert not refused.ok and proxy.refused >= 1
    message = refused.failure.message
    assert "407" in message and "WrongPassw0rd" not in message and "alice" not in message


def test_proxy_is_chosen_by_scheme_and_no_proxy(monkeypatch):
    clear_proxy_env(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://user:p%40ss@proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", ".internal.corp,fd00::5")
    proxies = EnvProxies.from_env()
    proxy = proxies.for_url("https://management.azure.com/x")
    assert proxy is not None and proxy.url == "http://proxy.corp:3128"
    assert proxy.authorization == "Basic " + base64.b64encode(b"user:p@ss").decode()
    assert "p@ss" not in repr(proxy) and "p%40ss" not in repr(proxies)
    assert proxies.for_url("https://apim.internal.corp/orders") is None
    assert proxies.for_url("https://[fd00::5]:8443/orders") is None  # NO_PROXY's bare address
    assert proxies.for_url("http://plain.example/") is None  # no HTTP_PROXY set
    assert EnvProxies().for_url("https://management.azure.com/") is None
