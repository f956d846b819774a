"""Every fault kind, on demand and through the admin route."""

from __future__ import annotations

import asyncio
import json
import ssl
import time

import aiohttp
import pytest

from apiwatch.emulator import Emulator

from .conftest import Arm


def _alerts_path(emu: Emulator) -> str:
    sub = emu.tenant.readable_subscriptions[0].subscription_id
    return f"/subscriptions/{sub}/providers/Microsoft.Security/alerts?api-version=2022-01-01"


async def test_throttle_answers_429_with_retry_after_then_recovers(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("throttle", count=1, retry_after=3)
    status, body, headers = await arm.get(_alerts_path(emu))
    assert status == 429
    assert headers["Retry-After"] == "3"
    assert body["error"]["code"] == "SubscriptionRequestsThrottled"
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 200


@pytest.mark.parametrize(
    ("status", "code"), [(500, "InternalServerError"), (503, "ServiceUnavailable")]
)
async def test_error_fault_answers_5xx_envelope(
    emu: Emulator, arm: Arm, status: int, code: str
) -> None:
    emu.faults.add("error", status=status)
    got, body, _ = await arm.get(_alerts_path(emu))
    assert got == status
    assert body["error"]["code"] == code


async def test_reset_drops_the_connection(emu: Emulator, arm: Arm) -> None:
    # A raw socket: aiohttp itself silently retries an idempotent GET after a disconnect.
    emu.faults.add("reset")
    port = int(emu.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=arm.ssl)
    request = (
        f"GET {_alerts_path(emu)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {emu.token}\r\n\r\n"
    )
    writer.write(request.encode())
    await writer.drain()
    try:
        answer = await asyncio.wait_for(reader.read(), 5)
    except (ConnectionError, ssl.SSLError):
        answer = b""
    writer.close()
    assert answer == b""
    assert emu.requests.records[-1].status == 0
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 200


async def test_slow_delays_the_answer(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("slow", delay_ms=400)
    started = time.monotonic()
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 200
    assert time.monotonic() - started >= 0.4


async def test_malformed_answers_200_with_invalid_json(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("malformed")
    status, body, _ = await arm.get(_alerts_path(emu))
    assert status == 200
    assert isinstance(body, str)
    with pytest.raises(ValueError):
        json.loads(body)


async def test_unknown_enum_replaces_enum_values_only(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("unknown-enum")
    status, body, _ = await arm.get(_alerts_path(emu))
    assert status == 200
    props = body["value"][0]["properties"]
    assert props["severity"] == "Critical2"
    assert props["status"] == "Snoozed"
    assert props["alertType"] == emu.tenant.readable_subscriptions[0].alerts[-1].alert_type


async def test_endless_next_link_repeats_the_same_link(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("endless-nextlink", count=None, match="/alerts")
    status, first, _ = await arm.get(_alerts_path(emu))
    status2, second, _ = await arm.get(first["nextLink"])
    assert status == status2 == 200
    assert first["nextLink"] == second["nextLink"]
    emu.faults.clear()
    status, body, _ = await arm.get(_alerts_path(emu))
    assert "nextLink" in body  # demo alerts span several pages, but links move on again
    assert body["nextLink"] != first["nextLink"]


async def test_forbidden_and_expired_token(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("forbidden")
    status, body, _ = await arm.get(_alerts_path(emu))
    assert status == 403 and body["error"]["code"] == "AuthorizationFailed"
    emu.faults.add("expired-token")
    status, body, headers = await arm.get(_alerts_path(emu))
    assert status == 401 and body["error"]["code"] == "ExpiredAuthenticationToken"
    assert "invalid_token" in headers["WWW-Authenticate"]


async def test_match_limits_a_fault_to_matching_paths(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("error", count=None, match=r"/Microsoft\.ApiManagement/")
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 200
    svc = emu.tenant.readable_subscriptions[0].services[0]
    for _ in range(2):
        status, _, _ = await arm.get(f"{svc.id}/apis?api-version=2024-05-01")
        assert status == 500
    emu.faults.clear()
    status, _, _ = await arm.get(f"{svc.id}/apis?api-version=2024-05-01")
    assert status == 200


async def test_admin_route_adds_and_clears_faults(emu: Emulator, arm: Arm) -> None:
    status, _, _ = await arm.post("/_emulator/faults", json={"kind": "throttle"}, token=None)
    assert status == 401
    status, body, _ = await arm.post(
        "/_emulator/faults", json={"kind": "throttle", "count": None, "retry_after": 2}
    )
    assert status == 201 and body["kind"] == "throttle"
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 429
    status, _, _ = await arm.call("DELETE", "/_emulator/faults")
    assert status == 204
    status, _, _ = await arm.get(_alerts_path(emu))
    assert status == 200
    status, body, _ = await arm.post("/_emulator/faults", json={"kind": "meteor"})
    assert status == 400


async def test_fault_rate_injects_random_faults(arm: Arm) -> None:
    from apiwatch.emulator import EmulatorConfig

    async with Emulator(EmulatorConfig(fault_rate=1.0)) as emu:
        arm.emu = emu
        arm.ssl.load_verify_locations(cafile=str(emu.ca_path))
        outcomes = []
        for _ in range(6):
            try:
                status, _, _ = await arm.get("/subscriptions?api-version=2022-12-01")
                outcomes.append(status)
            except aiohttp.ClientError:
                outcomes.append(0)
        assert all(s in (0, 429, 500, 503) for s in outcomes), outcomes
        # >= because aiohttp retries an idempotent GET once after a reset
        assert emu.requests.count(match="^/subscriptions$") >= 6
        assert emu.requests.count(status=200) == 0


async def _open(arm: Arm, path: str) -> aiohttp.ClientResponse:
    return await arm.session.get(arm.url(path), ssl=arm.ssl,
                                 headers={"Authorization": f"Bearer {arm.emu.token}"})


async def test_trickle_starts_an_answer_then_sends_a_byte_at_a_time(emu: Emulator,
                                                                    arm: Arm) -> None:
    emu.faults.add("trickle", delay_ms=300, match="/alerts")
    resp = await _open(arm, _alerts_path(emu))
    try:
        assert resp.status == 200 and resp.content_type == "application/json"
        start = await asyncio.wait_for(resp.content.readany(), 5)
        assert start.startswith(b'{"value":[{')  # looks like a list page beginning
        started, more = time.monotonic(), b""
        while len(more) < 3:
            more += await asyncio.wait_for(resp.content.readany(), 5)
        assert time.monotonic() - started >= 0.5  # three bytes, 0.3 s apart: not at once
        assert len(more) == 3
    finally:
        resp.close()
    status, body, _ = await arm.get(_alerts_path(emu))  # count=1: the next answer is whole
    assert status == 200 and body["value"]


async def test_endless_sends_list_items_forever(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("endless", match="/alerts")
    resp = await _open(arm, _alerts_path(emu))
    try:
        assert resp.status == 200 and resp.content_length is None
        body = b""
        while len(body) < 3 * 1024 * 1024:  # far more than the page holds
            chunk = await asyncio.wait_for(resp.content.readany(), 5)
            assert chunk, "the endless answer ended"
            body += chunk
    finally:
        resp.close()
    assert body.startswith(b'{"value":[{')
    first = json.loads(body[len(b'{"value":['):].split(b',{"id"', 1)[0])
    ids = {a.id for a in emu.tenant.readable_subscriptions[0].alerts}
    assert first["id"] in ids  # the page's own items, again and again
    assert body.count(first["id"].encode()) > 10


async def test_stop_ends_answers_still_streaming(arm: Arm) -> None:
    from apiwatch.emulator import EmulatorConfig

    async with Emulator(EmulatorConfig(page_size=5)) as emu:
        arm.emu = emu
        arm.ssl.load_verify_locations(cafile=str(emu.ca_path))
        emu.faults.add("trickle", count=None, delay_ms=1000)
        resp = await _open(arm, _alerts_path(emu))
        await asyncio.wait_for(resp.content.readany(), 5)
        started = time.monotonic()
        await emu.stop()
        assert time.monotonic() - started < 5  # not held for aiohttp's minute of grace
        with pytest.raises(aiohttp.ClientPayloadError):  # cut off: never a complete answer
            await asyncio.wait_for(resp.read(), 5)
        resp.close()


async def test_endless_with_a_limit_drops_the_connection_there(emu: Emulator, arm: Arm) -> None:
    emu.faults.add("endless", match="/alerts", limit_mb=1)
    resp = await _open(arm, _alerts_path(emu))
    got = 0
    with pytest.raises(aiohttp.ClientPayloadError):  # cut off, never closed as if complete
        while chunk := await asyncio.wait_for(resp.content.readany(), 5):
            got += len(chunk)
    resp.close()
    assert 1024 * 1024 <= got < 2 * 1024 * 1024
    with pytest.raises(ValueError):
        emu.faults.add("endless", limit_mb=0)
