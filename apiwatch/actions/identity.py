"""Who is acting, for the audit log: read from the access token's claims, never the token."""

from __future__ import annotations

import base64
import json
from typing import Any

from ..azure.errors import describe

CLAIMS = ("upn", "unique_name", "preferred_username", "email", "app_displayname", "appid", "oid")


def claims_of(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


async def signed_in_identity(credential: Any, scope: str) -> str:
    try:
        token = await credential.get_token(scope)
    except Exception as exc:
        return f"unknown ({describe(exc).message})"
    claims = claims_of(token.token)
    for claim in CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str) and value:
            return value if claim in ("upn", "unique_name", "preferred_username", "email") \
                else f"{claim}:{value}"
    return "static token (local emulator)" if not claims else "unknown"
