"""Per-endpoint observations from Azure Resource Graph: `securityresources`, type
`microsoft.security/apicollections/apiendpoints`. Undocumented (one Microsoft sample logic app reads
it), so it is best-effort: a failure or a missing property means "unknown", never an error for the
rest of the read, and the collection counters stay authoritative."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import EndpointInsight, normalize
from .pages import Listing, RawPages, digest_of, page_shape
from .session import ArmSession
from .wire import boolean, ci, props, timestamp

GRAPH_API_VERSION = "2024-04-01"
ENDPOINTS_QUERY = (
    "securityresources"
    " | where type == 'microsoft.security/apicollections/apiendpoints'"
    " | project id, name, type, subscriptionId, resourceGroup, properties"
)
# ARG guidance: fewer than 300 subscriptions per query; at most 1,000 rows per page.
SUBSCRIPTION_BATCH = 250
PAGE_ROWS = 1000
MAX_PAGES = 2_000


def endpoint_key(row_id: str) -> str | None:
    """`.../service/{s}/providers/Microsoft.Security/apiCollections/{api}/apiEndpoints/{op}` ->
    the APIM operation's key `.../service/{s}/apis/{api}/operations/{op}`."""
    lowered = normalize(row_id)
    marker = "/providers/microsoft.security/apicollections/"
    if marker not in lowered or "/apiendpoints/" not in lowered:
        return None
    service, _, rest = lowered.partition(marker)
    api, _, operation = rest.partition("/apiendpoints/")
    if not api or not operation:
        return None
    return f"{service}/apis/{api}/operations/{operation}"


def _sensitive_types(p: Mapping[str, Any]) -> tuple[str, ...] | None:
    pii = ci(p, "PII")
    if isinstance(pii, Mapping):
        return tuple(str(k) for k in pii)
    if isinstance(pii, list):
        return tuple(str(v) for v in pii if v)
    if isinstance(pii, str):
        return tuple(t.strip() for t in pii.split(",") if t.strip())
    return None


def parse_endpoint_row(row: Mapping[str, Any]) -> tuple[str, EndpointInsight] | None:
    key = endpoint_key(str(ci(row, "id") or ""))
    if key is None:
        return None
    p = props(row)
    authorized = boolean(p, "IsEndpointAuthorized")
    return key, EndpointInsight(
        active=boolean(p, "IsEndpointActive"),
        authenticated=authorized,
        external=boolean(p, "IsExternal"),
        sensitive_types=_sensitive_types(p),
        discovered=timestamp(p, "DiscoveryDate"),
        last_called=timestamp(p, "TriggerDate"),
    )


_page = page_shape("data", "$skipToken")


async def query_endpoint_rows(session: ArmSession, subscription_ids: Sequence[str],
                              previous: Listing | None = None) -> RawPages:
    """Every endpoint row for the subscriptions, page after page (the wire JSON). Pages are
    POSTs to one URL, told apart by their body: a page is known by both."""
    pages = RawPages(previous)
    reader = pages.start(_page)
    url = session.url("/providers/Microsoft.ResourceGraph/resources", GRAPH_API_VERSION)
    ordered = sorted(subscription_ids, key=str.lower)  # the same batches, however listed
    for start in range(0, len(ordered), SUBSCRIPTION_BATCH):
        batch = ordered[start : start + SUBSCRIPTION_BATCH]
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            options: dict[str, Any] = {"$top": PAGE_ROWS, "resultFormat": "objectArray"}
            if token:
                options["$skipToken"] = token
            body = {"query": ENDPOINTS_QUERY, "subscriptions": batch, "options": options}
            answer = await session.request_bytes("POST", url, body)
            asked = digest_of(json.dumps(body, sort_keys=True).encode()).hex()
            token = reader.page(f"{url}#{asked}", answer.content).next_link
            pages.pages += 1
            if not token or token in seen:
                break
            seen.add(token)
    pages.finish()
    return pages
