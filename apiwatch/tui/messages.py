"""Messages up to the app: the live feed's events (the feed calls back on the event loop, the
app handles each in its own message queue, in the order they came) and what a write left to
apply."""

from __future__ import annotations

from textual.message import Message

from ..console.outcome import Outcome
from ..feed.events import Event


class FeedEvent(Message):
    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class Responded(Message):
    """A write flow ended; its outcome is the app's to apply."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome
