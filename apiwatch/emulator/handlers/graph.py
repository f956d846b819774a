"""Azure Resource Graph: only the API-endpoint inventory query apiwatch sends is understood."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import fragments, payloads
from ..routing import Context, route
from ..state import ServerState
from ..tenant import Api, ApimService, Operation, Subscription
from ..wire import ArmError, Rendered, Reply, decode_token, dumps, encode_token

VERSIONS = ("2024-04-01", "2022-10-01", "2021-03-01")
ENDPOINT_TYPE = "microsoft.security/apicollections/apiendpoints"
MAX_TOP = 1000
ROW_FRAGMENT = "endpoint-row"
COLUMNS = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
)
_CANONICAL = {c.lower(): c for c in COLUMNS}
_QUERY = re.compile(
    r"""securityresources\s*\|\s*where\s+type\s*(?:==|=~)\s*(['"])(?P<type>[^'"]+)\1\s*
        (?:\|\s*project\s+(?P<cols>\w+(?:\s*,\s*\w+)*)\s*)?""",
    re.IGNORECASE | re.VERBOSE,
)


def _invalid(message: str) -> ArmError:
    return ArmError(
        400,
        "BadRequest",
        "Please provide below info when asking for support: timestamp, correlationId.",
        details=[
            {
                "code": "InvalidQuery",
                "message": "Query is invalid. Please refer to the documentation for the Azure "
                "Resource Graph service and fix the error before retrying.",
            },
            {"code": "ParserFailure", "message": message},
        ],
    )


def parse_query(query: str) -> tuple[str, ...]:
    """The projected columns of the one supported query; raises the ARG 400 otherwise."""
    found = _QUERY.fullmatch(query.strip())
    if found is None or found.group("type").lower() != ENDPOINT_TYPE:
        raise _invalid("The emulator only understands the apiEndpoints inventory query.")
    if not found.group("cols"):
        return COLUMNS
    out = []
    for col in (c.strip() for c in found.group("cols").split(",")):
        if col.lower() not in _CANONICAL:
            raise _invalid(f"Failed to resolve scalar expression named '{col}'")
        out.append(_CANONICAL[col.lower()])
    return tuple(out)


Row = tuple[Subscription, ApimService, Api, Operation]


def _sources(ctx: Context, wanted: list[str] | None) -> list[tuple[Subscription, ApimService, Api]]:
    """The onboarded APIs whose operations are the rows, in row order."""
    tenant = ctx.state.tenant
    if wanted:
        subs = [s for s in (tenant.find_subscription(w) for w in wanted) if s is not None]
    else:
        subs = list(tenant.subscriptions)
    # ARG silently leaves out what the caller may not read.
    return [
        (sub, svc, api)
        for sub in subs
        if sub.readable
        for svc in sub.services
        for api in svc.apis
        if api.onboarded
    ]


def _window(
    sources: list[tuple[Subscription, ApimService, Api]], offset: int, size: int
) -> list[Row]:
    """rows[offset : offset + size] of every (sub, svc, api, op) row, without building the rows
    before the window (a page used to build all 40,000 of them). offset and size are >= 0."""
    out: list[Row] = []
    for sub, svc, api in sources:
        if len(out) >= size:
            break
        ops = api.operations
        if offset >= len(ops):
            offset -= len(ops)
            continue
        out.extend((sub, svc, api, op) for op in ops[offset : offset + size - len(out)])
        offset = 0
    return out


async def query_resources(ctx: Context) -> Reply:
    ctx.state.changes.settle()
    try:
        body = json.loads(await ctx.request.text())
    except ValueError as exc:
        raise ArmError(
            400, "InvalidRequestContent", "The request content is not valid JSON."
        ) from exc
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise ArmError(
            400, "InvalidRequestContent", "The request must carry a 'query' string.", target="query"
        )
    columns = parse_query(body["query"])
    options = body.get("options") or {}
    subs = body.get("subscriptions")
    sources = _sources(ctx, subs if isinstance(subs, list) else None)
    total = sum(len(api.operations) for _, _, api in sources)
    token = options.get("$skipToken")
    state = decode_token(token) if token else {"o": int(options.get("$skip") or 0), "t": MAX_TOP}
    top = options.get("$top")
    size = min(MAX_TOP, max(1, int(top))) if top is not None else state.get("t", MAX_TOP)
    offset = state.get("o", 0)
    if offset >= 0 and size >= 0:
        window = _window(sources, offset, size)
    else:  # a crafted token: Python's negative slicing, as when every row was listed
        rows = [(sub, svc, api, op) for sub, svc, api in sources for op in api.operations]
        window = rows[offset : offset + size]
    table = options.get("resultFormat") == "table"
    out: dict[str, Any] = {
        "totalRecords": total,
        "count": len(window),
        "resultTruncated": "false",
        "facets": [],
        "data": None,
    }
    if offset + size < total:
        out["$skipToken"] = encode_token({"o": offset + size, "t": size})
    headers = {"x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05"}
    if ctx.rendered:
        text = _rendered(ctx, out, window, columns, table)
        if text is not None:
            return Reply(body=Rendered(text), headers=headers)
    data_rows = [
        {c: full[c] for c in columns}
        for full in (payloads.endpoint_row(*r, ctx.state.gateway_url(r[1])) for r in window)
    ]
    if table:
        out["data"] = _table(columns, [[row[c] for c in columns] for row in data_rows])
    else:
        out["data"] = data_rows
    return Reply(body=out, headers=headers)


def _table(columns: tuple[str, ...], rows: Any) -> dict[str, Any]:
    return {
        "columns": [
            {"name": c, "type": "object" if c in ("properties", "tags") else "string"}
            for c in columns
        ],
        "rows": rows,
    }


def _members(
    state: ServerState, sub: Subscription, svc: ApimService, api: Api, op: Operation
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The row's column names and the JSON of each column's value, kept per operation."""
    return state.fragments.members(
        (ROW_FRAGMENT, state.url),
        op,
        lambda _: payloads.endpoint_row(sub, svc, api, op, state.gateway_url(svc)),
    )


def _rendered(
    ctx: Context, out: dict[str, Any], window: list[Row], columns: tuple[str, ...], table: bool
) -> str | None:
    """The body's text from each row's kept column fragments (fragments.py); None when a row
    lacks a projected column (the dict path then fails as it always did)."""
    keys = [dumps(c) + ":" for c in columns]
    places: dict[tuple[str, ...], list[int]] = {}
    texts = []
    for row in window:
        names, values = _members(ctx.state, *row)
        where = places.get(names)
        if where is None:
            if not set(columns) <= set(names):
                return None
            where = places[names] = [names.index(c) for c in columns]
        if table:
            texts.append("[" + ",".join([values[i] for i in where]) + "]")
        else:
            members = [k + values[i] for k, i in zip(keys, where, strict=True)]
            texts.append("{" + ",".join(members) + "}")
    out["data"] = _table(columns, fragments.slot()) if table else fragments.slot()
    return fragments.compose(out, fragments.join(texts))


def prerender(state: ServerState) -> None:
    """Keep every row's column fragments, as query_resources renders them (state.url set)."""
    for sub in state.tenant.readable_subscriptions:
        for svc in sub.services:
            for api in svc.apis:
                if api.onboarded:
                    for op in api.operations:
                        _members(state, sub, svc, api, op)


ROUTES = [
    route(
        "POST",
        "/providers/Microsoft.ResourceGraph/resources",
        query_resources,
        VERSIONS,
        "Microsoft.ResourceGraph/resources/read",
    ),
]
