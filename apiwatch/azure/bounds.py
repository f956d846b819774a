"""Bounds on one answer: how long it may take and how large it may be.

aiohttp's timeouts, as azure-core sets them, bound one socket read: an answer that sends a byte
every few seconds never ends, and one that never stops sending grows the process until memory
runs out. Here every request through the ARM pipeline must have its whole answer, last byte
included, within `timeout_seconds`, and no answer on the shared pool is read past
`max_response_mb`. Either failure costs that one source (which the poller retries later, backing
off); it is not retried at once, since the same answer would come again."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import aiohttp
from azure.core.exceptions import AzureError, ServiceResponseError
from azure.core.pipeline.policies import AsyncRetryPolicy
from azure.core.pipeline.transport import AioHttpTransport

MB = 1024 * 1024


class AnswerOutOfBounds(ServiceResponseError):
    """An answer that took too long or was too large; `str()` says which, in one line."""


class AnswerTooSlow(AnswerOutOfBounds):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out: no complete answer within {seconds:g} s")


class AnswerTooLarge(AnswerOutOfBounds):
    def __init__(self, limit: int) -> None:
        super().__init__(f"answer larger than {limit / MB:g} MB")


class ResponseTooLarge(aiohttp.ClientPayloadError):
    """Raised by a bounded response's read: an aiohttp error, so that callers of the shared
    pool outside ARM (logic-app callbacks, gateway probes) handle it as they handle the rest."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"answer larger than {limit / MB:g} MB")
        self.limit = limit


class BoundedResponse(aiohttp.ClientResponse):
    """An aiohttp response whose body is read only up to `limit` bytes."""

    limit: ClassVar[int] = 32 * MB

    async def read(self) -> bytes:
        if self._body is None:  # aiohttp's own read keeps the body there, and returns it
            try:
                self._body = await _read_at_most(self, self.limit)
            except BaseException:
                self.close()  # a connection left mid-answer must not be reused
                raise
        return await super().read()


def bounded_response(limit_mb: float) -> type[BoundedResponse]:
    """The response class for a pool whose answers may be at most `limit_mb` MB."""
    return type("BoundedResponse", (BoundedResponse,), {"limit": max(1, int(limit_mb * MB))})


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > limit:
        raise ResponseTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class BoundedTransport(AioHttpTransport):
    """azure-core's aiohttp transport, with one deadline for the whole answer."""

    def __init__(self, *, deadline: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline

    async def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        try:
            return await asyncio.wait_for(super().send(request, **kwargs), self.deadline)
        except asyncio.TimeoutError:  # azure-core turns its own timeouts into AzureErrors
            raise AnswerTooSlow(self.deadline) from None
        except AzureError as exc:
            cause = exc.__cause__ or getattr(exc, "inner_exception", None)
            if isinstance(cause, ResponseTooLarge):
                raise AnswerTooLarge(cause.limit) from None
            raise


class BoundedRetryPolicy(AsyncRetryPolicy):
    """azure-core's retries, except for an answer out of bounds: asked again at once, the same
    answer would take as long (or be as large) again; the poller retries it later instead."""

    def increment(self, settings: Any, response: Any = None, error: Any = None) -> bool:
        if isinstance(error, AnswerOutOfBounds):
            return False
        return bool(super().increment(settings, response, error))
