"""Paging: follow `nextLink` to the end, stop on a link seen before, keep each item's wire JSON.

The SDK pager drives the requests (URLs, api-versions, retries, error mapping), but bulk list
pages are not turned into SDK models: the benchmark showed model building was most of a full
refresh's CPU, and the SDK models drop what the spec does not name (live assessments spell
`resourceDetails.Id` with a capital). Our tolerant parsers read the JSON instead.

Most polls of a listing return the very bytes they returned last time (20,000 alerts every 30 s,
nearly all unchanged). A listing read with the previous read's `Listing` digests each page before
decoding it: a page whose bytes are the same is not decoded, and a listing whose every page is
the same is reported unchanged, so nothing is decoded or parsed at all."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from azure.core.async_paging import AsyncItemPaged
from azure.core.exceptions import DecodeError
from azure.core.pipeline.policies import ContentDecodePolicy

from .. import steps
from ..steps import Steps

MAX_PAGES = 5_000
LISTING_OPTION = "apiwatch_listing"


@dataclass(frozen=True, slots=True)
class PageMark:
    url: str
    digest: bytes
    next_link: str | None


@dataclass(frozen=True)
class Listing:
    """What each page of one listing's last read looked like: its request, a digest of its
    bytes and the link it gave to the next page."""

    pages: tuple[PageMark, ...] = ()

    @cached_property
    def by_url(self) -> dict[str, PageMark]:
        """Once per listing: APIM's one listing is looked up by each of its many lists."""
        return {m.url: m for m in self.pages}

    def to_json(self) -> list[list[str | None]]:
        return [[m.url, m.digest.hex(), m.next_link] for m in self.pages]

    @classmethod
    def from_json(cls, data: Any) -> Listing | None:
        """A listing kept on disk; None if it is not one (then the next read is a full one)."""
        if not isinstance(data, list):
            return None
        marks = []
        for entry in data:
            if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                    and isinstance(entry[1], str) and isinstance(entry[2], (str, type(None)))):
                return None
            try:
                digest = bytes.fromhex(entry[1])
            except ValueError:
                return None
            marks.append(PageMark(entry[0], digest, entry[2]))
        return cls(tuple(marks)) if marks else None


class ListingReader:
    """One read of a listing: digests pages as they come; a page with the same bytes as the
    previous read's is kept as bytes (its next link known from then), a changed one is decoded
    at once (its next link is needed for the next request). `shape` takes a decoded page to its
    items and next link (ARM's `value`/`nextLink` by default; Resource Graph says
    `data`/`$skipToken`)."""

    def __init__(self, previous: Listing | None,
                 shape: Callable[[Any], RawPage] | None = None) -> None:
        # Looked up by request: one listing may hold the pages of many (APIM's per-API lists).
        self._previous = previous.by_url if previous else {}
        self._shape = shape or _page_of
        self.marks: list[PageMark] = []
        self._bodies: list[bytes | list[Any]] = []  # kept bytes (same as before) or items

    def page(self, url: str, body: bytes) -> RawPage:
        digest = digest_of(body)
        known = self._previous.get(url)
        if known is not None and known.digest == digest:
            self.marks.append(known)
            self._bodies.append(body)
            return RawPage([], known.next_link)
        page = self._shape(_decode(body))
        self.marks.append(PageMark(url, digest, page.next_link))
        self._bodies.append(page.value)
        return RawPage([], page.next_link)

    @property
    def kept(self) -> bool:
        """Some pages are kept as bytes (the same as before while others changed)."""
        return any(isinstance(b, bytes) for b in self._bodies)

    def pages(self) -> Iterator[list[Any]]:
        """Each page's items, in order, a kept page decoded as it comes (once: the reader hands
        its pages on and forgets them)."""
        bodies, self._bodies = self._bodies, []
        for body in bodies:
            yield self._shape(_decode(body)).value if isinstance(body, bytes) else body


def digest_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except ValueError as exc:  # UnicodeDecodeError is one
        raise DecodeError(f"a list page is not valid JSON ({exc})") from None


