"""Posture queries, after the Cloud Security Explorer templates, and the `/` text filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .views import EndpointView


@dataclass(frozen=True, slots=True)
class PostureQuery:
    id: str
    title: str
    test: Callable[[EndpointView], bool]

    def run(self, endpoints: Iterable[EndpointView]) -> list[EndpointView]:
        return [e for e in endpoints if self.test(e)]


POSTURE_QUERIES: tuple[PostureQuery, ...] = (
    PostureQuery(
        "exposed-unauth-sensitive",
        "Internet-exposed unauthenticated endpoints with sensitive data",
        lambda e: e.external is True and e.unauthenticated is True and e.sensitive is True,
    ),
    PostureQuery(
        "unauth-sensitive-no-vnet",
        "Unauthenticated endpoints with sensitive data outside a virtual network",
        lambda e: e.unauthenticated is True and e.sensitive is True and e.outside_vnet is True,
    ),
    PostureQuery(
        "unencrypted-unauth",
        "Unencrypted protocols with unauthenticated endpoints",
        lambda e: e.unencrypted and e.unauthenticated is True,
    ),
    PostureQuery(
        "inactive",
        "Endpoints inactive for 30+ days",
        lambda e: e.inactive is True,
    ),
)


def posture_query(query_id: str) -> PostureQuery:
    return next(q for q in POSTURE_QUERIES if q.id == query_id)


@dataclass(frozen=True, slots=True)
class TextFilter:
    """`/` filter: case-insensitive substring over a row's cells; a leading `!` inverts."""

    needle: str
    inverted: bool

    @classmethod
    def parse(cls, text: str) -> TextFilter:
        text = text.strip()
        if text.startswith("!"):
            return cls(text[1:].strip().casefold(), True)
        return cls(text.casefold(), False)

    @property
    def active(self) -> bool:
        return bool(self.needle)

    def matches(self, haystack: str) -> bool:
        """`haystack`: a row's cells joined and case-folded once (the table keeps it per row)."""
        if not self.needle:
            return True
        return (self.needle in haystack) != self.inverted
