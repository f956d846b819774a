"""ARM behaviour shared by every route: auth, api-version, errors, headers, paging, 403."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from apiwatch.emulator import Emulator

from .conftest import Arm

ALERTS = "/providers/Microsoft.Security/alerts?api-version=2022-01-01"


def _sub(emu: Emulator, readable: bool = True) -> str:
    return next(s.subscription_id for s in emu.tenant.subscriptions if s.readable == readable)


async def test_missing_token_is_401_authentication_failed(emu: Emulator, arm: Arm) -> None:
    status, body, headers = await arm.get("/subscriptions?api-version=2022-12-01", token=None)
    assert status == 401
    assert body["error"]["code"] == "AuthenticationFailed"
    assert "WWW-Authenticate" in headers


async def test_wrong_token_is_401_invalid_token(emu: Emulator, arm: Arm) -> None:
    status, body, _ = await arm.get("/subscriptions?api-version=2022-12-01", token="nope")
    assert status == 401
    assert body["error"]["code"] == "InvalidAuthenticationToken"


async def test_missing_api_version_is_400(emu: Emulator, arm: Arm) -> None:
    status, body, _ = await arm.get(
        f"/subscriptions/{_sub(emu)}/providers/Microsoft.Security/alerts"
    )
    assert status == 400
    assert body["error"]["code"] == "MissingApiVersionParameter"


async def test_unsupported_api_version_is_400_listing_supported(emu: Emulator, arm: Arm) -> None:
    path = f"/subscriptions/{_sub(emu)}/providers/Microsoft.Security/apiCollections"
    status, body, _ = await arm.get(f"{path}?api-version=2022-11-20-preview")
    assert status == 400
    assert body["error"]["code"] == "InvalidApiVersionParameter"
    assert "2023-11-15" in body["error"]["message"]
    assert body["error"]["details"] == []


async def test_sdk_and_documented_api_versions_are_accepted(emu: Emulator, arm: Arm) -> None:
    sub = f"/subscriptions/{_sub(emu)}"
    for path in (
        f"{sub}/providers/Microsoft.Security/assessments?api-version=2021-06-01",
        f"{sub}/providers/Microsoft.Security/assessments?api-version=2025-05-04",
        f"{sub}/providers/Microsoft.Security/automations?api-version=2019-01-01-preview",
        f"{sub}/providers/Microsoft.Security/automations?api-version=2023-12-01-preview",
        f"{sub}/providers/Microsoft.Logic/workflows?api-version=2016-06-01",
        "/providers/Microsoft.Security/assessmentMetadata?api-version=2021-06-01",
        "/subscriptions?api-version=2020-01-01",
    ):
        status, body, _ = await arm.get(path)
        assert status == 200, (path, body)


async def test_unknown_route_and_unknown_resource_are_404(emu: Emulator, arm: Arm) -> None:
    sub = _sub(emu)
    status, body, _ = await arm.get(
        f"/subscriptions/{sub}/providers/Microsoft.Security/nothing?api-version=2022-01-01"
    )
    assert status == 404
    assert body["error"]["code"] == "InvalidResourceType"
    svc = emu.tenant.subscription(sub).services[0]
    status, body, _ = await arm.get(f"{svc.id}/apis/no-such-api?api-version=2024-05-01")
    assert status == 404
    assert body["error"]["code"] == "ResourceNotFound"


async def test_responses_carry_arm_headers(emu: Emulator, arm: Arm) -> None:
    status, _, headers = await arm.get(f"/subscriptions/{_sub(emu)}{ALERTS}")
    assert status == 200
    for name in (
        "x-ms-request-id",
        "x-ms-correlation-request-id",
        "x-ms-ratelimit-remaining-subscription-reads",
    ):
        assert name in headers


async def test_unreadable_subscription_is_listed_but_forbidden(emu: Emulator, arm: Arm) -> None:
    locked = _sub(emu, readable=False)
    subs = await arm.get_all("/subscriptions?api-version=2022-12-01")
    assert locked in {s["subscriptionId"] for s in subs}
    assert {s["state"] for s in subs} == {"Enabled"}
    status, body, _ = await arm.get(f"/subscriptions/{locked}{ALERTS}")
    assert status == 403
    assert body["error"]["code"] == "AuthorizationFailed"
    assert "Microsoft.Security/alerts/read" in body["error"]["message"]
    assert f"/subscriptions/{locked}" in body["error"]["message"]
    svc = emu.tenant.subscription(locked).services[0]
    status, _, _ = await arm.get(f"{svc.id}/apis?api-version=2024-05-01")
    assert status == 403


async def test_paging_returns_every_item_once_and_ends(emu: Emulator, arm: Arm) -> None:
    sub = emu.tenant.subscription(_sub(emu))
    status, first, _ = await arm.get(f"/subscriptions/{sub.subscription_id}{ALERTS}")
    assert status == 200
    assert len(first["value"]) == emu.config.page_size
    link = urlparse(first["nextLink"])
    assert f"{link.scheme}://{link.netloc}" == emu.url
    query = parse_qs(link.query)
    assert query["api-version"] == ["2022-01-01"] and query["$skipToken"]
    items = await arm.get_all(f"/subscriptions/{sub.subscription_id}{ALERTS}")
    names = [a["name"] for a in items]
    assert len(names) == len(set(names)) == len(sub.alerts)
    assert set(names) == {a.name for a in sub.alerts}


async def test_apim_last_page_has_empty_next_link_and_count(emu: Emulator, arm: Arm) -> None:
    svc = emu.tenant.subscription(_sub(emu)).services[0]
    api = max(svc.apis, key=lambda a: len(a.operations))
    url: str | None = f"{api.id}/operations?api-version=2024-05-01"
    names: list[str] = []
    last: dict = {}
    while url:
        status, last, _ = await arm.get(url)
        assert status == 200
        assert last["count"] == len(api.operations)
        names += [o["name"] for o in last["value"]]
        url = last["nextLink"] or None
    assert last["nextLink"] == ""
    assert names == [o.name for o in api.operations]
