"""List items' JSON kept as text (fragments.py): the same bytes as rendering each body whole, and
never stale after a change."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.emulator.fragments import Fragments, compose, join, slot
from apiwatch.emulator.wire import dumps

from .conftest import FAST, Arm

V_ALERTS = "api-version=2022-01-01"
V_APIM = "api-version=2024-05-01"
GRAPH = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01"
QUERY = (
    "securityresources | where type == 'microsoft.security/apicollections/apiendpoints'"
    " | project id, name, type, subscriptionId, resourceGroup, properties"
)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(replace(FAST, prerender=True)) as emulator:
        yield emulator


async def raw(arm: Arm, method: str, path: str, **kwargs: Any) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {arm.emu.token}"}
    async with arm.session.request(
        method, arm.url(path), ssl=arm.ssl, headers=headers, **kwargs
    ) as resp:
        return resp.status, await resp.read()


def _paths(emu: Emulator) -> dict[str, str]:
    sub = emu.tenant.readable_subscriptions[0]
    svc = sub.services[0]
    api = svc.apis[0]
    ms = f"{sub.id}/providers/Microsoft.Security"
    return {
        "alerts": f"{ms}/alerts?{V_ALERTS}",
        "assessments": f"{ms}/assessments?api-version=2021-06-01",
        "assessments with risk": f"{ms}/assessments?api-version=2025-05-04",
        "operations": f"{api.id}/operations?{V_APIM}",
        "operations, $top": f"{api.id}/operations?{V_APIM}&$top=3",
    }


async def read_pages(arm: Arm) -> dict[str, bytes]:
    """Every body under test: the first two pages of each list, Resource Graph pages."""
    out: dict[str, bytes] = {}
    for label, path in _paths(arm.emu).items():
        status, first = await raw(arm, "GET", path)
        assert status == 200, first
        out[label] = first
        next_link = json.loads(first).get("nextLink")
        if next_link:
            status, out[f"{label}, page 2"] = await raw(arm, "GET", next_link)
            assert status == 200
    subs = [s.subscription_id for s in arm.emu.tenant.subscriptions]
    for form in ("objectArray", "table"):
        options: dict[str, Any] = {"$top": 4, "resultFormat": form}
        for number in (1, 2):
            status, body = await raw(
                arm, "POST", GRAPH, json={"query": QUERY, "subscriptions": subs, "options": options}
            )
            assert status == 200, body
            out[f"graph {form} {number}"] = body
            options = {**options, "$skipToken": json.loads(body)["$skipToken"]}
    return out


async def read_whole(arm: Arm) -> dict[str, bytes]:
    """The same bodies rendered from their dicts, without the kept fragments."""
    arm.emu._state.fragments.enabled = False
    try:
        return await read_pages(arm)
    finally:
        arm.emu._state.fragments.enabled = True


def test_a_body_composed_of_fragments_is_the_whole_dump() -> None:
    rng = random.Random(5)
    words = ["plain", "é ü ß", "日本", 'quote " and \\ slash', "tab\tnew\nline", "\x00\x1f", "€"]

    def value(depth: int) -> Any:
        kind = rng.randrange(8 if depth < 3 else 5)
        if kind == 0:
            return rng.choice(words)
        if kind == 1:
            return rng.randint(-(10**12), 10**12)
        if kind == 2:
            return rng.choice([0.1, -2.5e-7, 1e21, 3.0, float("inf")])
        if kind == 3:
            return rng.choice([None, True, False])
        if kind == 4:
            return ""
        if kind == 5:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {rng.choice(words) + str(i): value(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(200):
        items = [value(0) for _ in range(rng.randrange(5))]
        body = {"value": slot(), "count": len(items), "nextLink": "https://x/?$skipToken=a"}
        assert compose(body, join([dumps(i) for i in items])) == dumps({**body, "value": items})
    assert compose({"a": slot(), "b": slot()}, "[]") is None  # never a guess


async def test_pages_are_the_bytes_of_the_whole_rendering(emu: Emulator, arm: Arm) -> None:
    assert len(emu._state.fragments) > 0  # rendered at start
    first = await read_pages(arm)
    again = await read_pages(arm)
    whole = await read_whole(arm)
    assert first == again == whole
    assert len(first) == 14


async def test_changes_through_the_api_show_on_the_next_read(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    alerts_url = _paths(emu)["alerts"]
    before = await read_pages(arm)

    newest = sub.alerts[-1]
    assert newest.status != "Dismissed"
    status, _ = await raw(
        arm,
        "POST",
        f"{sub.id}/providers/Microsoft.Security/locations/{newest.asc_location}/alerts/"
        f"{newest.name}/dismiss?{V_ALERTS}",
    )
    assert status == 204
    after = await read_pages(arm)
    assert after["alerts"] != before["alerts"]
    shown = json.loads(after["alerts"])["value"][0]
    assert (shown["name"], shown["properties"]["status"]) == (newest.name, "Dismissed")
    assert after == await read_whole(arm)

    (added,) = await emu.add_alerts(1, sub.subscription_id)
    _, body = await raw(arm, "GET", alerts_url)
    assert json.loads(body)["value"][0]["name"] == added.name
    assert body == (await read_whole(arm))["alerts"]

    # Offboarding an API rebuilds the subscription's assessments and drops its graph rows.
    svc = sub.services[0]
    api = next(a for a in svc.apis if a.onboarded)
    status, _ = await raw(
        arm, "DELETE", f"{svc.id}/providers/Microsoft.Security/apiCollections/{api.name}?"
        "api-version=2023-11-15"
    )
    assert status == 200
    offboarded = await read_pages(arm)
    total = json.loads(offboarded["graph objectArray 1"])["totalRecords"]
    assert total == json.loads(before["graph objectArray 1"])["totalRecords"] - len(api.operations)
    assert offboarded["assessments"] != after["assessments"]
    assert offboarded == await read_whole(arm)


async def test_changes_made_by_hand(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.readable_subscriptions[0]
    paths = _paths(emu)
    await read_pages(arm)
    # An alert's fragment is stamped with its status: a status set by hand shows too.
    sub.alerts[-1].status = "Resolved"
    _, body = await raw(arm, "GET", paths["alerts"])
    assert json.loads(body)["value"][0]["properties"]["status"] == "Resolved"
    # Anything else changed in place needs invalidate().
    op = sub.services[0].apis[0].operations[0]
    op.display_name = "Renamed by hand"
    emu.invalidate()
    _, body = await raw(arm, "GET", paths["operations"])
    assert json.loads(body)["value"][0]["properties"]["displayName"] == "Renamed by hand"
    assert await read_pages(arm) == await read_whole(arm)


async def test_post_faults_still_rewrite_a_kept_list(emu: Emulator, arm: Arm) -> None:
    url = _paths(emu)["alerts"]
    _, plain = await raw(arm, "GET", url)
    emu.faults.add("unknown-enum", match="/alerts$")
    _, odd = await raw(arm, "GET", url)
    assert {a["properties"]["status"] for a in json.loads(odd)["value"]} == {"Snoozed"}
    emu.faults.add("malformed", match="/alerts$")
    _, broken = await raw(arm, "GET", url)
    with pytest.raises(ValueError):
        json.loads(broken)
    assert (await raw(arm, "GET", url))[1] == plain


async def test_a_full_store_renders_as_without_it() -> None:
    class Changes:
        version = 0

    kept = Fragments(Changes(), limit=40)  # type: ignore[arg-type]
    items = [{"n": i, "text": "x" * 10} for i in range(5)]
    texts = [kept.text("item", item, dict) for item in items]
    assert texts == [dumps(i) for i in items]
    assert 0 < len(kept) < len(items) and kept.size <= 40
    Changes.version = 1
    assert len(kept) == 0


def test_prerender_is_on_when_latency_models_arm() -> None:
    assert not EmulatorConfig().prerender_enabled
    assert EmulatorConfig(latency_ms=25).prerender_enabled
    assert not EmulatorConfig(latency_ms=25, prerender=False).prerender_enabled
    assert EmulatorConfig(prerender=True).prerender_enabled


async def test_a_restart_on_the_same_port_keeps_serving_the_same_bytes(
    emu: Emulator, arm: Arm
) -> None:
    before = await read_pages(arm)
    await emu.stop()
    await emu.start()
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        assert await read_pages(Arm(emu, session)) == before


def test_timestamps_are_strftime_s_text() -> None:
    from datetime import datetime, timedelta, timezone

    from apiwatch.emulator.wire import iso3, iso7

    rng = random.Random(3)
    zones = [timezone.utc, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=45))]
    for _ in range(5000):
        moment = datetime(
            rng.choice([1, 999, 1000, 1970, 2026, 9998]),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.choice([0, 999, 1000, 999999, rng.randint(0, 999999)]),
            tzinfo=rng.choice(zones),
        )
        try:
            utc = moment.astimezone(timezone.utc)
        except OverflowError:
            continue
        assert iso7(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
        assert iso3(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
