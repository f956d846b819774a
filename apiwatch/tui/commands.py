"""The command palette (ctrl+p): jump to any collection, endpoint or alert by fuzzy name, and run
any action of the console."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..safe_text import shown
from ..store.queries import POSTURE_QUERIES
from .navigation import Target

if TYPE_CHECKING:
    from .host import Console

MAX_HITS = 40


class JumpCommands(Provider):
    def _targets(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("Console", self.app)
        targets: list[tuple[str, str, Callable[[], object]]] = []
        for area, label in app.AREAS:
            targets.append((f"Go to {label}", "area", partial(app.action_area, area)))
        for query in POSTURE_QUERIES:
            targets.append((f"Posture: {query.title}", "query",
                            partial(app.action_posture, query.id)))
        targets.append(("Refresh now", "action", app.action_refresh))
        targets.append(("Show keys", "action", app.action_help))
        views = app.views
        if views is None:
            return targets
        for c in views.snapshot.collections:
            targets.append((f"Collection: {c.display_name}", c.service_name or "",
                            partial(app.open, Target("api", c.api_key, True))))
        for api in views.snapshot.not_onboarded:
            targets.append((f"API (not onboarded): {api.display_name}", api.service_name,
                            partial(app.open, Target("api", api.key, True))))
        for e in views.endpoints:
            api = e.api.display_name if e.api else e.endpoint.api_name
            targets.append((f"Endpoint: {e.label}", f"{api} · {e.endpoint.display_name}",
                            partial(app.open, Target("endpoint", e.endpoint.key, True))))
        for a in views.alerts_newest_first():
            targets.append((f"Alert: {a.display_name}",
                            f"{a.severity.value} · {a.compromised_entity or ''}",
                            partial(app.open, Target("alert", a.id, True))))
        return targets

    async def discover(self) -> Hits:
        for text, help_text, callback in self._targets()[:MAX_HITS]:
            yield DiscoveryHit(_prompt(text, help_text), callback, text=shown(text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        scored = []
        for text, help_text, callback in self._targets():
            score = matcher.match(f"{text} {help_text}")
            if score > 0:
                scored.append((score, text, help_text, callback))
        scored.sort(key=lambda s: -s[0])
        for score, text, help_text, callback in scored[:MAX_HITS]:
            _, offsets = matcher.fuzzy_search.match(matcher.query, text)
            yield Hit(score, _prompt(text, help_text, offsets), callback, text=shown(text))


def _prompt(text: str, help_text: str, offsets: Iterable[int] = ()) -> Text:
    """A hit as Text: the palette reads a str prompt (and any help) as markup, and these are
    names from Azure. The help goes on a second line of the prompt for that reason."""
    prompt = Text(shown(text))
    if len(prompt) == len(text):  # offsets index the raw name; skip them if it changed
        for offset in offsets:
            if not text[offset].isspace():
                prompt.stylize("bold underline", offset, offset + 1)
    if help_text:
        prompt.append("\n" + shown(help_text), style="dim")
    return prompt
