"""Recommendations area: each recommendation with its unhealthy count -> unhealthy resources."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...model import ArmId, normalize
from ..navigation import Open
from ..widgets.status import Crumb
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

REC_COLUMNS = [
    Column("unhealthy", "Unhealthy", 9),
    Column("healthy", "Healthy", 7, priority=1),
    Column("severity", "Severity", 8),
    Column("name", "Recommendation", 30, flex=True),
]
RESOURCE_COLUMNS = [
    Column("resource", "Resource", 24, flex=True),
    Column("type", "Type", 10),
    Column("cause", "Cause", 18, priority=1),
    Column("api", "API / service", 20, priority=2),
]


# What Defender's resource types are called on screen.
_KINDS = {"operations": "endpoint", "apis": "API", "service": "APIM", "backends": "backend",
          "subscriptions": "APIM key", "namedvalues": "named value", "tenant": "APIM access"}


class RecommendationsScreen(AreaScreen):
    crumb_title = "Recommendations"

    def body(self) -> ComposeResult:
        yield ResourceTable(REC_COLUMNS, markable=False, id="recommendations")

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        palette = self.watch_app.palette
        rows = [
            Row(v.key, {"unhealthy": str(len(v.unhealthy)), "healthy": str(v.healthy),
                        "severity": palette.severity(v.severity), "name": v.display_name},
                sort={"unhealthy": len(v.unhealthy), "healthy": v.healthy,
                      "severity": v.severity.rank}, markable=False)
            for v in views.recommendations
        ]
        self.query_one(ResourceTable).set_rows(rows)

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        self.post_message(Open.of("recommendation", event.key))


class UnhealthyScreen(AreaScreen):
    """The unhealthy resources of one recommendation; mark them and trigger a logic app."""

    BINDINGS = [Binding("t", "trigger", "Trigger", id="action.trigger")]

    def action_trigger(self) -> None:
        self.respond(self.watch_app.responder.trigger(self.selected(), self.key))

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def body(self) -> ComposeResult:
        yield ResourceTable(RESOURCE_COLUMNS, marks=self.watch_app.marks, id="resources")

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        view = next((v for v in views.recommendations if v.key == self.key), None)
        self.crumb_title = view.display_name if view else self.key
        rows = []
        for rec in view.unhealthy if view else ():
            arm = ArmId.parse(rec.resource_id)
            endpoint = views.endpoints_by_key.get(rec.resource_key)
            kind = arm.resource_type.rsplit("/", 1)[-1]
            kind = _KINDS.get(kind.lower(), kind)
            label = endpoint.label if endpoint else arm.name
            api = (endpoint.api.display_name if endpoint and endpoint.api
                   else arm.name_of("apis") or arm.name_of("Microsoft.ApiManagement/service"))
            rows.append(Row(rec.resource_key, {
                "resource": label, "type": kind, "cause": rec.cause or "-", "api": api or "-",
            }))
        self.query_one(ResourceTable).set_rows(rows)
        self.query_one(Crumb).show(self.crumb())

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        views = self.watch_app.views
        assert views is not None
        if event.key in views.endpoints_by_key:
            self.post_message(Open.of("endpoint", event.key))
        elif normalize(event.key) in views.apis:
            self.post_message(Open.of("api", event.key))
        else:
            self.app.notify("No detail view for this kind of resource yet.", timeout=3)
