"""Route table plumbing: ARM paths are case-insensitive and scopes nest arbitrarily deep."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from . import fragments
from .state import ServerState
from .tenant import Subscription
from .wire import ArmError, Rendered, Reply, decode_token, encode_token

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"\{(\w+)(\*?)\}")


@dataclass
class Context:
    request: web.Request
    params: dict[str, str]
    api_version: str
    state: ServerState
    sub: Subscription | None
    # May the handler answer a body already rendered to text? Not when a post-handler fault
    # (unknown-enum, malformed, endless-nextlink) waits to rewrite the dict body.
    rendered: bool = True

    @property
    def base_url(self) -> str:
        return f"https://{self.request.host}"

    def require_sub(self) -> Subscription:
        assert self.sub is not None, "route without {sub} asked for a subscription"
        return self.sub


Handler = Callable[[Context], Awaitable[Reply]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    versions: tuple[str, ...]
    action: str
    check_readable: bool = True


def route(
    method: str,
    template: str,
    handler: Handler,
    versions: Sequence[str],
    action: str,
    check_readable: bool = True,
) -> Route:
    """`{name}` matches one path segment, `{name*}` one or more."""
    regex, last = "", 0
    for found in _PLACEHOLDER.finditer(template):
        regex += re.escape(template[last : found.start()])
        name, star = found.group(1), found.group(2)
        regex += f"(?P<{name}>.+?)" if star else f"(?P<{name}>[^/]+)"
        last = found.end()
    regex += re.escape(template[last:])
    return Route(
        method=method,
        pattern=re.compile(regex, re.IGNORECASE),
        handler=handler,
        versions=tuple(versions),
        action=action,
        check_readable=check_readable,
    )


def normalise_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path)
    return path.rstrip("/") or "/"


class Router:
    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = list(routes)

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, params, path_known): path_known tells 405 from 404 when no route fits."""
        path_known = False
        for candidate in self.routes:
            found = candidate.pattern.fullmatch(path)
            if found is None:
                continue
            if candidate.method == method:
                return candidate, found.groupdict(), True
            path_known = True
        return None, {}, path_known


def page(
    ctx: Context,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    *,
    newest_first: bool = False,
    apim: bool = False,
    fragment: Hashable = None,
    stamp: Callable[[T], Hashable] | None = None,
) -> Reply:
    """One page of a list with ARM's `nextLink`.

    With newest_first the list must be append-only; the token remembers its length at the first
    page so items appended while a client pages do not shift the pages it has yet to read.

    fragment: the kind under which each item's JSON text is kept (fragments.py); `render` must
    then depend on the item only (and on what `stamp(item)` returns).
    """
    query = ctx.request.query
    token = query.get("$skipToken") or query.get("$skiptoken")
    state = decode_token(token) if token else {"o": 0, "n": len(items)}
    offset, snapshot = state.get("o", 0), min(state.get("n", len(items)), len(items))
    size = ctx.state.config.page_size
    if apim and query.get("$top", "").isdigit():
        size = max(1, int(query["$top"]))
    if apim and not token and query.get("$skip", "").isdigit():
        offset = int(query["$skip"])
    if newest_first:
        window = [
            items[i]
            for i in range(snapshot - 1 - offset, max(snapshot - 1 - offset - size, -1), -1)
        ]
    else:
        window = list(items[offset : offset + size])
    body: dict[str, Any] = {"value": fragments.slot()}
    end = offset + size >= (snapshot if newest_first else len(items))
    if apim:
        body["count"] = snapshot if newest_first else len(items)
    if not end:
        params = [("api-version", ctx.api_version)]
        params += [
            (k, v)
            for k, v in query.items()
            if k.lower() not in ("api-version", "$skiptoken", "$skip")
        ]
        params.append(("$skipToken", encode_token({"o": offset + size, "n": snapshot})))
        body["nextLink"] = f"{ctx.base_url}{ctx.request.path}?{urlencode(params, safe='$')}"
    elif apim:
        body["nextLink"] = ""
    if fragment is not None and ctx.rendered:
        kept = ctx.state.fragments
        texts = [
            kept.text(fragment, item, render, stamp(item) if stamp else None) for item in window
        ]
        text = fragments.compose(body, fragments.join(texts))
        if text is not None:
            return Reply(body=Rendered(text))
    body["value"] = [render(item) for item in window]
    return Reply(body=body)


def forbidden(action: str, scope: str) -> ArmError:
    return ArmError(
        403,
        "AuthorizationFailed",
        "The client 'apiwatch-emulator-user' with object id '00000000-0000-0000-0000-00000000e7a1' "
        f"does not have authorization to perform action '{action}' over scope '{scope}' or the "
        "scope is invalid. If access was recently granted, please refresh your credentials.",
    )
