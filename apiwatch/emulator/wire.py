"""ARM wire conventions shared by every handler: replies, error envelopes, timestamps, paging."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def dumps(body: Any) -> str:
    """The JSON text of a body, as the server writes every JSON answer."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class Rendered:
    """A JSON body already rendered to its text (list pages joined from cached item fragments,
    see fragments.py); the server sends the text as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass
class Reply:
    """What a handler answers; the server turns it into an HTTP response."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ArmError(Exception):
    """An ARM error: raised by handlers, rendered as the `{"error": {...}}` envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        target: str | None = None,
        headers: dict[str, str] | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = headers or {}
        self.details = details or []

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        error["details"] = list(self.details)
        return {"error": error}


def not_found(resource_type: str, name: str, resource_group: str | None = None) -> ArmError:
    where = f" under resource group '{resource_group}'" if resource_group else ""
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{resource_type}/{name}'{where} was not found. For more details please "
        "go to https://aka.ms/ARMResourceNotFoundFix",
    )


def iso7(moment: datetime) -> str:
    """ISO 8601 in UTC with seven fractional digits, the way Defender for Cloud writes them."""
    moment = moment.astimezone(timezone.utc)
    if moment.year >= 1000:  # isoformat is strftime's text here (4-digit year), and faster
        return moment.isoformat(timespec="microseconds")[:26] + "0Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def iso3(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    if moment.year >= 1000:  # timespec="milliseconds" truncates, as microsecond // 1000 does
        return moment.isoformat(timespec="milliseconds")[:23] + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def encode_token(state: dict[str, int]) -> str:
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
        if not isinstance(state, dict) or not all(isinstance(v, int) for v in state.values()):
            raise ValueError(token)
        return state
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArmError(400, "InvalidSkipToken", "The $skipToken is invalid or expired.") from exc
