"""Proxies come from the environment, as on a jump host: HTTPS_PROXY carries ARM's requests
through a CONNECT tunnel, NO_PROXY lets a host go direct."""

from __future__ import annotations

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


def test_proxy_is_chosen_by_scheme_and_no_proxy(monkeypatch):
    clear_proxy_env(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", ".internal.corp")
    proxies = EnvProxies.from_env()
    assert proxies.for_url("https://management.azure.com/x") == "http://user:pw@proxy.corp:3128"
    assert proxies.for_url("https://apim.internal.corp/orders") is None
    assert proxies.for_url("http://plain.example/") is None  # no HTTP_PROXY set
    assert EnvProxies().for_url("https://management.azure.com/") is None
