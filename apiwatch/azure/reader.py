"""A full read of the tenant into one `Snapshot`: every subscription and source in parallel under
bounded concurrency, each failure recorded for its source and subscription, the rest kept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

from ..model import (
    Alert,
    ApiCollection,
    ApimApi,
    ApimService,
    AssessmentMetadata,
    Endpoint,
    LogicApp,
    Recommendation,
    SecurityAutomation,
    Snapshot,
    SourceFailure,
    Subscription,
)
from . import alerts, apim, assessments, automation, collections, graph, subscriptions
from .errors import describe
from .pages import RawPages
from .session import ArmSession
from .wire import BadItem

T = TypeVar("T")

PER_SUBSCRIPTION_REQUESTS = 6
PARALLEL_SUBSCRIPTIONS = 8


@dataclass
class _Part:
    """What one subscription contributed."""

    collections: list[ApiCollection] = field(default_factory=list)
    services: list[ApimService] = field(default_factory=list)
    apis: list[ApimApi] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    automations: list[SecurityAutomation] = field(default_factory=list)
    logic_apps: list[LogicApp] = field(default_factory=list)


class TenantReader:
    def __init__(self, session: ArmSession) -> None:
        self.session = session
        self.failures: list[SourceFailure] = []

    def _fail(self, source: str, subscription_id: str | None, exc: BaseException) -> None:
        problem = describe(exc)
        self.failures.append(
            SourceFailure(source, subscription_id, problem.message, problem.status, problem.code)
        )

    def _parse(
        self,
        source: str,
        subscription_id: str | None,
        pages: RawPages,
        parser: Callable[[Mapping[str, Any]], T],
    ) -> list[T]:
        parsed: list[T] = []
        bad = 0
        for item in pages.items:
            try:
                parsed.append(parser(item))
            except (BadItem, TypeError, ValueError, AttributeError):
                bad += 1
        if bad:
            self.failures.append(SourceFailure(
                source, subscription_id, f"{bad} item(s) could not be read and were skipped",
                code="BadItem",
            ))
        if pages.problem:
            self.failures.append(
                SourceFailure(source, subscription_id, pages.problem, code="Paging")
            )
        return parsed

    async def _guarded(
        self, source: str, subscription_id: str | None, work: Awaitable[T], fallback: T
    ) -> T:
        try:
            return await work
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._fail(source, subscription_id, exc)
            return fallback

    async def subscriptions(self, configured: Sequence[str]) -> list[Subscription]:
        if configured:
            return [Subscription(sub, "") for sub in configured]
        pages = await self._guarded(
            "subscriptions", None, subscriptions.list_subscriptions(self.session), None
        )
        if pages is None:
            return []
        found = self._parse("subscriptions", None, pages, subscriptions.parse_subscription)
        return [s for s in found if subscriptions.usable(s)]

    async def _list(
        self,
        source: str,
        subscription_id: str,
        lister: Awaitable[RawPages],
        parser: Callable[[Mapping[str, Any]], T],
    ) -> list[T]:
        pages = await self._guarded(source, subscription_id, lister, None)
        return [] if pages is None else self._parse(source, subscription_id, pages, parser)

    async def _apim(self, sub: str, part: _Part, limit: asyncio.Semaphore) -> None:
        s = self.session

        async def limited(coro: Awaitable[T]) -> T:
            async with limit:
                return await coro

        part.services = await self._list(
            "apim", sub, limited(apim.list_services(s, sub)), apim.parse_service
        )
        api_lists = await asyncio.gather(*(
            self._list("apim", sub, limited(apim.list_apis(s, svc)), apim.parse_api)
            for svc in part.services
        ))
        part.apis = [api for group in api_lists for api in group]
        op_lists = await asyncio.gather(*(
            self._list("apim", sub, limited(apim.list_operations(s, api)), apim.parse_operation)
            for api in part.apis
        ))
        part.endpoints = [op for group in op_lists for op in group]

    async def subscription(self, sub: str) -> _Part:
        s = self.session
        part = _Part()
        limit = asyncio.Semaphore(PER_SUBSCRIPTION_REQUESTS)

        async def limited(coro: Awaitable[T]) -> T:
            async with limit:
                return await coro

        async def fill(attr: str, source: str, lister: Awaitable[RawPages], parser: Any) -> None:
            setattr(part, attr, await self._list(source, sub, limited(lister), parser))

        await asyncio.gather(
            fill("collections", "collections", collections.list_collections(s, sub),
                 collections.parse_collection),
            fill("recommendations", "assessments", assessments.list_assessments(s, sub),
                 assessments.parse_assessment),
            fill("alerts", "alerts", alerts.list_alerts(s, sub), alerts.parse_alert),
            fill("automations", "automations", automation.list_automations(s, sub),
                 automation.parse_automation),
            fill("logic_apps", "logic-apps", automation.list_workflows(s, sub),
                 automation.parse_workflow),
            self._apim(sub, part, limit),
        )
        part.recommendations = [r for r in part.recommendations if r.is_api_related]
        return part

    async def metadata(self, readable: Sequence[str]) -> list[AssessmentMetadata]:
        for sub in readable[:1]:
            return await self._list(
                "metadata", None, assessments.list_metadata(self.session, sub),
                assessments.parse_metadata,
            )
        return []


async def read_snapshot(
    session: ArmSession,
    configured_subscriptions: Sequence[str] = (),
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Snapshot:
    reader = TenantReader(session)
    subs = await reader.subscriptions(configured_subscriptions)
    gate = asyncio.Semaphore(PARALLEL_SUBSCRIPTIONS)

    async def one(sub: Subscription) -> _Part:
        async with gate:
            return await reader.subscription(sub.subscription_id)

    parts = await asyncio.gather(*(one(sub) for sub in subs))
    failed = {f.subscription_id for f in reader.failures if f.status == 403}
    readable = [s.subscription_id for s in subs if s.subscription_id not in failed]
    metadata, insights = await asyncio.gather(
        reader.metadata(readable),
        reader._guarded(
            "graph", None, graph.query_endpoint_insights(session, readable), {}
        ) if readable else _nothing(),
    )
    by_key = {m.key.lower(): m for m in metadata}
    recs = [
        r.with_metadata(by_key.get(r.key.lower())) for p in parts for r in p.recommendations
    ]

    def flat(attr: str) -> tuple[Any, ...]:
        return tuple(_chain(getattr(p, attr) for p in parts))

    return Snapshot(
        taken_at=clock(),
        subscriptions=tuple(subs),
        collections=flat("collections"),
        services=flat("services"),
        apis=flat("apis"),
        endpoints=flat("endpoints"),
        insights=insights,
        recommendations=tuple(recs),
        metadata=tuple(metadata),
        alerts=flat("alerts"),
        logic_apps=flat("logic_apps"),
        automations=flat("automations"),
        failures=tuple(reader.failures),
    )


async def _nothing() -> dict[str, Any]:
    return {}


def _chain(groups: Iterable[Iterable[T]]) -> Iterable[T]:
    for group in groups:
        yield from group
