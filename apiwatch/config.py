"""Configuration: a TOML file found by `--config`, then `APIWATCH_CONFIG`, then the platformdirs
user config dir. Every mistake is one line naming the file, the key and the line.

Each key is declared once, on its dataclass field: `field(default=..., metadata=number(1, 600))`
says what the file may hold there; `_Checker` walks the fields and reads its rules from them."""

from __future__ import annotations

import enum
import ipaddress
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints
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
SEVERITIES = ("Informational", "Low", "Medium", "High")
DESKTOP = ("off", "osc9", "osc777")


class ConfigError(Exception):
    """A configuration mistake; `str()` is the one line shown to the user."""


class Kind(enum.Enum):
    """What a key holds; each kind is one branch of `_Checker.value`."""

    TEXT = "text"
    FLAG = "flag"
    NUMBER = "number"
    CHOICE = "choice"
    HTTPS_URL = "https URL"
    FILE = "file"
    SUBSCRIPTIONS = "subscription ids"
    SECTION = "section"  # a [table] read into a settings dataclass
    BINDINGS = "bindings"  # the [keymap] table: binding id -> keys
    NOT_A_KEY = "not a key"  # filled in by apiwatch, never read from the file


@dataclass(frozen=True, slots=True)
class Key:
    """The rules of one key, kept in its field's metadata under `KEY`."""

    kind: Kind
    low: float = 0
    high: float = 0
    whole: bool = False  # a NUMBER kept as an int
    choices: tuple[str, ...] = ()
    any_case: bool = False  # a CHOICE matched whatever its case, kept as declared
    empty_is_none: bool = False  # a TEXT of "" means "not set"
    # A SECTION's rule across its keys: the settings read -> (key, problem), or None when fine.
    across: Callable[[Any], tuple[str, str] | None] | None = None


KEY = "apiwatch.config"


def _key(kind: Kind, **rules: Any) -> dict[str, Key]:
    return {KEY: Key(kind, **rules)}


def text(*, empty_is_none: bool = False) -> dict[str, Key]:
    return _key(Kind.TEXT, empty_is_none=empty_is_none)


def flag() -> dict[str, Key]:
    return _key(Kind.FLAG)


def number(low: float, high: float, *, whole: bool = False) -> dict[str, Key]:
    return _key(Kind.NUMBER, low=low, high=high, whole=whole)


def choice(choices: tuple[str, ...], *, any_case: bool = False) -> dict[str, Key]:
    return _key(Kind.CHOICE, choices=choices, any_case=any_case)


def https_url() -> dict[str, Key]:
    return _key(Kind.HTTPS_URL)


def existing_file() -> dict[str, Key]:
    return _key(Kind.FILE)  # relative to the config file; "" means none


def subscription_ids() -> dict[str, Key]:
    return _key(Kind.SUBSCRIPTIONS)


def section(across: Callable[[Any], tuple[str, str] | None] | None = None) -> dict[str, Key]:
    return _key(Kind.SECTION, across=across)


def bindings() -> dict[str, Key]:
    return _key(Kind.BINDINGS)


def not_a_key() -> dict[str, Key]:
    return _key(Kind.NOT_A_KEY)


def _static_only_on_loopback(azure: AzureSettings) -> tuple[str, str] | None:
    # A fixed token is for the local emulator only: never sent to a real cloud.
    if azure.credential == "static":
        if not is_loopback_url(azure.resource_manager):
            return ("credential",
                    "'static' is only allowed when resource_manager is a loopback address")
        if not azure.token:
            return ("token", "'static' credential needs a token")
    elif azure.token:
        return ("token", "only used with credential = 'static'")
    return None


@dataclass(frozen=True, slots=True)
class AzureSettings:
    resource_manager: str = field(default=PUBLIC_CLOUD, metadata=https_url())
    authority: str | None = field(default=None, metadata=text(empty_is_none=True))
    credential: str = field(default="default", metadata=choice(CREDENTIALS))
    tenant_id: str | None = field(default=None, metadata=text(empty_is_none=True))
    client_id: str | None = field(default=None, metadata=text(empty_is_none=True))
    ca_bundle: Path | None = field(default=None, metadata=existing_file())
    subscriptions: tuple[str, ...] = field(default=(), metadata=subscription_ids())
    token: str | None = field(default=None, repr=False, metadata=text(empty_is_none=True))
    max_connections: int = field(default=16, metadata=number(1, 256, whole=True))
    # One whole answer, from sending the request to its last byte.
    timeout_seconds: float = field(default=30.0, metadata=number(1, 600))
    retries: int = field(default=3, metadata=number(0, 10, whole=True))
    # The largest answer read (no real ARM page is near it): an endless one fails its source.
    max_response_mb: float = field(default=32.0, metadata=number(1, 1024))

    @property
    def scope(self) -> str:
        return self.resource_manager.rstrip("/") + "/.default"


