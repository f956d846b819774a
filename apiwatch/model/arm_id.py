"""Azure resource ids: parsed once, compared case-insensitively (ARM ids are case-insensitive and
Azure itself returns them in mixed case, e.g. `resourceGroups` vs `resourcegroups`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass


def normalize(resource_id: str) -> str:
    """The form used as a join key: lower case, no trailing slash. Interned: every index over
    40,000 endpoints asks for the same keys, and one copy of each is enough."""
    return sys.intern(resource_id.strip().rstrip("/").lower())


def api_key_of(operation_key: str) -> str:
    """The API's key from an operation's (`.../apis/{a}/operations/{o}` -> `.../apis/{a}`)."""
    return sys.intern(operation_key.split("/operations/", 1)[0])


@dataclass(frozen=True, slots=True)
class ArmId:
    raw: str
    subscription_id: str | None
    resource_group: str | None
    # (type, name) pairs after each `providers/{namespace}`, flattened: e.g.
    # [("Microsoft.ApiManagement/service", "svc"), ("apis", "orders"), ("operations", "get")]
    segments: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, resource_id: str) -> ArmId:
        # Interned: thousands of ids repeat the same subscription, group and service names.
        parts = [sys.intern(p) for p in resource_id.strip().split("/") if p]
        subscription = group = None
        segments: list[tuple[str, str]] = []
        i = 0
        while i < len(parts):
            key = parts[i].lower()
            if key == "subscriptions" and i + 1 < len(parts):
                subscription = parts[i + 1]
                i += 2
            elif key == "resourcegroups" and i + 1 < len(parts):
                group = parts[i + 1]
                i += 2
            elif key == "providers" and i + 2 < len(parts):
                namespace = parts[i + 1]
                name = parts[i + 3] if i + 3 < len(parts) else ""
                segments.append((f"{namespace}/{parts[i + 2]}", name))
                i += 4
            elif i + 1 < len(parts):
                segments.append((parts[i], parts[i + 1]))
                i += 2
            else:
                segments.append((parts[i], ""))
                i += 1
        return cls(resource_id, subscription, group, tuple(segments))

    def name_of(self, type_suffix: str) -> str | None:
        """The name following the last segment whose type ends with `type_suffix` (any case)."""
        suffix = type_suffix.lower()
        for kind, name in reversed(self.segments):
            if kind.lower().endswith(suffix):
                return name
        return None

    @property
    def key(self) -> str:
        return normalize(self.raw)

    @property
    def resource_type(self) -> str:
        """Type of the innermost resource: `Microsoft.ApiManagement/service/apis/operations`."""
        if not self.segments:
            return "Microsoft.Resources/subscriptions" if self.subscription_id else ""
        # the innermost provider namespace owns the trailing child types
        start = max(i for i, (kind, _) in enumerate(self.segments) if "/" in kind)
        return "/".join(kind for kind, _ in self.segments[start:])

    @property
    def name(self) -> str:
        return self.segments[-1][1] if self.segments else (self.subscription_id or "")
