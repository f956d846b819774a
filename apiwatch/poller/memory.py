"""GC policy for long-lived data. A large tenant is millions of objects that live until the next
read of their source; walking them all in every full collection stalled the event loop (the
bench saw 0.5-0.7 s pauses). Once a read is in the store its objects are frozen out of the
cyclic collector; they hold no cycles, so reference counting still frees them when replaced.
Garbage cycles that grew old before a freeze would be kept forever, so now and then everything
is thawed and collected once: by the clock, not by the number of reads, because a tenant of 50
subscriptions makes 100 alert reads a minute and each full pass costs about a second of CPU."""

from __future__ import annotations

import ctypes
import functools
import gc
import time
from collections.abc import Callable

FULL_COLLECTION_SECONDS = 600.0


class _Policy:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_full = clock()

    def keep_long_lived(self) -> None:
        now = self.clock()
        if now - self.last_full >= FULL_COLLECTION_SECONDS:
            self.last_full = now
            gc.unfreeze()
            gc.collect()
        else:
            # young garbage (a poll's futures, tracebacks) first: only young generations are walked
            gc.collect(1)
        gc.freeze()


_policy = _Policy()


def keep_long_lived() -> None:
    _policy.keep_long_lived()


@functools.cache  # looked up on first use, not at start
def _malloc_trim() -> Callable[[int], int] | None:
    try:  # the process's own symbols: glibc's are there (find_library would run ldconfig)
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to ask
        return None


def release_free_heap() -> bool:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim): a refresh's
    transient JSON leaves ~30 MB free but held, which a console left open for days on a shared
    jump host should not keep. Tens of milliseconds on a large heap, so in a worker thread (the
    call lets go of the GIL). False where there is no such call."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
