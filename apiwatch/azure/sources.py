"""Every source apiwatch reads, one at a time: one list (or chain of lists) for one subscription
or the tenant, returning the wire JSON (for the on-disk cache) and the parsed domain objects.
The poller schedules these; a one-shot read runs them all once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import DecodeError

from .. import steps
from ..model import SourceFailure
from ..model.sources import SUBSCRIPTION_SOURCES as SUBSCRIPTION_SOURCES  # for its readers
from ..model.sources import TENANT_SOURCES as TENANT_SOURCES
from ..model.sources import Source
from ..steps import Steps
from . import alerts, apim, assessments, automation, collections, graph, subscriptions
from .errors import describe
from .pages import Listing, RawPages
from .session import ArmSession
from .wire import BadItem

# Which sources there are, their kinds and scopes: apiwatch/model/sources.py.
APIM_REQUESTS_PER_SUBSCRIPTION = 6
# Bigger reads are parsed on the loop in slices (steps.py); smaller ones at once.
SLICED_PARSE_ITEMS = 100
STEP_ITEMS = 50  # items parsed between two points where a slice may end


def _size(raw: Any) -> int:
    if isinstance(raw, Mapping):
        return sum(len(v) for v in raw.values() if isinstance(v, list))
    return len(raw) if isinstance(raw, list) else 0


@dataclass(frozen=True, slots=True)
class ApimData:
    services: tuple[Any, ...] = ()
    apis: tuple[Any, ...] = ()
    endpoints: tuple[Any, ...] = ()


@dataclass(frozen=True)
class SourceRead:
    source: str
    subscription_id: str | None
    ok: bool  # the listing succeeded (bad items may still have been skipped)
    value: Any = None  # parsed: a tuple of domain objects, ApimData, or a mapping (graph)
    raw: Any = None  # the wire JSON, for the cache
    warnings: tuple[SourceFailure, ...] = ()
    failure: SourceFailure | None = None
    retry_after: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # What the pages looked like, for the next read; `unchanged` means every page was byte for
    # byte the previous read's, and then value and raw are None: the holder keeps its own.
    listing: Listing | None = None
    unchanged: bool = False


def _items(raw: Any) -> list[Mapping[str, Any]]:
    return [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []


def _parse_list_steps(source: str, sub: str | None, raw: Any, parser: Callable[[Any], Any],
                      prefer: Callable[[Any, Any], Any] | None = None,
                      ) -> Steps[tuple[tuple[Any, ...], list[SourceFailure]]]:
    """`prefer(kept, again)`: which of two items with one id to keep (else the first)."""
    parsed: list[Any] = []
    bad = 0
    seen: dict[str, int] = {}
    for n, item in enumerate(_items(raw), 1):
        if n % STEP_ITEMS == 0:
            yield
        try:
            value = parser(item)
        except (BadItem, TypeError, ValueError, AttributeError, KeyError, OverflowError):
            bad += 1
            continue
        # A page served twice (a repeated nextLink) must not show its items twice.
        key = (getattr(value, "id", None) or getattr(value, "key", None)
               or getattr(value, "subscription_id", None))
        if isinstance(key, str):
            at = seen.get(key.lower())
            if at is not None:
                if prefer is not None:
                    parsed[at] = prefer(parsed[at], value)
                continue
            seen[key.lower()] = len(parsed)
        parsed.append(value)
    warnings = []
    if bad:
        warnings.append(SourceFailure(source, sub, f"{bad} item(s) could not be read and were "
                                                   "skipped", code="BadItem"))
    return tuple(parsed), warnings


def _parse_list(source: str, sub: str | None, raw: Any, parser: Callable[[Any], Any]
                ) -> tuple[tuple[Any, ...], list[SourceFailure]]:
    return steps.run(_parse_list_steps(source, sub, raw, parser))


PARSERS: dict[str, Callable[[Any], Any]] = {
    Source.COLLECTIONS: collections.parse_collection,
    Source.ASSESSMENTS: assessments.parse_assessment,
    Source.ALERTS: alerts.parse_alert,
    Source.AUTOMATIONS: automation.parse_automation,
    Source.LOGIC_APPS: automation.parse_workflow,
    Source.SUBSCRIPTIONS: subscriptions.parse_subscription,
    Source.METADATA: assessments.parse_metadata,
}


# The alert list answers some alerts twice, in its two shapes: keep the one that says more.
PREFER: dict[str, Callable[[Any, Any], Any]] = {Source.ALERTS: alerts.prefer}


def parse_source(source: str, sub: str | None, raw: Any) -> tuple[Any, list[SourceFailure]]:
    """Wire JSON -> domain values; used for live reads and for the cache at start."""
    return steps.run(_parse_steps(source, sub, raw))


def _parse_steps(source: str, sub: str | None, raw: Any
                 ) -> Steps[tuple[Any, list[SourceFailure]]]:
    if source == Source.APIM:
        raw = raw if isinstance(raw, Mapping) else {}
        services, w1 = yield from _parse_list_steps(source, sub, raw.get("services"),
                                                    apim.parse_service)
        apis, w2 = yield from _parse_list_steps(source, sub, raw.get("apis"), apim.parse_api)
        ops, w3 = yield from _parse_list_steps(source, sub, raw.get("operations"),
                                               apim.parse_operation)
        return ApimData(services, apis, ops), w1 + w2 + w3
    if source == Source.GRAPH:
        insights = {}
        for n, row in enumerate(_items(raw), 1):
            if n % STEP_ITEMS == 0:
                yield
            try:
                parsed = graph.parse_endpoint_row(row)
            except (TypeError, ValueError, AttributeError):
                parsed = None
            if parsed:
                insights[parsed[0]] = parsed[1]
        return insights, []
    parsed, warnings = yield from _parse_list_steps(source, sub, raw, PARSERS[source],
                                                    PREFER.get(source))
    if source == Source.ASSESSMENTS:
        parsed = tuple(r for r in parsed if r.is_api_related)
    if source == Source.SUBSCRIPTIONS:
        parsed = tuple(s for s in parsed if subscriptions.usable(s))
    return parsed, warnings


@dataclass(frozen=True, slots=True)
class _Got:
    # None when unchanged; a RawPages (alone, or a list of them) holding pages kept as bytes
    # stands for its items, decoded with the parse
    raw: Any
    problems: list[str]
    listing: Listing | None = None  # sources read through SDK listings
    unchanged: bool = False


def _got(pages: RawPages) -> _Got:
    if pages.unchanged:
        return _Got(None, [], pages.listing, True)
    raw = pages if pages.kept else list(pages.materialize())  # nothing left to decode
    return _Got(raw, [pages.problem] if pages.problem else [], pages.listing)


async def _listing(session: ArmSession, source: str, sub: str | None,
                   subs: Sequence[str], previous: Listing | None = None) -> _Got:
    """The wire JSON of one source and any paging problems; for a source read through SDK
    listings, also its pages, and whether they were all as in `previous`."""
    if source == Source.SUBSCRIPTIONS:
        return _got(await subscriptions.list_subscriptions(session))
    if source == Source.METADATA:
        return _got(await assessments.list_metadata(session, subs[0]))
    if source == Source.GRAPH:
        return _got(await graph.query_endpoint_rows(session, subs, previous))
    assert sub is not None
    if source == Source.APIM:
        return await _apim(session, sub, previous)
    if source == Source.LOGIC_APPS:
        return _got(await automation.list_workflows(session, sub))
    lister = {
        Source.COLLECTIONS: collections.list_collections,
        Source.ASSESSMENTS: assessments.list_assessments,
        Source.ALERTS: alerts.list_alerts,
        Source.AUTOMATIONS: automation.list_automations,
    }[source]
    return _got(await lister(session, sub, previous))


async def _apim(session: ArmSession, sub: str, previous: Listing | None) -> _Got:
    """Services, then every service's APIs, then every API's operations, a few at a time. One
    listing holds the pages of them all; unchanged means every one of them was."""
    limit = asyncio.Semaphore(APIM_REQUESTS_PER_SUBSCRIPTION)
    problems: list[str] = []

    async def limited(start: Callable[[], Any]) -> RawPages:
        # the request is created only once a slot is free: a cancelled wait leaves nothing behind
        async with limit:
            pages = await start()
        if pages.problem:
            problems.append(pages.problem)
        return pages

    services_pages = await limited(lambda: apim.list_services(session, sub, previous))
    services, _ = _parse_list("apim", sub, list(services_pages.items), apim.parse_service)
    api_pages = await _all(limited(lambda s=s: apim.list_apis(session, s, previous))
                           for s in services)
    api_items = [i for p in api_pages for i in p.items]
    apis, _ = _parse_list("apim", sub, api_items, apim.parse_api)
    op_pages = await _all(limited(lambda a=a: apim.list_operations(session, a, previous))
                          for a in apis)
    every = [services_pages, *api_pages, *op_pages]
    listing = Listing(tuple(m for p in every for m in (p.listing.pages if p.listing else ())))
    if not problems and listing == previous:
        return _Got(None, [], listing, True)
    operations = (op_pages if any(p.kept for p in op_pages)
                  else [i for p in op_pages for i in p.materialize()])
    raw = {"services": list(services_pages.items), "apis": api_items, "operations": operations}
    return _Got(raw, problems, listing)


async def _all(coros: Any) -> list[Any]:
    """Every listing to its end (none left running on its own), then the first failure."""
    results = await asyncio.gather(*coros, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(results)


def _pending(raw: Any) -> bool:
    """Whether the wire JSON still has pages kept as bytes (then it is decoded with the parse)."""
    if isinstance(raw, RawPages):
        return True
    if isinstance(raw, Mapping):
        return any(_pending(v) for v in raw.values())
    return isinstance(raw, list) and any(isinstance(v, RawPages) for v in raw)


def _decoded_steps(raw: Any) -> Steps[Any]:
    """The wire JSON with every listing kept as bytes decoded (a list of listings: one list)."""
    if isinstance(raw, RawPages):
        return list((yield from raw.materialize_steps()))
    if isinstance(raw, Mapping):
        out = {}
        for key, value in raw.items():
            out[key] = yield from _decoded_steps(value)
        return out
    if isinstance(raw, list) and any(isinstance(v, RawPages) for v in raw):
        items: list[Any] = []
        for value in raw:
            if isinstance(value, RawPages):
                items.extend((yield from value.materialize_steps()))
            else:
                items.append(value)
        return items
    return raw


def _decode_and_parse_steps(source: str, sub: str | None, raw: Any
                            ) -> Steps[tuple[Any, Any, list[SourceFailure]]]:
    raw = yield from _decoded_steps(raw)
    value, warnings = yield from _parse_steps(source, sub, raw)
    return raw, value, warnings


def _failed(source: str, sub: str | None, exc: Exception) -> SourceRead:
    problem = describe(exc)
    failure = SourceFailure(source, sub, problem.message, problem.status, problem.code)
    return SourceRead(source, sub, False, failure=failure, retry_after=problem.retry_after)


async def read_source(session: ArmSession, source: str, sub: str | None = None, *,
                      subscriptions_for_tenant: Sequence[str] = (),
                      previous: Listing | None = None) -> SourceRead:
    """Read one source; never raises (but for cancellation): failures come back as values.
    Given the `listing` of the read whose value the caller holds, a source whose pages are all
    as they were comes back `unchanged`, without being decoded or parsed."""
    try:
        got = await _listing(session, source, sub, subscriptions_for_tenant, previous)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return _failed(source, sub, exc)
    if got.unchanged and previous is not None:
        return SourceRead(source, sub, True, listing=got.listing, unchanged=True)
    raw, problems, listing = got.raw, got.problems, got.listing
    try:
        work = _decode_and_parse_steps(source, sub, raw)
        if _pending(raw) or _size(raw) > SLICED_PARSE_ITEMS:
            # Pages to decode, or hundreds of items: a slice at a time, so the console keeps
            # drawing and the other reads keep going.
            raw, value, warnings = await steps.run_on_loop(work)
        else:
            raw, value, warnings = steps.run(work)
    except DecodeError as exc:  # a kept page that is not JSON: as a listing that failed
        return _failed(source, sub, exc)
    except Exception as exc:  # a parser bug must cost this source, not the poll
        failure = SourceFailure(source, sub, f"could not read the answer: {describe(exc).message}",
                                code="Parse")
        return SourceRead(source, sub, False, failure=failure)
    warnings += [SourceFailure(source, sub, p, code="Paging") for p in problems]
    return SourceRead(source, sub, True, value, raw, tuple(warnings), listing=listing)
