"""The alert list's other shape, for the `pascal-alerts` fault.

Publicly reported: the alert list can return the same alert in two shapes. The second has no
`severity` nor `isIncident`, and PascalCase keys inside `entities` (with `$id`s, as Log Analytics
writes them), `resourceIdentifiers` and `extendedProperties`. This rewrites an ARM answer's alerts
(a list or one alert) into that shape, or (`both-alert-shapes`) lists each alert in both; other
items pass unchanged.
"""

from __future__ import annotations

from typing import Any

DROPPED = ("severity", "isIncident")


def pascal(key: str) -> str:
    """`countryCode` -> `CountryCode`, `Top sensitivity label` -> `TopSensitivityLabel`."""
    if key.startswith("$"):
        return key
    return "".join(word[:1].upper() + word[1:] for word in key.split(" "))


def _pascal_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {pascal(k): _pascal_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal_keys(v) for v in value]
    return value


def _numbered(items: list[Any], ids: list[int]) -> list[Any]:
    """Each object of the list PascalCase, with the `$id` Log Analytics gives it."""
    out = []
    for item in items:
        if isinstance(item, dict):
            ids[0] += 1
            item = {"$id": str(ids[0]), **_pascal_keys(item)}
        out.append(item)
    return out


def _is_alert(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("properties"), dict)
            and str(item.get("type", "")).lower().endswith("/alerts"))


def other_shape(item: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in item["properties"].items() if k not in DROPPED}
    ids = [0]  # one `$id` sequence per alert, as Log Analytics numbers them
    for key in ("entities", "resourceIdentifiers"):
        if isinstance(props.get(key), list):
            props[key] = _numbered(props[key], ids)
    if isinstance(props.get("extendedProperties"), dict):
        props["extendedProperties"] = {
            pascal(k): v for k, v in props["extendedProperties"].items()
        }
    return {**item, "properties": props}


def rewrite(body: dict[str, Any], both: bool = False) -> bool:
    """Rewrite `body`'s alerts in place; whether there was any. `both`: a list gives each alert
    twice, in the other shape and then in the usual one."""
    if isinstance(body.get("value"), list):
        items = body["value"]
        found = any(_is_alert(item) for item in items)
        body["value"] = [
            shaped for item in items for shaped in (
                ((other_shape(item), item) if both else (other_shape(item),))
                if _is_alert(item) else (item,))
        ]
        return found
    if _is_alert(body):
        body.update(other_shape(body))
        return True
    return False