@dataclass(frozen=True, slots=True)
class UiSettings:
    # "ansi-dark" / "ansi-light" use the terminal's own colours; the console judges the name.
    theme: str = field(default="textual-dark", metadata=text())
    animations: bool = field(default=False, metadata=flag())
    # Most Defender for APIs alerts are Informational: by default every severity notifies.
    notify_min_severity: str = field(default="Informational",
                                     metadata=choice(SEVERITIES, any_case=True))
    bell: bool = field(default=True, metadata=flag())
    # off, osc9, osc777 (travel through SSH)
    desktop_notifications: str = field(default="off", metadata=choice(DESKTOP))


@dataclass(frozen=True, slots=True)
class PollingSettings:
    # Floors: ARM throttles per principal; faster than this helps nobody.
    alerts_seconds: float = field(default=30.0, metadata=number(10, 86400))
    inventory_seconds: float = field(default=300.0, metadata=number(60, 86400))
    automation_seconds: float = field(default=600.0, metadata=number(60, 86400))


@dataclass(frozen=True, slots=True)
class ActionSettings:
    read_only: bool = field(default=False, metadata=flag())
    # Same logic app, same resource, this soon: ask once more.
    retrigger_minutes: float = field(default=10.0, metadata=number(0, 1440))
    # How long a logic-app run is followed before giving up.
    follow_seconds: float = field(default=600.0, metadata=number(0, 86400))


@dataclass(frozen=True, slots=True)
class Config:
    azure: AzureSettings = field(default_factory=AzureSettings,
                                 metadata=section(across=_static_only_on_loopback))
    ui: UiSettings = field(default_factory=UiSettings, metadata=section())
    polling: PollingSettings = field(default_factory=PollingSettings, metadata=section())
    actions: ActionSettings = field(default_factory=ActionSettings, metadata=section())
    # Binding id -> keys; the console judges the ids.
    keymap: Mapping[str, str] = field(default_factory=dict, metadata=bindings())
    # The file read, None for built-in defaults.
    source: Path | None = field(default=None, metadata=not_a_key())

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
    return _Checker(text, path).config(data)


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _holds(parsed: Mapping[str, Any], table: str | None, key: str) -> bool:
    if table is None:
        return key in parsed
    section = parsed.get(table)
    return isinstance(section, Mapping) and key in section


class _Invalid(Exception):
    """A value's problem; the checker adds the file, the line and the key."""


