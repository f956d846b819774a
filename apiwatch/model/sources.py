"""The vocabulary of what apiwatch reads, declared once: every source, the kind of data it is
part of, and what one read of it covers (a subscription, or the tenant); the kinds in the order
they are shown, with their names on screen; the states a source can be in. The poller, the
status line, the Overview and the cache's load order all group the sources from these tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType


class _Named(str, Enum):
    """A closed str enum that is its value wherever text is made of it (f-strings, `%s`, JSON,
    SQLite) and equal to it: `h.status == "ok"` and a dict keyed by the plain name both work."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Source(_Named):
    """One list (or chain of lists) apiwatch reads from Azure. Per scope, in the order the
    one-shot read starts them."""

    SUBSCRIPTIONS = "subscriptions"
    COLLECTIONS = "collections"
    APIM = "apim"
    ASSESSMENTS = "assessments"
    ALERTS = "alerts"
    AUTOMATIONS = "automations"
    LOGIC_APPS = "logic-apps"
    METADATA = "metadata"
    GRAPH = "graph"


class Kind(_Named):
    """A kind of data, as the console names and ages it; declared in the order it is shown."""

    ALERTS = "alerts"
    INVENTORY = "inventory"
    HEALTH = "health"
    AUTOMATION = "automation"
    INSIGHTS = "insights"


class Scope(_Named):
    """What one read of a source covers."""

    SUBSCRIPTION = "subscription"  # one subscription: read for each one listed
    TENANT = "tenant"  # the tenant, asked for the subscriptions known readable
    # The subscription list itself: read before the rest, and not at all when the config names
    # the subscriptions (so nothing waits for it to be read).
    LIST = "list"


class SourceStatus(_Named):
    """How one source (for one subscription, or the tenant) is doing."""

    OK = "ok"
    DEGRADED = "degraded"  # read, with items skipped; or failed lately, its last data kept
    FAILING = "failing"  # never read, or failed several times in a row
    PENDING = "pending"  # not tried yet
    CACHED = "cached"  # from the disk, not yet read again


@dataclass(frozen=True, slots=True)
class SourceInfo:
    kind: Kind
    scope: Scope


@dataclass(frozen=True, slots=True)
class KindInfo:
    shown: str  # its name on screen
    # The kind whose poll interval it is read at (the config has one for alerts, inventory and
    # automation). For a subscription, the sources polled at one interval are one job.
    polled_with: Kind


SOURCES: Mapping[Source, SourceInfo] = MappingProxyType({
    Source.SUBSCRIPTIONS: SourceInfo(Kind.INVENTORY, Scope.LIST),
    Source.COLLECTIONS: SourceInfo(Kind.INVENTORY, Scope.SUBSCRIPTION),
    Source.APIM: SourceInfo(Kind.INVENTORY, Scope.SUBSCRIPTION),
    Source.ASSESSMENTS: SourceInfo(Kind.HEALTH, Scope.SUBSCRIPTION),
    Source.ALERTS: SourceInfo(Kind.ALERTS, Scope.SUBSCRIPTION),
    Source.AUTOMATIONS: SourceInfo(Kind.AUTOMATION, Scope.SUBSCRIPTION),
    Source.LOGIC_APPS: SourceInfo(Kind.AUTOMATION, Scope.SUBSCRIPTION),
    Source.METADATA: SourceInfo(Kind.HEALTH, Scope.TENANT),
    Source.GRAPH: SourceInfo(Kind.INSIGHTS, Scope.TENANT),
})

KINDS: Mapping[Kind, KindInfo] = MappingProxyType({
    Kind.ALERTS: KindInfo("alerts", Kind.ALERTS),
    Kind.INVENTORY: KindInfo("inventory", Kind.INVENTORY),
    # Read with the inventory: a subscription's assessments are read in its inventory job
    # (where they wait for the metadata's first read).
    Kind.HEALTH: KindInfo("recommendations", Kind.INVENTORY),
    Kind.AUTOMATION: KindInfo("automation", Kind.AUTOMATION),
    Kind.INSIGHTS: KindInfo("insights", Kind.INVENTORY),
})


def sources(*kinds: Kind, scope: Scope | None = None) -> tuple[Source, ...]:
    """The sources of these kinds (of every kind when none is named) read at this scope (at
    any when none is), in their declared order."""
    return tuple(s for s, info in SOURCES.items()
                 if (not kinds or info.kind in kinds) and scope in (None, info.scope))


SUBSCRIPTION_SOURCES = sources(scope=Scope.SUBSCRIPTION)
TENANT_SOURCES = sources(scope=Scope.LIST) + sources(scope=Scope.TENANT)

# Loaded from the cache before the others: what the Overview's cards count, and the kinds that
# are small. The recommendations and Resource Graph's insights are half a large tenant's load:
# without them the cards are right seconds sooner (and the status line says what is to come).
CACHE_FIRST = frozenset(sources(Kind.ALERTS, Kind.INVENTORY, Kind.AUTOMATION))
