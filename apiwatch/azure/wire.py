"""Tolerant readers for ARM JSON: every property may be missing, mistyped or differently cased."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any


class BadItem(ValueError):
    """An item of a list that cannot be turned into a domain object (it is skipped and counted)."""


# These readers run a few million times in a large tenant's refresh, which is CPU-bound on
# them: the usual case (the key as spelt, a dict, a str) is taken first, without a call more.
_MISSING: Any = object()
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def props(item: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_mapping(ci(item, "properties"))


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is an object, else an empty one (a property Azure sent mistyped)."""
    if value.__class__ is dict or isinstance(value, Mapping):
        return value  # type: ignore[no-any-return]
    return _EMPTY


def ci(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """Case-insensitive get: live Azure spells `resourceDetails.Id` where examples say `id`."""
    value = mapping.get(key, _MISSING)
    return _folded(mapping, key, default) if value is _MISSING else value


def _folded(mapping: Mapping[str, Any], key: str, default: Any) -> Any:
    folded = key.casefold()
    for k, v in mapping.items():
        if isinstance(k, str) and k.casefold() == folded:
            return v
    return default


def text(mapping: Mapping[str, Any], key: str) -> str | None:
    """A string property, interned: tens of thousands of items repeat the same display names,
    descriptions and states, and one copy of each is enough."""
    value = mapping.get(key, _MISSING)
    if value is _MISSING:
        value = _folded(mapping, key, None)
    if value is None:
        return None
    return sys.intern(value if value.__class__ is str else str(value))


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
    if value.__class__ is str and len(value) == 28 and value[27] == "Z" and value[19] == "." \
            and value[10] == "T" and value[26].isdigit():
        # Azure's usual shape (2026-11-24T03:00:00.1234567Z), a quarter of a million times in
        # a large tenant: the seventh digit dropped, as below, without the general path's work
        try:
            return datetime.fromisoformat(value[:26] + "+00:00")
        except ValueError:
            pass  # the general path decides
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
