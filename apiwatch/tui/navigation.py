"""Where a screen asks to go: it names what to open, the app's one handler knows which screen
shows it (so screens never import each other to navigate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

Kind = Literal["api", "endpoint", "alert", "recommendation", "posture"]


@dataclass(frozen=True, slots=True)
class Target:
    kind: Kind
    key: str
    # From the palette: the area the target lives in is switched to first, so its back stack
    # holds it; from a screen, it opens on top of the current area's stack.
    in_its_area: bool = False


class Open(Message):
    """A request to open a target; handled once, in the app."""

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target

    @classmethod
    def of(cls, kind: Kind, key: str, in_its_area: bool = False) -> Open:
        return cls(Target(kind, key, in_its_area))
