"""What screens, widgets, the palette and the responder may ask of the console they run in.

They name this protocol, never the app class (only `app.py` does): the app is one thing that
provides it, so a screen can be read, and tested, without the app's 500 lines behind it, and
the package has no import circle around `app.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:

    from ..actions.audit import AuditLog
    from ..config import Config
    from ..console.outcome import Outcome
    from ..console.state import ConsoleState
    from ..model import Alert
    from ..store.views import Views
    from .format import Palette
    from .navigation import Target


class Responding(Protocol):
    """The writes a screen can ask for (tui/respond.py does them, with their dialogs)."""

    async def trigger(self, resource_ids: Sequence[str],
                      recommendation: str | None) -> Outcome | None: ...

    async def alert_state(self, alerts: Sequence[Alert], state: str) -> Outcome | None: ...

    async def sample_alerts(self) -> Outcome | None: ...

    async def probe(self, endpoint_key: str) -> Outcome | None: ...

    async def onboarding(self, api_key: str, *, on: bool) -> Outcome | None: ...


class Console(Protocol):
    # what is shown
    state: ConsoleState
    config: Config
    views: Views | None
    version: int
    marks: set[str]
    read_only: bool
    clock: Callable[[], datetime]
    AREAS: tuple[tuple[str, str], ...]

    @property
    def palette(self) -> Palette: ...

    @property
    def unseen_alert_count(self) -> int: ...

    def unseen_alerts(self) -> set[str]: ...

    def mark_alerts_seen(self, ids: Iterable[str] | None = None) -> None: ...

    # acting
    @property
    def responder(self) -> Responding: ...

    @property
    def audit(self) -> AuditLog: ...

    # going places (the palette's; screens post navigation.Open instead)
    def open(self, target: Target) -> None: ...

    def action_area(self, area: str) -> None: ...

    def action_posture(self, query_id: str) -> None: ...

    def action_refresh(self) -> None: ...

    def action_help(self) -> None: ...

    # Textual's own, as screens use them
    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None: ...

    def bell(self) -> None: ...
