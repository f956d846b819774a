"""Collections area: collections (and not-onboarded APIs) -> endpoints -> endpoint detail."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...model import normalize
from ...store.views import EndpointView
from .. import format as fmt
from ..navigation import Open
from ..widgets.status import Crumb
from ..widgets.table import Column, ResourceTable, Row
from .base import AreaScreen

COLLECTION_COLUMNS = [
    Column("name", "Collection", 26, flex=True),
    Column("endpoints", "Eps", 4),
    Column("unauth", "Unauth", 6),
    Column("external", "Ext", 4, priority=1),
    Column("sensitive", "Sens", 4, priority=1),
    Column("inactive", "Inact", 5, priority=1),
    Column("alerts", "Alerts", 6, priority=2),
    Column("label", "Label", 19, priority=3),
    Column("service", "APIM service", 18, priority=4),
    Column("subscription", "Subscription", 16, priority=5),
]

ENDPOINT_COLUMNS = [
    Column("method", "Method", 6),
    Column("path", "Path", 20, flex=True),
    Column("health", "Health", 9),
    Column("unauth", "Unauth", 6, priority=1),
    Column("external", "Ext", 4, priority=1),
    Column("sensitive", "Sens", 4, priority=1),
    Column("inactive", "Inact", 5, priority=2),
    Column("alerts", "Alerts", 6, priority=2),
    Column("api", "API", 18, priority=3),
    Column("name", "Operation", 20, priority=4),
]


class CollectionsScreen(AreaScreen):
    crumb_title = "Collections"
    BINDINGS = [
        Binding("o", "onboard", "Onboard", id="action.onboard"),
        Binding("O", "offboard", "Offboard", show=False, id="action.offboard"),
    ]

    def action_onboard(self) -> None:
        key = self.query_one(ResourceTable).current_key
        if key:
            self.respond(self.watch_app.responder.onboarding(key, on=True))

    def action_offboard(self) -> None:
        key = self.query_one(ResourceTable).current_key
        if key:
            self.respond(self.watch_app.responder.onboarding(key, on=False))

    def body(self) -> ComposeResult:
        yield ResourceTable(COLLECTION_COLUMNS, marks=self.watch_app.marks, id="collections")

    def show_data(self) -> None:
        views = self.watch_app.views
        assert views is not None
        subs = {s.subscription_id: s.label for s in views.snapshot.subscriptions}
        told = fmt.services_where_names_repeat(
            [(c.api_key, c.display_name, c.service_name, subs.get(c.subscription_id, ""))
             for c in views.snapshot.collections]
            + [(a.key, a.display_name, a.service_name, subs.get(a.subscription_id, ""))
               for a in views.snapshot.not_onboarded])
        rows = []
        for c in views.snapshot.collections:
            alerts = views.open_alerts_by_api.get(c.api_key, 0)
            rows.append(Row(
                key=c.api_key,
                cells={
                    "name": fmt.named(c.display_name, told, c.api_key),
                    "endpoints": fmt.count(c.endpoints),
                    "unauth": fmt.count(c.unauthenticated), "external": fmt.count(c.external),
                    "sensitive": fmt.count(c.sensitive), "inactive": fmt.count(c.inactive),
                    "alerts": str(alerts), "label": c.sensitivity_label or "-",
                    "service": c.service_name or "-",
                    "subscription": subs.get(c.subscription_id) or c.subscription_id,
                },
                sort={"endpoints": c.endpoints, "unauth": c.unauthenticated,
                      "external": c.external, "sensitive": c.sensitive,
                      "inactive": c.inactive, "alerts": alerts},
            ))
        for api in views.snapshot.not_onboarded:
            rows.append(Row(
                key=api.key,
                cells={
                    "name": fmt.not_onboarded(api.display_name, told.get(api.key)),
                    "endpoints": str(views.endpoint_counts_by_api.get(api.key, 0)),
                    "unauth": "?", "external": "?", "sensitive": "?", "inactive": "?",
                    "alerts": "-", "label": "not onboarded", "service": api.service_name,
                    "subscription": subs.get(api.subscription_id) or api.subscription_id,
                },
            ))
        rows.sort(key=lambda r: str(r.cells["name"]).casefold())
        self.query_one(ResourceTable).set_rows(rows)

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        self.post_message(Open.of("api", event.key))


def endpoint_rows(views: list[EndpointView] | tuple[EndpointView, ...]) -> list[Row]:
    rows = []
    for v in views:
        e = v.endpoint
        rows.append(Row(
            key=e.key,
            cells={
                "method": e.method, "path": e.url_template, "health": fmt.health(v.health),
                "unauth": fmt.flag(v.unauthenticated, "unauth"),
                "external": fmt.flag(v.external, "ext"),
                "sensitive": fmt.flag(v.sensitive, "PII"),
                "inactive": fmt.flag(v.inactive, "30d+"),
                "alerts": str(v.open_alerts) if v.alerts else "-",
                "api": v.api.display_name if v.api else e.api_name,
                "name": e.display_name,
            },
            sort={"alerts": v.open_alerts, "health": v.health.value},
        ))
    return rows


class EndpointsScreen(AreaScreen):
    """Endpoints of one API, or the result of a posture query."""

    BINDINGS = [
        Binding("t", "trigger", "Trigger", id="action.trigger"),
        Binding("P", "probe", "Probe", show=False, id="action.probe"),
    ]

    def action_trigger(self) -> None:
        self.respond(self.watch_app.responder.trigger(self.selected(), None))

    def action_probe(self) -> None:
        key = self.query_one(ResourceTable).current_key
        if key:
            self.respond(self.watch_app.responder.probe(key))

    def __init__(self, api_key: str | None = None, query_id: str | None = None) -> None:
        super().__init__()
        self.api_key = normalize(api_key) if api_key else None
        self.query_id = query_id

    def body(self) -> ComposeResult:
        yield ResourceTable(ENDPOINT_COLUMNS, marks=self.watch_app.marks, id="endpoints")

    def show_data(self) -> None:
        from ...store.queries import posture_query

        views = self.watch_app.views
        assert views is not None
        if self.query_id:
            query = posture_query(self.query_id)
            self.crumb_title = query.title
            found = query.run(views.endpoints)
        else:
            found = list(views.endpoints_by_api.get(self.api_key or "", ()))
            api = views.apis.get(self.api_key or "")
            if api is None:
                self.crumb_title = (self.api_key or "").rsplit("/", 1)[-1]
            else:
                told = fmt.services_where_names_repeat(
                    (a.key, a.display_name, a.service_name, a.subscription_id)
                    for a in views.apis.values())
                self.crumb_title = str(fmt.named(api.display_name, told, api.key))
        self.query_one(ResourceTable).set_rows(endpoint_rows(found))
        self._sync_crumb()

    def _sync_crumb(self) -> None:
        self.query_one(Crumb).show(self.crumb())

    def on_resource_table_opened(self, event: ResourceTable.Opened) -> None:
        self.post_message(Open.of("endpoint", event.key))