def page_shape(items_key: str, link_key: str) -> Callable[[Any], RawPage]:
    """How a decoded page holds its items and the link to the next: ARM's lists say
    `value`/`nextLink`, Resource Graph `data`/`$skipToken`."""

    def shape(body: Any) -> RawPage:
        if not isinstance(body, Mapping):
            return RawPage([], None)
        values, link = body.get(items_key), body.get(link_key)
        return RawPage(values if isinstance(values, list) else [],
                       link if isinstance(link, str) and link else None)

    return shape


_page_of = page_shape("value", "nextLink")


class ListingDecodePolicy(ContentDecodePolicy):
    """azure-core's decoding, except for a list page asked for with a listing reader: that one
    is left as bytes for the reader to digest first."""

    def on_request(self, request: Any) -> None:
        super().on_request(request)
        reader = request.context.options.pop(LISTING_OPTION, None)
        if reader is not None:
            request.context[LISTING_OPTION] = reader

    def on_response(self, request: Any, response: Any) -> None:
        if LISTING_OPTION in request.context and response.http_response.status_code == 200:
            return
        super().on_response(request, response)


@dataclass(frozen=True, slots=True)
class RawPage:
    value: list[Any]
    next_link: str | None


class RawListDeserializer:
    """Stands in for an SDK operation group's deserializer when it lists: a list page becomes
    its JSON items; everything else (error bodies, single resources) goes to the SDK's own."""

    def __init__(self, sdk: Any) -> None:
        self._sdk = sdk

    def __call__(self, target: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(target, str) and target.endswith(("List", "ListResult", "Collection")):
            context = getattr(data, "context", None)
            reader = context.get(LISTING_OPTION) if context is not None else None
            if isinstance(reader, ListingReader):
                return reader.page(data.http_request.url, data.http_response.body())
            body = _json(data)
            if isinstance(body, Mapping):
                return _page_of(body)
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
    """The `value` items of every page of one listing. A listing read through a reader (the SDK
    lists asked with `options()`) keeps the pages that are as before as bytes: `materialize()`
    decodes them, a page at a time, when the source changed elsewhere, and `need_items` asks
    for every item at once. Given the previous read's `Listing`, `unchanged` says every page was
    byte for byte as before: the caller holds what they mean, and nothing need be decoded."""

    previous: Listing | None = None
    need_items: bool = False  # decode even an unchanged listing (its items name the next lists)
    items: list[Mapping[str, Any]] = field(default_factory=list)
    pages: int = 0
    problem: str | None = None
    listing: Listing | None = None
    unchanged: bool = False
    _reader: ListingReader | None = field(default=None, init=False, repr=False)

    def options(self) -> dict[str, Any]:
        """Keyword arguments for an SDK list call: they ask for the pages undecoded."""
        return {LISTING_OPTION: self.start()}

    def start(self, shape: Callable[[Any], RawPage] | None = None) -> ListingReader:
        """The reader for pages fetched by hand (then `finish` when done)."""
        self._reader = ListingReader(self.previous, shape)
        return self._reader

    async def drain(self, pager: AsyncItemPaged[Any]) -> None:
        """Run the SDK pager to its end, stopping on a repeated nextLink."""
        await self._drain(pager)
        self.finish()

    def finish(self) -> None:
        reader = self._reader
        if reader is None:
            return
        self.listing = Listing(tuple(reader.marks))
        # Exactly the previous read's pages, every one of them (a listing cut short, or one
        # that now covers fewer pages, is not), as bytes the same as before.
        self.unchanged = self.problem is None and self.listing == self.previous
        if self.need_items:
            self.materialize()

    @property
    def kept(self) -> bool:
        return self._reader is not None and self._reader.kept

    def materialize(self) -> list[Mapping[str, Any]]:
        """Every item, decoding the pages kept as bytes (once, when the listing is done). Raises
        DecodeError for a page that is not JSON."""
        return steps.run(self.materialize_steps())

    def materialize_steps(self) -> Steps[list[Mapping[str, Any]]]:
        """`materialize`, a page at a time (see steps.py)."""
        if self._reader is not None:
            for values in self._reader.pages():
                self.items.extend(i for i in values if isinstance(i, Mapping))
                yield
        return self.items

    async def _drain(self, pager: AsyncItemPaged[Any]) -> None:
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
