"""Azure Resource Graph: the API endpoint inventory query with paging."""

from __future__ import annotations

from apiwatch.emulator import Emulator

from .conftest import Arm

URL = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01"
QUERY = (
    "securityresources\n | where type == 'microsoft.security/apicollections/apiendpoints'\n"
    " | project id, name, type, subscriptionId, resourceGroup, properties"
)


async def test_query_pages_over_every_onboarded_endpoint(emu: Emulator, arm: Arm) -> None:
    subs = [s.subscription_id for s in emu.tenant.subscriptions]
    truth = {
        f"{api.collection_id}/apiEndpoints/{op.name}": op
        for s in emu.tenant.readable_subscriptions
        for api in s.apis()
        if api.onboarded
        for op in api.operations
    }
    rows: list[dict] = []
    options: dict = {"$top": 7}
    while True:
        status, body, _ = await arm.post(
            URL, json={"query": QUERY, "subscriptions": subs, "options": options}
        )
        assert status == 200, body
        assert body["resultTruncated"] == "false"
        assert body["totalRecords"] == len(truth)
        assert body["count"] == len(body["data"]) <= 7
        rows += body["data"]
        if "$skipToken" not in body:
            break
        options = {"$skipToken": body["$skipToken"]}
    assert [r["id"] for r in rows] == list(truth)
    row = rows[0]
    assert set(row) == {"id", "name", "type", "subscriptionId", "resourceGroup", "properties"}
    op = truth[row["id"]]
    props = row["properties"]
    assert props["HttpMethod"] == op.method
    assert props["IsEndpointActive"] == ("true" if op.active else "false")
    assert props["IsEndpointAuthorized"] == ("true" if op.authenticated else "false")
    assert props["IsExternal"] == ("true" if op.external else "false")
    assert props["PII"] == dict(zip(op.sensitive_types, op.sensitive_sources, strict=True))
    assert {
        "DisplayName",
        "CollectionName",
        "CasApiCollectionId",
        "EndPoint",
        "DiscoveryDate",
        "TriggerDate",
    } <= set(props)


async def test_unreadable_subscriptions_are_silently_left_out(emu: Emulator, arm: Arm) -> None:
    locked = next(s for s in emu.tenant.subscriptions if not s.readable)
    status, body, _ = await arm.post(
        URL, json={"query": QUERY, "subscriptions": [locked.subscription_id]}
    )
    assert status == 200
    assert body["totalRecords"] == 0 and body["data"] == []


async def test_query_tolerates_case_and_whitespace(emu: Emulator, arm: Arm) -> None:
    query = "SecurityResources|where type=='Microsoft.Security/apiCollections/apiEndpoints'|project id,properties"
    status, body, _ = await arm.post(URL.replace("2024-04-01", "2021-03-01"), json={"query": query})
    assert status == 200
    assert set(body["data"][0]) == {"id", "properties"}


async def test_unknown_query_is_400(emu: Emulator, arm: Arm) -> None:
    status, body, _ = await arm.post(URL, json={"query": "Resources | project id"})
    assert status == 400
    assert body["error"]["code"] == "BadRequest"
    assert body["error"]["details"][0]["code"] == "InvalidQuery"
    status, body, _ = await arm.post(
        URL, json={"query": QUERY.replace("resourceGroup", "nonsense")}
    )
    assert status == 400


async def test_windows_across_apis_and_crafted_tokens_slice_like_a_list(
    emu: Emulator, arm: Arm
) -> None:
    """Pages are cut from the rows without listing them all; any offset, even a crafted
    negative one, gives what slicing the full list of rows gives."""
    from apiwatch.emulator.wire import encode_token

    subs = [s.subscription_id for s in emu.tenant.subscriptions]
    rows = [
        f"{api.collection_id}/apiEndpoints/{op.name}"
        for s in emu.tenant.readable_subscriptions
        for api in s.apis()
        if api.onboarded
        for op in api.operations
    ]
    cases = [(0, 1), (2, 5), (len(rows) - 3, 10), (len(rows), 4), (-4, 3), (-2, 5), (5, 0)]
    for offset, size in cases:
        options = {"$skipToken": encode_token({"o": offset, "t": size})}
        status, body, _ = await arm.post(
            URL, json={"query": QUERY, "subscriptions": subs, "options": options}
        )
        assert status == 200, body
        assert [r["id"] for r in body["data"]] == rows[offset : offset + size], (offset, size)
        assert body["totalRecords"] == len(rows)
        assert ("$skipToken" in body) == (offset + size < len(rows))
