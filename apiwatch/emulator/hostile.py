"""The hostile mode: every free-text string the emulator sends carries an attacker's payload.

Attackers write much of a Defender for APIs alert (User-Agent, URLs, entity values) and a
compromised publisher names the APIs and operations. This mode puts the payloads they would
choose into every such string of every answer, so that tests (and anyone running
`apiwatch --demo --hostile`) see what the console does with them: terminal escapes that would
write the clipboard or retitle the window, C1 controls, Rich markup that would run actions,
broken markup, bidi overrides, newlines and a lone surrogate.

Structure is left alone (ids, names used in URLs, enums, timestamps, the emulator's own URLs):
the tenant must stay navigable and writable, or the mode would only test the error paths.
Each string's payload is chosen by a hash of its key and value, so the same alert reads the
same in a list, by id and in Resource Graph.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

PAYLOADS: tuple[str, ...] = (
    "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",  # OSC 52: writes the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: window title
    "\x1b]2;pwned\x1b\\",  # OSC 2 ended by ST
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b[1;31mred\x1b[0m",  # SGR
    "\x9b2J",  # C1 CSI
    "\x9d0;c1-title\x9c",  # C1 OSC ... ST
    "\x1bP1$r\x1b\\",  # DCS
    "[@click=app.quit]quit[/]",  # markup that would run an action
    "[@click=screen.alert_state('dismiss')]dismiss[/]",
    "[/]",  # broken markup: closes what was never opened
    "[link=https://evil.example/]link[/link]",
    "[bold red]loud",
    "\u202eevil\u202c",  # bidi override
    "line one\nline two\r\tend",
    "\ud800",  # lone surrogate: cannot be encoded as UTF-8
    "\x07\x08\x7f",  # bell, backspace, delete
)

# Keys whose values are structure, not text: ids and names used in URLs, enums, versions.
_STRUCTURAL = frozenset({
    "id", "name", "type", "kind", "location", "etag", "nextLink", "$skipToken", "skipToken",
    "tenantId", "subscriptionId", "resourceGroup", "severity", "status", "state",
    "provisioningState", "targetProvisioningState", "intent", "code", "method", "apiVersion",
    "api-version", "version", "assessmentType", "createdByType", "lastModifiedByType",
    "contentVersion", "userImpact", "implementationEffort", "categories", "threats",
    "protocols", "virtualNetworkType", "publicNetworkAccess", "platformVersion",
    "certificateSource", "propertyType", "operator", "quotaId", "spendingLimit",
    "locationPlacementId", "authorizationSource", "apiRevision", "format", "contentType",
    "resultFormat", "totalRecords", "count", "resultTruncated", "$id", "$ref", "sku",
    "identity", "zones", "apiType", "level", "origin",
})
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def payload_for(key: str, value: str) -> str:
    digest = hashlib.blake2s(f"{key}\0{value}".encode("utf-8", "surrogatepass")).digest()
    return PAYLOADS[int.from_bytes(digest[:4], "big") % len(PAYLOADS)]


def _is_structure(key: str, value: str, own_host: str) -> bool:
    if key in _STRUCTURAL or key.lower().endswith(("id", "uri", "url", "urls")):
        return True
    return bool(
        not value
        or value.startswith(("/subscriptions/", "/providers/", "/tenants/"))
        or (own_host and own_host in value)
        or _ISO_TIME.match(value)
        or _GUID.match(value)
        or _NUMBER.match(value)
    )


def poison(value: Any, own_host: str = "", key: str = "") -> Any:
    """The same body with a payload appended to each free-text string."""
    if isinstance(value, dict):
        out = {k: poison(v, own_host, k) for k, v in value.items()}
        if key in ("extendedProperties", "ExtendedProperties") and out:
            # Attackers name keys too: a property whose key is itself a payload.
            out["[bold]Injected\x1b]0;key\x07"] = "\x1b[2J[/]value"
        return out
    if isinstance(value, list):
        return [poison(v, own_host, key) for v in value]
    if isinstance(value, str) and not _is_structure(key, value, own_host):
        return value + payload_for(key, value)
    return value


def poison_text(text: str, own_host: str = "") -> str:
    """A rendered JSON answer, poisoned; ASCII-escaped so the lone surrogate survives the wire."""
    try:
        body = json.loads(text)
    except ValueError:
        return text  # the malformed fault's truncated text stays as broken as it was
    return json.dumps(poison(body, own_host), ensure_ascii=True, separators=(",", ":"))
