"""Turn whatever the Azure pipeline raised into one line a human can act on."""

from __future__ import annotations

from dataclasses import dataclass

from azure.core.exceptions import (
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    IncompleteReadError,
    ServiceRequestError,
    ServiceResponseError,
)

from ..redact import redact
from .bounds import AnswerOutOfBounds, AnswerTooSlow


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    status: int | None = None
    code: str | None = None
    retry_after: float | None = None  # seconds Azure asked us to wait (429/503)

SIGN_IN_HINT = ("sign in with `az login` (or set credential = \"device-code\" in the config "
                "on a host without a browser)")


def describe(exc: BaseException) -> Problem:
    if isinstance(exc, ClientAuthenticationError) and exc.status_code is None:
        return Problem(_one_line(f"sign-in failed: {_first(exc.message)} — {SIGN_IN_HINT}",
                                 limit=400), None, "SignIn")
    if isinstance(exc, IncompleteReadError):  # a DecodeError to azure-core, not to the user
        return Problem("the connection was cut before the whole answer came", None,
                       "Connection")
    if isinstance(exc, DecodeError):
        return Problem("Azure sent a response that is not valid JSON", None, "MalformedResponse")
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        code = getattr(exc.error, "code", None) if exc.error is not None else None
        detail = getattr(exc.error, "message", None) if exc.error is not None else None
        detail = detail or exc.reason or "request failed"
        label = f"HTTP {exc.status_code}" + (f" {code}" if code else "")
        if exc.status_code == 401:
            detail = f"{_first(detail)} — {SIGN_IN_HINT}"
        return Problem(_one_line(f"{label}: {_first(detail)}", limit=400), exc.status_code, code,
                       _retry_after(exc))
    if isinstance(exc, AnswerOutOfBounds):  # its own words: how long, or how large
        return Problem(_one_line(exc.message), None,
                       "Timeout" if isinstance(exc, AnswerTooSlow) else "TooLarge")
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return Problem(_one_line(f"connection failed: {_first(str(exc))}"), None, "Connection")
    if isinstance(exc, TimeoutError):
        return Problem("the request timed out", None, "Timeout")
    return Problem(_one_line(f"{type(exc).__name__}: {_first(str(exc))}"), None, None)


def _retry_after(exc: HttpResponseError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _first(message: str | None) -> str:
    """Azure error messages carry multi-line context; the first line says what happened."""
    return (message or "").strip().splitlines()[0] if (message or "").strip() else ""


def _one_line(message: str, limit: int = 300) -> str:
    message = redact(" ".join(message.split()))
    return message if len(message) <= limit else message[: limit - 1] + "…"
