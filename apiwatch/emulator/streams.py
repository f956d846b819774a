"""Answers that never end properly, for the `trickle` and `endless` faults: a client that
bounds one socket read but not a whole answer hangs on the first, and one that does not bound an
answer's size fills its memory with the second. Both start as a plain ARM list page would."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .wire import dumps

TRICKLE_START = 16  # bytes sent at once: the answer looks like it began ('{"value":[{"id":')
# However long the client reads, an endless answer stops here (far past any client's cap).
ENDLESS_GUARD = 1024 * 1024 * 1024
ENDLESS_CHUNK = 64 * 1024  # bytes per write: fast, while the writer waits for its reader


@dataclass(frozen=True, slots=True)
class Trickle:
    """The real answer, its first bytes at once and then one byte every `interval` seconds."""

    text: str
    interval: float


@dataclass(frozen=True, slots=True)
class Endless:
    """`{"value":[` and then the list's items again and again, never closed. With `limit`
    (bytes), the connection drops there instead: a test of a client that should have stopped
    long before must not take the machine's memory with it when that client regresses."""

    items: tuple[Mapping[str, Any], ...]
    limit: int | None = None


StreamBody = Trickle | Endless


def endless_of(body: Mapping[str, Any], limit: int | None = None) -> Endless:
    """An ARM page's items (Resource Graph's `data` rows), or the body itself as the item."""
    for key in ("value", "data"):
        items = body.get(key)
        if isinstance(items, list) and items:
            return Endless(tuple(i for i in items if isinstance(i, Mapping)) or (body,), limit)
    return Endless((body,), limit)


async def stream(request: web.Request, status: int, headers: Mapping[str, str],
                 body: StreamBody) -> web.StreamResponse:
    """Send `body` (chunked, no length) until it ends or the client goes; the emulator stops
    one by cancelling its task. Cut short, the connection is dropped: the client must not see
    an answer that looks complete."""
    response = web.StreamResponse(status=status, headers=headers)
    response.content_type = "application/json"
    response.charset = "utf-8"
    await response.prepare(request)
    ended = False
    try:
        if isinstance(body, Trickle):
            await _trickle(response, body)
            await response.write_eof()
            ended = True
        else:
            await _endless(response, body, request)
    except (ConnectionError, RuntimeError):  # the client went away (aiohttp says either)
        pass
    finally:
        if not ended and request.transport is not None:
            request.transport.abort()
    return response


async def _trickle(response: web.StreamResponse, body: Trickle) -> None:
    data = body.text.encode()
    await response.write(data[:TRICKLE_START])
    for offset in range(TRICKLE_START, len(data)):
        await asyncio.sleep(body.interval)
        await response.write(data[offset:offset + 1])


async def _endless(response: web.StreamResponse, body: Endless, request: web.Request) -> None:
    """Returns only at the body's limit (if it has one), when the client has gone, or at the
    guard: a client that never reads while its connection stays up must not make the emulator
    (in the test's own process) buffer without end."""
    one = ",".join(dumps(i) for i in body.items).encode()
    chunk = b",".join([one] * max(1, ENDLESS_CHUNK // max(1, len(one))))
    await response.write(b'{"value":[' + chunk)
    sent = len(chunk)
    limit = body.limit if body.limit is not None else ENDLESS_GUARD
    while sent < limit:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await response.write(b"," + chunk)  # waits while the client does not read
        sent += len(chunk) + 1
