"""Scrub secrets from any text before it reaches a log, the screen, the audit log or an error:
bearer tokens, the `sig=` of logic-app callback URLs (that signature *is* the credential), and
the login in a URL (a proxy's user:password)."""

from __future__ import annotations

import re

REDACTED = "[redacted]"

_PATTERNS = (
    re.compile(r"(?i)([?&]sig=)[^&#\s\"']+"),
    re.compile(r"(?i)(\bsig%3d)[^&#\s\"']+"),
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s@'\"]+(?=@)"),
    # key-value secrets ("token": "...", access_token=...), not words that end in "Token"
    re.compile(r"(?i)([\"']?\b(?:access_token|refresh_token|id_token|client_secret|token)"
               r"[\"']?\s*[:=]\s*[\"']?)[^\"'\s,}&]+"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text
