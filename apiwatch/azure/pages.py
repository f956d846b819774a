"""Paging: follow `nextLink` to the end, stop on a link seen before, keep each item's wire JSON.

The SDK pager drives the requests (URLs, api-versions, retries, error mapping), but bulk list
pages are not turned into SDK models: the benchmark showed model building was most of a full
refresh's CPU, and the SDK models drop what the spec does not name (live assessments spell
`resourceDetails.Id` with a capital). Our tolerant parsers read the JSON instead."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.core.async_paging import AsyncItemPaged

MAX_PAGES = 5_000


@dataclass(frozen=True, slots=True)
class _RawPage:
    value: list[Any]
    next_link: str | None


class RawListDeserializer:
    """Stands in for an SDK operation group's deserializer when it lists: a list page becomes
    its JSON items; everything else (error bodies, single resources) goes to the SDK's own."""

    def __init__(self, sdk: Any) -> None:
        self._sdk = sdk

    def __call__(self, target: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(target, str) and target.endswith(("List", "ListResult", "Collection")):
            body = _json(data)
            if isinstance(body, Mapping):
                values = body.get("value")
                link = body.get("nextLink")
                return _RawPage(values if isinstance(values, list) else [],
                                link if isinstance(link, str) and link else None)
        return self._sdk(target, data, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # failsafe_deserialize and friends
        return getattr(self._sdk, name)


def _json(data: Any) -> Any:
    """The page's body, decoded once by azure-core's ContentDecodePolicy where it can."""
    context = getattr(data, "context", None)
    if context is not None and "deserialized_data" in context:
        return context["deserialized_data"]
    response = getattr(data, "http_response", data)
    return json.loads(response.text())


def raw_operations(operations: Any) -> Any:
    """An SDK operation group whose list calls yield wire JSON items (a private attribute of
    the generated code, used in this one place)."""
    if not isinstance(operations._deserialize, RawListDeserializer):
        operations._deserialize = RawListDeserializer(operations._deserialize)
    return operations


@dataclass
class RawPages:
    """The `value` items of every page of one listing."""

    items: list[Mapping[str, Any]] = field(default_factory=list)
    pages: int = 0
    problem: str | None = None

    async def drain(self, pager: AsyncItemPaged[Any]) -> None:
        """Run the SDK pager to its end, stopping on a repeated nextLink."""
        pages = pager.by_page()
        seen: set[str] = set()
        async for page in pages:
            async for item in page:
                if isinstance(item, Mapping):
                    self.items.append(item)
            self.pages += 1
            token = pages.continuation_token
            if not token:
                return
            if token in seen:
                self.problem = f"nextLink repeated after {len(seen) + 1} pages; listing stopped"
                return
            if len(seen) >= MAX_PAGES:
                self.problem = f"more than {MAX_PAGES} pages; listing stopped"
                return
            seen.add(token)


async def raw_list(
    fetch: Callable[[str], Awaitable[Any]], first_url: str, result: RawPages
) -> None:
    """Page a raw ARM list (`{value, nextLink}`) for APIs the SDKs here do not cover."""
    url: str | None = first_url
    seen: set[str] = set()
    while url:
        body = await fetch(url)
        values = body.get("value") if isinstance(body, dict) else None
        if isinstance(values, list):
            result.items.extend(v for v in values if isinstance(v, Mapping))
        result.pages += 1
        url = body.get("nextLink") if isinstance(body, dict) else None
        if url and url in seen:
            result.problem = f"nextLink repeated after {len(seen) + 1} pages; listing stopped"
            return
        if len(seen) >= MAX_PAGES:
            result.problem = f"more than {MAX_PAGES} pages; listing stopped"
            return
        if url:
            seen.add(url)
