"""GC policy for long-lived data. A large tenant is millions of objects that live until the next
read of their source; walking them all in every full collection stalls the event loop (the
bench saw 0.5-0.7 s pauses). Once a read is in the store, its objects are frozen out of the
cyclic collector; they hold no cycles, so reference counting still frees them when replaced."""

from __future__ import annotations

import gc


def keep_long_lived() -> None:
    # Young garbage (a poll's futures, tracebacks) is collected first, so no cycle is frozen
    # and leaked; only the young generations are walked, never the whole heap.
    gc.collect(1)
    gc.freeze()
