"""Azure Resource Graph: only the API-endpoint inventory query apiwatch sends is understood."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import payloads
from ..routing import Context, route
from ..tenant import Api, ApimService, Operation, Subscription
from ..wire import ArmError, Reply, decode_token, encode_token

VERSIONS = ("2024-04-01", "2022-10-01", "2021-03-01")
ENDPOINT_TYPE = "microsoft.security/apicollections/apiendpoints"
MAX_TOP = 1000
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


def _rows(
    ctx: Context, wanted: list[str] | None
) -> list[tuple[Subscription, ApimService, Api, Operation]]:
    tenant = ctx.state.tenant
    if wanted:
        subs = [s for s in (tenant.find_subscription(w) for w in wanted) if s is not None]
    else:
        subs = list(tenant.subscriptions)
    # ARG silently leaves out what the caller may not read.
    return [
        (sub, svc, api, op)
        for sub in subs
        if sub.readable
        for svc in sub.services
        for api in svc.apis
        if api.onboarded
        for op in api.operations
    ]


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
    rows = _rows(ctx, subs if isinstance(subs, list) else None)
    token = options.get("$skipToken")
    state = decode_token(token) if token else {"o": int(options.get("$skip") or 0), "t": MAX_TOP}
    top = options.get("$top")
    size = min(MAX_TOP, max(1, int(top))) if top is not None else state.get("t", MAX_TOP)
    offset = state.get("o", 0)
    window = rows[offset : offset + size]
    data_rows = [
        {c: full[c] for c in columns}
        for full in (payloads.endpoint_row(*r, ctx.state.gateway_url(r[1])) for r in window)
    ]
    data: Any = data_rows
    if options.get("resultFormat") == "table":
        data = {
            "columns": [
                {"name": c, "type": "object" if c in ("properties", "tags") else "string"}
                for c in columns
            ],
            "rows": [[row[c] for c in columns] for row in data_rows],
        }
    out: dict[str, Any] = {
        "totalRecords": len(rows),
        "count": len(window),
        "resultTruncated": "false",
        "facets": [],
        "data": data,
    }
    if offset + size < len(rows):
        out["$skipToken"] = encode_token({"o": offset + size, "t": size})
    return Reply(
        body=out,
        headers={"x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05"},
    )


ROUTES = [
    route(
        "POST",
        "/providers/Microsoft.ResourceGraph/resources",
        query_resources,
        VERSIONS,
        "Microsoft.ResourceGraph/resources/read",
    ),
]