class _Checker:
    """Walks the fields of `Config` and its settings, reading each key's rules from its field's
    metadata, and finds the line a key sits on from the parser (see line_of)."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, table: str | None, key: str) -> int | None:
        """The line the parser first sees the key on: the shortest prefix of the file whose
        parse holds it ends its statement, and the statement starts after the longest prefix
        before that which parses without it. (tomllib keeps no positions; a regular expression
        over the lines was wrong inside multi-line strings and blind to dotted keys.)"""
        without = 0  # lines in the longest prefix known to parse without the key
        for end in range(1, len(self.lines) + 1):
            try:
                parsed = tomllib.loads("\n".join(self.lines[:end]))
            except tomllib.TOMLDecodeError:
                continue  # the prefix cuts a statement (a multi-line string or array)
            if not _holds(parsed, table, key):
                without = end
                continue
            for number in range(without + 1, end + 1):
                stripped = self.lines[number - 1].strip()
                if stripped and not stripped.startswith("#"):
                    return number
            return end
        return None

    def fail(self, table: str | None, key: str, problem: str) -> ConfigError:
        dotted = f"{table}.{key}" if table else key
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {dotted}: {problem}")

    def config(self, data: Mapping[str, Any]) -> Config:
        tables = _keys(Config)
        for name, value in data.items():
            if name not in tables:
                raise self.fail(None, name, _unknown(tables))
            if not isinstance(value, dict):
                raise self.fail(None, name, "must be a table, e.g. [" + name + "]")
        types = get_type_hints(Config)
        values: dict[str, Any] = {}
        for name, rules in tables.items():  # in the order declared, as the file's order may vary
            if name not in data:
                continue
            if rules.kind is Kind.BINDINGS:
                values[name] = self.bindings(name, data[name])
            else:
                values[name] = self.section(name, types[name], data[name], rules)
        return Config(**values, source=self.path)

    def section(self, name: str, settings: type, table: Mapping[str, Any], rules: Key) -> Any:
        declared = _keys(settings)
        values: dict[str, Any] = {}
        for key, raw in table.items():  # in the file's order: the first mistake is the one told
            if key not in declared:
                raise self.fail(name, key, _unknown(declared))
            try:
                value = self.value(declared[key], raw)
            except _Invalid as exc:
                raise self.fail(name, key, str(exc)) from None
            if value is not None:  # "" for an optional key: its default, None
                values[key] = value
        read = settings(**values)
        problem = rules.across(read) if rules.across else None
        if problem:
            raise self.fail(name, *problem)
        return read

    def value(self, rules: Key, raw: Any) -> Any:
        """The value kept for one key, or `_Invalid` naming what is wrong with it."""
        kind = rules.kind
        if kind in (Kind.SECTION, Kind.BINDINGS, Kind.NOT_A_KEY):
            raise TypeError(f"{kind} is not the kind of a key inside a section")
        if kind is Kind.FLAG:
            if not isinstance(raw, bool):
                raise _Invalid(f"must be true or false, not {_kind(raw)}")
            return raw
        if kind is Kind.NUMBER:
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise _Invalid(f"must be a number, not {_kind(raw)}")
            if not rules.low <= raw <= rules.high:
                raise _Invalid(f"must be between {rules.low:g} and {rules.high:g}, not {raw}")
            return int(raw) if rules.whole else float(raw)
        if kind is Kind.SUBSCRIPTIONS:
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                raise _Invalid("must be a list of subscription id strings")
            for sub in raw:
                if not _GUID.match(sub):
                    raise _Invalid(f"{sub!r} is not a subscription id")
            return tuple(raw)
        if not isinstance(raw, str):
            raise _Invalid(f"must be a string, not {_kind(raw)}")
        if kind is Kind.CHOICE:
            found = next((c for c in rules.choices
                          if c == raw or (rules.any_case and c.lower() == raw.lower())), None)
            if found is None:
                raise _Invalid(f"must be one of {', '.join(rules.choices)}")
            return found
        if kind is Kind.HTTPS_URL:
            url = raw.rstrip("/")
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise _Invalid(f"must be an https:// URL, not {url!r}")
            return url
        if kind is Kind.FILE:
            if not raw:
                return None
            path = Path(raw).expanduser()
            if not path.is_absolute():
                path = (self.path.parent / path).resolve()
            if not path.is_file():
                raise _Invalid(f"no such file: {path}")
            return path
        return None if rules.empty_is_none and not raw else raw  # Kind.TEXT

    def bindings(self, name: str, table: Mapping[str, Any]) -> dict[str, str]:
        keymap = {}
        for binding_id, keys in table.items():
            if not isinstance(keys, str):
                raise self.fail(name, binding_id, f"must be a string, not {_kind(keys)}")
            if not keys.strip():
                raise self.fail(name, binding_id,
                                "needs at least one key, e.g. \"x\" or \"x,ctrl+x\"")
            keymap[binding_id] = keys
        return keymap


def _keys(settings: type) -> dict[str, Key]:
    """The keys a settings dataclass reads from the file, by name, with their rules."""
    keys = {}
    for declared in fields(settings):
        if KEY not in declared.metadata:  # tests/unit/test_config.py keeps this from shipping
            raise TypeError(f"{settings.__name__}.{declared.name} declares no config key")
        if declared.metadata[KEY].kind is not Kind.NOT_A_KEY:
            keys[declared.name] = declared.metadata[KEY]
    return keys


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unknown(known: Mapping[str, Any]) -> str:
    return f"unknown key (known: {', '.join(sorted(known))})"


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
