"""ARM request handlers, one module per resource provider, and the combined route table."""

from __future__ import annotations

from ..routing import Route
from ..state import ServerState
from . import apim, graph, logic, security, subscriptions


def all_routes() -> list[Route]:
    return [
        *subscriptions.ROUTES,
        *security.ROUTES,
        *apim.ROUTES,
        *logic.ROUTES,
        *graph.ROUTES,
    ]


def prerender(state: ServerState) -> None:
    """Render the JSON of every big list's items before any request asks (fragments.py)."""
    security.prerender(state)
    apim.prerender(state)
    graph.prerender(state)
