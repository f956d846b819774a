"""The emulator's hostile mode: attackers' payloads in every free-text string, structure kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest

from apiwatch.emulator import Emulator
from apiwatch.emulator.__main__ import config_from_args
from apiwatch.emulator.hostile import PAYLOADS, poison

from .conftest import FAST, Arm

V_ALERTS = "api-version=2022-01-01"


@pytest.fixture
async def hostile_arm() -> AsyncIterator[Arm]:
    async with Emulator(replace(FAST, hostile=True)) as emu, aiohttp.ClientSession() as s:
        yield Arm(emu, s)


def carries_payload(text: str) -> bool:
    return any(text.endswith(p) for p in PAYLOADS)


async def test_alerts_carry_payloads_and_keep_their_structure(hostile_arm):
    arm = hostile_arm
    sub = arm.emu.tenant.readable_subscriptions[0]
    listed = await arm.get_all(
        f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/alerts?{V_ALERTS}")
    truth = {a.name: a for a in sub.alerts}
    assert {a["name"] for a in listed} == set(truth)  # names and ids are structure: untouched
    for item in listed:
        props = item["properties"]
        assert carries_payload(props["alertDisplayName"]) and carries_payload(props["description"])
        assert props["alertDisplayName"].startswith(truth[item["name"]].display_name)
        assert props["severity"] in ("High", "Medium", "Low", "Informational")
        assert props["timeGeneratedUtc"][:4].isdigit()
        # attackers name keys too
        extended = props.get("extendedProperties") or {}
        assert not extended or any("\x1b" in key for key in extended)
    # the same alert reads the same by id as in the list
    one = listed[0]
    status, by_id, _ = await arm.get(f"{one['id']}?{V_ALERTS}")
    assert status == 200 and by_id["properties"]["alertDisplayName"] == \
        one["properties"]["alertDisplayName"]


async def test_the_wire_is_ascii_so_a_lone_surrogate_survives(hostile_arm):
    arm = hostile_arm
    sub = arm.emu.tenant.readable_subscriptions[0]
    url = arm.url(f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Security/alerts?"
                  f"{V_ALERTS}")
    async with arm.session.get(url, ssl=arm.ssl,
                               headers={"Authorization": f"Bearer {arm.emu.token}"}) as resp:
        raw = await resp.read()
    raw.decode("ascii")  # every non-ASCII character escaped
    assert b"\\u001b" in raw


async def test_writes_still_work_in_hostile_mode(hostile_arm):
    arm = hostile_arm
    alert = next(a for a in arm.emu.tenant.readable_subscriptions[0].alerts
                 if a.status == "Active")
    status, _, _ = await arm.post(f"{alert.id}/dismiss?{V_ALERTS}")
    assert status == 204
    assert alert.status == "Dismissed"


def test_structure_is_kept():
    body = {"id": "/subscriptions/x", "name": "n", "properties": {
        "severity": "High", "startTimeUtc": "2026-01-01T00:00:00Z", "count": "17",
        "alertUri": "https://portal.azure.com/x", "callback": "https://127.0.0.1:4443/cb",
        "displayName": "Shipping API"}}
    out = poison(body, "127.0.0.1:4443")
    assert {k: v for k, v in out["properties"].items() if k != "displayName"} == \
        {k: v for k, v in body["properties"].items() if k != "displayName"}
    assert out["id"] == body["id"] and out["name"] == "n"
    assert out["properties"]["displayName"].startswith("Shipping API")
    assert carries_payload(out["properties"]["displayName"])


def test_the_flag():
    assert config_from_args(["--hostile"]).hostile
    assert not config_from_args([]).hostile
