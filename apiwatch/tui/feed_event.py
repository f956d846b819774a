"""The live feed's events as a Textual message: the feed calls back on the event loop, the app
handles each in its own message queue, in the order they came."""

from __future__ import annotations

from textual.message import Message

from ..feed.events import Event


class FeedEvent(Message):
    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event
