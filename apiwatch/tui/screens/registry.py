"""Which screen shows what: the five areas (each a Textual mode with its own back stack) and the
screen for each navigation target. The app's one navigation handler asks here."""

from __future__ import annotations

from ..navigation import Target
from .alerts import AlertScreen, AlertsScreen
from .audit import AuditScreen
from .base import AreaScreen
from .endpoint import EndpointScreen
from .inventory import CollectionsScreen, EndpointsScreen
from .overview import OverviewScreen
from .recommendations import RecommendationsScreen, UnhealthyScreen

AREAS = (
    ("overview", "Overview"),
    ("collections", "Collections"),
    ("alerts", "Alerts"),
    ("recommendations", "Recommendations"),
    ("audit", "Audit"),
)
MODES: dict[str, type[AreaScreen]] = {
    "overview": OverviewScreen,
    "collections": CollectionsScreen,
    "alerts": AlertsScreen,
    "recommendations": RecommendationsScreen,
    "audit": AuditScreen,
}
# The area whose back stack a target joins when it is opened from outside it (the palette).
AREA_OF = {"api": "collections", "endpoint": "collections", "alert": "alerts",
           "recommendation": "recommendations"}


def screen_for(target: Target) -> AreaScreen:
    if target.kind == "api":
        return EndpointsScreen(api_key=target.key)
    if target.kind == "posture":
        return EndpointsScreen(query_id=target.key)
    if target.kind == "endpoint":
        return EndpointScreen(target.key)
    if target.kind == "alert":
        return AlertScreen(target.key)
    return UnhealthyScreen(target.key)
