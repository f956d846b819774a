"""Tolerant readers for ARM JSON: every property may be missing, mistyped or differently cased."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any


class BadItem(ValueError):
    """An item of a list that cannot be turned into a domain object (it is skipped and counted)."""


def props(item: Mapping[str, Any]) -> Mapping[str, Any]:
    value = ci(item, "properties")
    return value if isinstance(value, Mapping) else {}


def ci(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """Case-insensitive get: live Azure spells `resourceDetails.Id` where examples say `id`."""
    if key in mapping:
        return mapping[key]
    folded = key.casefold()
    for k, v in mapping.items():
        if isinstance(k, str) and k.casefold() == folded:
            return v
    return default


def text(mapping: Mapping[str, Any], key: str) -> str | None:
    """A string property, interned: tens of thousands of items repeat the same display names,
    descriptions and states, and one copy of each is enough."""
    value = ci(mapping, key)
    if value is None:
        return None
    return sys.intern(value if isinstance(value, str) else str(value))


def required_text(mapping: Mapping[str, Any], key: str) -> str:
    value = text(mapping, key)
    if not value:
        raise BadItem(f"missing {key}")
    return value


def integer(mapping: Mapping[str, Any], key: str) -> int | None:
    value = ci(mapping, key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (float, str)):
        try:
            return int(float(value))
        except (ValueError, OverflowError):  # "abc", and infinities ("inf", 1e999)
            return None
    return None


def boolean(mapping: Mapping[str, Any], key: str) -> bool | None:
    """ARG returns booleans as the strings "true"/"false"; ARM as JSON booleans."""
    value = ci(mapping, key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def strings(mapping: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = ci(mapping, key)
    if not isinstance(value, list):
        return ()
    return tuple(sys.intern(str(v)) for v in value if v is not None)


def timestamp(mapping: Mapping[str, Any], key: str) -> datetime | None:
    return parse_time(ci(mapping, key))


_DIGITS = re.compile(r"\d*")


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 with 0-7 fractional digits (alerts carry seven; Python takes at most six)."""
    if not isinstance(value, str) or not value:
        return None
    raw = value.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    if "." in raw:
        head, _, rest = raw.partition(".")
        digits = _DIGITS.match(rest).group()  # type: ignore[union-attr]  # \d* always matches
        rest = rest[len(digits):]
        if not 1 <= len(digits) <= 7:  # ISO 8601 as Azure writes it: one to seven digits
            return None
        raw = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
