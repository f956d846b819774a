"""GC policy for long-lived data. A large tenant is millions of objects that live until the next
read of their source; walking them all in every full collection stalled the event loop (the
bench saw 0.5-0.7 s pauses). Once a read is in the store its objects are frozen out of the
cyclic collector; they hold no cycles, so reference counting still frees them when replaced.
Garbage cycles that grew old before a freeze would be kept forever, so now and then everything
is thawed and collected once."""

from __future__ import annotations

import gc

FULL_COLLECTION_EVERY = 100  # reads between two full collections

_calls = 0


def keep_long_lived() -> None:
    global _calls
    _calls += 1
    if _calls % FULL_COLLECTION_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    else:
        # young garbage (a poll's futures, tracebacks) first: only young generations are walked
        gc.collect(1)
    gc.freeze()
