"""Paging: follow `nextLink` to the end, stop on a link seen before, keep each page's raw JSON.

The SDK pager drives the requests (URLs, api-versions, retries, error mapping); the items are read
from the wire JSON by our own tolerant parsers, because the SDK models drop what the spec does not
name (live assessments spell `resourceDetails.Id` with a capital) and one odd item must not cost
the whole list."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.core.async_paging import AsyncItemPaged

MAX_PAGES = 5_000


@dataclass
class RawPages:
    """Collects the `value` items of every page an SDK list call receives."""

    items: list[Mapping[str, Any]] = field(default_factory=list)
    pages: int = 0
    problem: str | None = None

    def hook(self, pipeline_response: Any) -> None:
        response = pipeline_response.http_response
        if response.status_code != 200:
            return  # a throttled or failed attempt: the retry policy or the caller deals with it
        try:
            body = json.loads(response.body())
        except ValueError:
            return  # ContentDecodePolicy raises DecodeError for this page right after
        values = body.get("value") if isinstance(body, dict) else None
        if isinstance(values, list):
            self.items.extend(v for v in values if isinstance(v, Mapping))
        self.pages += 1

    async def drain(self, pager: AsyncItemPaged[Any]) -> None:
        """Run the SDK pager to its end; the hook has collected the items by then."""
        pages = pager.by_page()
        seen: set[str] = set()
        async for page in pages:
            async for _ in page:
                pass
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
