"""Configuration: a TOML file found by `--config`, then `APIWATCH_CONFIG`, then the platformdirs
user config dir. Every mistake is one line naming the file, the key and the line."""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

APP_NAME = "apiwatch"
ENV_VAR = "APIWATCH_CONFIG"
PUBLIC_CLOUD = "https://management.azure.com"
CREDENTIALS = ("default", "cli", "device-code", "managed-identity", "static")


class ConfigError(Exception):
    """A configuration mistake; `str()` is the one line shown to the user."""


@dataclass(frozen=True, slots=True)
class AzureSettings:
    resource_manager: str = PUBLIC_CLOUD
    authority: str | None = None
    credential: str = "default"
    tenant_id: str | None = None
    client_id: str | None = None
    ca_bundle: Path | None = None
    subscriptions: tuple[str, ...] = ()
    token: str | None = field(default=None, repr=False)
    max_connections: int = 16
    timeout_seconds: float = 30.0  # one whole answer, from sending the request to its last byte
    retries: int = 3
    # The largest answer read (no real ARM page is near it): an endless one fails its source.
    max_response_mb: float = 32.0

    @property
    def scope(self) -> str:
        return self.resource_manager.rstrip("/") + "/.default"


@dataclass(frozen=True, slots=True)
class UiSettings:
    theme: str = "textual-dark"  # "ansi-dark" / "ansi-light" use the terminal's own colours
    animations: bool = False
    # Most Defender for APIs alerts are Informational: by default every severity notifies.
    notify_min_severity: str = "Informational"
    bell: bool = True
    desktop_notifications: str = "off"  # off, osc9, osc777 (travel through SSH)


SEVERITIES = ("Informational", "Low", "Medium", "High")
DESKTOP = ("off", "osc9", "osc777")


@dataclass(frozen=True, slots=True)
class PollingSettings:
    alerts_seconds: float = 30.0
    inventory_seconds: float = 300.0
    automation_seconds: float = 600.0


# Floors: ARM throttles per principal; faster than this helps nobody.
POLL_FLOORS = {"alerts_seconds": 10.0, "inventory_seconds": 60.0, "automation_seconds": 60.0}


@dataclass(frozen=True, slots=True)
class ActionSettings:
    read_only: bool = False
    retrigger_minutes: float = 10.0  # same logic app, same resource, this soon: ask once more
    follow_seconds: float = 600.0  # how long a logic-app run is followed before giving up


@dataclass(frozen=True, slots=True)
class Config:
    azure: AzureSettings = field(default_factory=AzureSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    polling: PollingSettings = field(default_factory=PollingSettings)
    actions: ActionSettings = field(default_factory=ActionSettings)
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys
    source: Path | None = None  # the file read, None for built-in defaults

    def problem(self, table: str | None, key: str, problem: str) -> ConfigError:
        """A one-line error about a key that only a later layer can judge (keymap ids, themes)."""
        if self.source is None:
            return ConfigError(f"{table + '.' if table else ''}{key}: {problem}")
        try:
            text = self.source.read_text(encoding="utf-8")
        except OSError:
            text = ""
        return _Checker(text, self.source).fail(table, key, problem)

    def with_azure(self, **changes: Any) -> Config:
        return replace(self, azure=replace(self.azure, **changes))

    def with_actions(self, **changes: Any) -> Config:
        return replace(self, actions=replace(self.actions, **changes))


def default_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def find_config(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    """The file to read, by precedence; None when no file exists and none was asked for."""
    if explicit:
        return Path(explicit)
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR])
    candidate = default_path()
    return candidate if candidate.is_file() else None


