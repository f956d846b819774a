"""The JSON text of each item of the big lists, rendered once: a page is then a join, not a render.

Why: the emulator stands in for ARM, whose server-side work is massively parallel and is modeled
by the configured latency. The emulator's own rendering runs on one event loop: requests whose
latency sleeps end together are rendered one after another, so with a few thousand pages of
alerts, assessments, operations and Resource Graph rows, its CPU adds to the modeled latency
(a 1,000-row graph page took tens of milliseconds). That time is an artifact of the stand-in.

What is kept: the text of one list item (an alert, an assessment, an operation; the JSON of each
column of a Resource Graph row), keyed by the kind of rendering and the item object itself
(identity, and a reference so the id is never reused). Pages are still assembled per request
from the live lists (which items, their order, paging, `nextLink`, counts), so a new alert or an
(off)boarded API changes every page it should without touching a fragment. Nothing else of the
request path changes: authentication, faults, latency, throttling and the request log apply to
every request as before, and a request a post-handler fault may rewrite (unknown-enum,
malformed, endless-nextlink) gets the dict body it rewrites.

Invalidation is conservative: every change TenantChanges makes bumps its `version`, which
empties the store (most changes only add items, which needs nothing). An alert's fragment is
also stamped with its status. Code that changes tenant objects in place by hand (a test, say)
must call `Emulator.invalidate()`.

Exactness: `json.dumps` without indent renders a list or dict as the separators and the dumps
of its members, so joining member fragments gives the very bytes of rendering the whole body at
once (tests/emulator/test_fragments.py compares both, and the wire output before and after).

Bounded: at most `limit` characters of distinct fragment text are kept (512 M; the large
tenant needs about 185 M with both assessment api-versions, some 220 MB of memory in all);
past that, items render on every request, as without the store.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from .changes import TenantChanges
from .wire import dumps

LIMIT = 512 * 1024 * 1024

# Where a body's joined fragments go; control characters are escaped, so its JSON text cannot
# come from anything but this marker.
_SLOT = "\x00apiwatch-emulator-fragments\x00"
_SLOT_JSON = dumps(_SLOT)


def slot() -> str:
    """The placeholder to put in a body where `compose` inserts the joined fragments."""
    return _SLOT


def compose(body: Any, fragment: str) -> str | None:
    """dumps(body) with the slot replaced by `fragment` (JSON text); None when the slot is not
    there exactly once (the caller then renders the body the ordinary way)."""
    text = dumps(body)
    if text.count(_SLOT_JSON) != 1:
        return None
    return text.replace(_SLOT_JSON, fragment)


def join(texts: list[str]) -> str:
    """A JSON array of fragments."""
    return "[" + ",".join(texts) + "]"


class Fragments:
    """Item fragments of one emulator (the event loop's thread only)."""

    def __init__(self, changes: TenantChanges, limit: int = LIMIT) -> None:
        self._changes = changes
        self.limit = limit
        # kind -> id(item) -> (item, stamp, fragment); the item is kept so its id is not reused.
        self._kinds: dict[Hashable, dict[int, tuple[Any, Hashable, Any]]] = {}
        # Equal texts are kept once (an assessment renders alike in both api-versions unless
        # it carries a risk; most Resource Graph columns repeat from row to row).
        self._texts: dict[str, str] = {}
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._version = changes.version
        self.size = 0  # characters kept
        # False: every body is rendered from its dict, as before this store (tests compare).
        self.enabled = True

    def __len__(self) -> int:
        self._check()
        return sum(map(len, self._kinds.values()))

    def clear(self) -> None:
        self._kinds.clear()
        self._texts.clear()
        self._names.clear()
        self.size = 0
        self._version = self._changes.version

    def _check(self) -> None:
        if self._version != self._changes.version:
            self.clear()

    def _share(self, text: str) -> tuple[str, int]:
        """(the kept text equal to text, characters it adds to the store)."""
        kept = self._texts.setdefault(text, text)
        return kept, len(text) if kept is text else 0

    def _keep(self, kind: Hashable, item: Any, entry: tuple[Any, Hashable, Any]) -> None:
        self._kinds.setdefault(kind, {})[id(item)] = entry

    def text(
        self, kind: Hashable, item: Any, render: Callable[[Any], Any], stamp: Hashable = None
    ) -> str:
        """The JSON text of render(item); stamp: what else the text depends on (alert status)."""
        self._check()
        kept = self._kinds.get(kind)
        hit = kept.get(id(item)) if kept is not None else None
        if hit is not None and hit[0] is item and hit[1] == stamp:
            return hit[2]  # type: ignore[no-any-return]
        text = dumps(render(item))
        if self.size + len(text) <= self.limit:
            text, added = self._share(text)
            self._keep(kind, item, (item, stamp, text))
            self.size += added
        return text

    def members(
        self, kind: Hashable, item: Any, render: Callable[[Any], dict[str, Any]]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(keys, JSON text of each value) of the dict render(item), for bodies that project
        some of its members (Resource Graph rows and their `project` columns)."""
        self._check()
        kept = self._kinds.get(kind)
        hit = kept.get(id(item)) if kept is not None else None
        if hit is not None and hit[0] is item:
            return hit[2]  # type: ignore[no-any-return]
        full = render(item)
        names = tuple(full)
        texts = tuple(dumps(v) for v in full.values())
        if self.size + sum(map(len, texts)) <= self.limit:
            names = self._names.setdefault(names, names)
            shared = [self._share(t) for t in texts]
            texts = tuple(t for t, _ in shared)
            self._keep(kind, item, (item, None, (names, texts)))
            self.size += sum(n for _, n in shared)
        return names, texts