def load_config(
    explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    path = find_config(explicit, os.environ if env is None else env)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    checker = _Checker(text, path)
    checker.only_tables(data, {"azure", "ui", "polling", "actions", "keymap"})
    azure = checker.azure(data.get("azure", {}))
    ui = checker.ui(data.get("ui", {}))
    polling = checker.polling(data.get("polling", {}))
    actions = checker.actions(data.get("actions", {}))
    keymap = checker.keymap(data.get("keymap", {}))
    return Config(azure=azure, ui=ui, polling=polling, actions=actions, keymap=keymap,
                  source=path)


_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_TABLE_LINE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


class _Checker:
    """Validates values and finds the line a key sits on (tomllib keeps no positions)."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, table: str | None, key: str) -> int | None:
        current: str | None = None
        for number, line in enumerate(self.lines, start=1):
            header = _TABLE_LINE.match(line)
            if header:
                current = header.group(1).strip().strip('"')
                if table is None and current == key:
                    return number
                continue
            match = _KEY_LINE.match(line)
            if match and current == table and key == next(g for g in match.groups() if g):
                return number
        return None

    def fail(self, table: str | None, key: str, problem: str) -> ConfigError:
        dotted = f"{table}.{key}" if table else key
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {dotted}: {problem}")

    def only_tables(self, data: Mapping[str, Any], allowed: set[str]) -> None:
        for key, value in data.items():
            if key not in allowed:
                raise self.fail(None, key, f"unknown key (known: {', '.join(sorted(allowed))})")
            if not isinstance(value, dict):
                raise self.fail(None, key, "must be a table, e.g. [" + key + "]")

    def _string(self, table: str, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(table, key, f"must be a string, not {_kind(value)}")
        return value

    def _number(self, table: str, key: str, value: Any, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(table, key, f"must be a number, not {_kind(value)}")
        if not low <= value <= high:
            raise self.fail(table, key, f"must be between {low:g} and {high:g}, not {value}")
        return value

    def ui(self, table: Mapping[str, Any]) -> UiSettings:
        t = "ui"
        known = set(UiSettings.__dataclass_fields__)
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise self.fail(t, key, f"unknown key (known: {', '.join(sorted(known))})")
            if key == "theme":
                values[key] = self._string(t, key, value)
            elif key in ("animations", "bell"):
                if not isinstance(value, bool):
                    raise self.fail(t, key, f"must be true or false, not {_kind(value)}")
                values[key] = value
            elif key == "notify_min_severity":
                text = self._string(t, key, value)
                match = next((sev for sev in SEVERITIES if sev.lower() == text.lower()), None)
                if match is None:
                    raise self.fail(t, key, f"must be one of {', '.join(SEVERITIES)}")
                values[key] = match
            elif key == "desktop_notifications":
                text = self._string(t, key, value)
                if text not in DESKTOP:
                    raise self.fail(t, key, f"must be one of {', '.join(DESKTOP)}")
                values[key] = text
        return UiSettings(**values)

    def polling(self, table: Mapping[str, Any]) -> PollingSettings:
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in POLL_FLOORS:
                raise self.fail("polling", key,
                                f"unknown key (known: {', '.join(sorted(POLL_FLOORS))})")
            values[key] = float(self._number("polling", key, value, POLL_FLOORS[key], 86400))
        return PollingSettings(**values)

    def actions(self, table: Mapping[str, Any]) -> ActionSettings:
        t = "actions"
        known = set(ActionSettings.__dataclass_fields__)
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise self.fail(t, key, f"unknown key (known: {', '.join(sorted(known))})")
            if key == "read_only":
                if not isinstance(value, bool):
                    raise self.fail(t, key, f"must be true or false, not {_kind(value)}")
                values[key] = value
            elif key == "retrigger_minutes":
                values[key] = float(self._number(t, key, value, 0, 1440))
            elif key == "follow_seconds":
                values[key] = float(self._number(t, key, value, 0, 86400))
        return ActionSettings(**values)

    def keymap(self, table: Mapping[str, Any]) -> dict[str, str]:
        keymap = {}
        for key, value in table.items():
            keys = self._string("keymap", key, value)
            if not keys.strip():
                raise self.fail("keymap", key, "needs at least one key, e.g. \"x\" or \"x,ctrl+x\"")
            keymap[key] = keys
        return keymap

    def azure(self, table: Mapping[str, Any]) -> AzureSettings:
        t = "azure"
        known = set(AzureSettings.__dataclass_fields__)
        for key in table:
            if key not in known:
                raise self.fail(t, key, f"unknown key (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        if "resource_manager" in table:
            url = self._string(t, "resource_manager", table["resource_manager"]).rstrip("/")
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise self.fail(t, "resource_manager", f"must be an https:// URL, not {url!r}")
            values["resource_manager"] = url
        for key in ("authority", "tenant_id", "client_id"):
            if key in table:
                values[key] = self._string(t, key, table[key]) or None
        if "credential" in table:
            kind = self._string(t, "credential", table["credential"])
            if kind not in CREDENTIALS:
                raise self.fail(t, "credential", f"must be one of {', '.join(CREDENTIALS)}")
            values["credential"] = kind
        if "ca_bundle" in table:
            raw = self._string(t, "ca_bundle", table["ca_bundle"])
            if raw:
                bundle = Path(raw).expanduser()
                if not bundle.is_absolute():
                    bundle = (self.path.parent / bundle).resolve()
                if not bundle.is_file():
                    raise self.fail(t, "ca_bundle", f"no such file: {bundle}")
                values["ca_bundle"] = bundle
        if "subscriptions" in table:
            subs = table["subscriptions"]
            if not isinstance(subs, list) or not all(isinstance(s, str) for s in subs):
                raise self.fail(t, "subscriptions", "must be a list of subscription id strings")
            for sub in subs:
                if not _GUID.match(sub):
                    raise self.fail(t, "subscriptions", f"{sub!r} is not a subscription id")
            values["subscriptions"] = tuple(subs)
        if "token" in table:
            values["token"] = self._string(t, "token", table["token"]) or None
        if "max_connections" in table:
            values["max_connections"] = int(
                self._number(t, "max_connections", table["max_connections"], 1, 256)
            )
        if "timeout_seconds" in table:
            values["timeout_seconds"] = float(
                self._number(t, "timeout_seconds", table["timeout_seconds"], 1, 600)
            )
        if "retries" in table:
            values["retries"] = int(self._number(t, "retries", table["retries"], 0, 10))
        if "max_response_mb" in table:
            values["max_response_mb"] = float(
                self._number(t, "max_response_mb", table["max_response_mb"], 1, 1024)
            )
        settings = AzureSettings(**values)
        if settings.credential == "static":
            if not is_loopback_url(settings.resource_manager):
                raise self.fail(
                    t, "credential",
                    "'static' is only allowed when resource_manager is a loopback address",
                )
            if not settings.token:
                raise self.fail(t, "token", "'static' credential needs a token")
        elif settings.token:
            raise self.fail(t, "token", "only used with credential = 'static'")
        return settings


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
