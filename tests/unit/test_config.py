from __future__ import annotations

import dataclasses
import sys
from dataclasses import fields
from pathlib import Path
from typing import get_type_hints

import pytest

from apiwatch import config as config_module
from apiwatch.cli import main
from apiwatch.config import (
    KEY,
    PUBLIC_CLOUD,
    AzureSettings,
    Config,
    ConfigError,
    Key,
    Kind,
    find_config,
    load_config,
    number,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_when_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr("apiwatch.config.default_path", lambda: tmp_path / "absent.toml")
    config = load_config(None, env={})
    assert config.azure.resource_manager == PUBLIC_CLOUD
    assert config.azure.credential == "default"
    assert config.azure.subscriptions == ()
    assert config.source is None


def test_precedence_flag_then_env_then_user_dir(tmp_path, monkeypatch):
    user = tmp_path / "user.toml"
    user.write_text("")
    monkeypatch.setattr("apiwatch.config.default_path", lambda: user)
    assert find_config("flag.toml", {"APIWATCH_CONFIG": "env.toml"}) == Path("flag.toml")
    assert find_config(None, {"APIWATCH_CONFIG": "env.toml"}) == Path("env.toml")
    assert find_config(None, {}) == user


def test_reads_every_documented_key(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    path = write(tmp_path, f"""
[azure]
resource_manager = "https://127.0.0.1:8443/"
credential = "static"
token = "t0k"
tenant_id = "contoso.onmicrosoft.com"
ca_bundle = "{ca}"
subscriptions = ["00000000-0000-0000-0000-000000000001"]
max_connections = 8
timeout_seconds = 12.5
retries = 2
max_response_mb = 8
""")
    az = load_config(path).azure
    assert az.resource_manager == "https://127.0.0.1:8443"
    assert az.credential == "static" and az.token == "t0k"
    assert az.ca_bundle == ca
    assert az.subscriptions == ("00000000-0000-0000-0000-000000000001",)
    assert (az.max_connections, az.timeout_seconds, az.retries) == (8, 12.5, 2)
    assert az.max_response_mb == 8
    assert "t0k" not in repr(az)


def test_example_config_is_valid():
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    assert load_config(example).azure.resource_manager == PUBLIC_CLOUD


@pytest.mark.parametrize(("text", "expected"), [
    ("[azure]\ncredential = \"magic\"\n", ":2: azure.credential: must be one of"),
    ("[azure]\n\nretries = \"3\"\n", ":3: azure.retries: must be a number"),
    ("[azure]\nsubscriptions = [\"nope\"]\n", ":2: azure.subscriptions: 'nope' is not"),
    ("[azure]\nresource_manager = \"http://x\"\n", ":2: azure.resource_manager: must be an https"),
    ("[azure]\ncolour = 1\n", ":2: azure.colour: unknown key"),
    ("[azure]\nmax_response_mb = 0\n", ":2: azure.max_response_mb: must be between 1 and 1024"),
    ("[azurre]\n", ":1: azurre: unknown key"),
    ("[azure]\ncredential = \"static\"\ntoken = \"x\"\n",
     ":2: azure.credential: 'static' is only allowed when resource_manager is a loopback"),
    ("[azure\n", "not valid TOML"),
])
def test_bad_config_is_one_line_naming_file_key_and_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_bad_config_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, "[azure]\ncredential = \"magic\"\n")
    assert main(["inventory", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("apiwatch: ") and len(err.splitlines()) == 1
    assert "azure.credential" in err


def test_missing_config_file_exits_2(tmp_path, capsys):
    assert main(["alerts", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read" in capsys.readouterr().err


# The rules of every key live on its dataclass field; these tests walk the same fields the
# checker walks, so a key added tomorrow is covered without touching them.

def sections() -> dict[str, type]:
    hints = get_type_hints(Config)
    return {f.name: hints[f.name] for f in fields(Config)
            if f.metadata.get(KEY, Key(Kind.NOT_A_KEY)).kind is Kind.SECTION}


def declared(kind: Kind) -> list[tuple[str, str, Key]]:
    return [(table, f.name, f.metadata[KEY]) for table, settings in sections().items()
            for f in fields(settings) if KEY in f.metadata and f.metadata[KEY].kind is kind]


def test_every_field_of_every_settings_dataclass_declares_its_key():
    settings = [Config, *sections().values()]
    written = [obj for name, obj in vars(config_module).items()
               if dataclasses.is_dataclass(obj) and name.endswith("Settings")]
    assert set(written) <= set(settings), "a settings dataclass that Config does not read"
    undeclared = [f"{cls.__name__}.{f.name}" for cls in settings for f in fields(cls)
                  if not isinstance(f.metadata.get(KEY), Key)]
    assert undeclared == []


def test_the_example_names_every_key_with_its_default():
    with EXAMPLE.open("rb") as handle:
        example = tomllib.load(handle)
    for table, settings in sections().items():
        assert set(example[table]) == {f.name for f in fields(settings)}, table
    assert example["keymap"] == {}
    assert load_config(EXAMPLE) == Config(source=EXAMPLE)


@pytest.mark.parametrize("table", [None, *sections()])
def test_unknown_key_lists_the_declared_keys(tmp_path, table):
    if table is None:
        path, known = write(tmp_path, "[colour]\n"), [*sections(), "keymap"]
    else:
        path, known = write(tmp_path, f"[{table}]\ncolour = 1\n"), sections()[table].__dataclass_fields__
    with pytest.raises(ConfigError) as err:
        load_config(path)
    dotted = f"{table}.colour" if table else "colour"
    line = 2 if table else 1
    assert str(err.value) == (f"{path}:{line}: {dotted}: unknown key (known: "
                              f"{', '.join(sorted(known))})")


@pytest.mark.parametrize(("table", "key", "rules"), declared(Kind.NUMBER),
                         ids=[f"{table}.{key}" for table, key, _ in declared(Kind.NUMBER)])
def test_range_is_the_declared_one(tmp_path, table, key, rules):
    for inside in (rules.low, rules.high):
        value = getattr(getattr(load_config(write(tmp_path, f"[{table}]\n{key} = {inside!r}\n")),
                                table), key)
        assert value == inside and isinstance(value, int if rules.whole else float)
    for outside in (rules.low - 1, rules.high + 1):
        path = write(tmp_path, f"[{table}]\n{key} = {outside!r}\n")
        with pytest.raises(ConfigError) as err:
            load_config(path)
        assert str(err.value) == (f"{path}:2: {table}.{key}: must be between "
                                  f"{rules.low:g} and {rules.high:g}, not {outside}")


@pytest.mark.parametrize(("table", "key", "rules"), declared(Kind.CHOICE),
                         ids=[f"{table}.{key}" for table, key, _ in declared(Kind.CHOICE)])
def test_choices_are_the_declared_ones(tmp_path, table, key, rules):
    for option in rules.choices:
        written = option.upper() if rules.any_case else option
        # The one rule across keys: a static credential only with a token, on loopback.
        static = ('resource_manager = "https://127.0.0.1:1"\ntoken = "t"\n'
                  if (table, key, option) == ("azure", "credential", "static") else "")
        config = load_config(write(tmp_path, f'[{table}]\n{key} = "{written}"\n{static}'))
        assert getattr(getattr(config, table), key) == option
    path = write(tmp_path, f'[{table}]\n{key} = "nope"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}:2: {table}.{key}: must be one of {', '.join(rules.choices)}"


def test_the_checker_reads_the_range_from_the_field(tmp_path, monkeypatch):
    # Declare other bounds on the field itself: the checker follows, with no second list to edit.
    monkeypatch.setattr(AzureSettings.__dataclass_fields__["retries"], "metadata",
                        number(2, 5, whole=True))
    assert load_config(write(tmp_path, "[azure]\nretries = 5\n")).azure.retries == 5
    path = write(tmp_path, "[azure]\nretries = 6\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}:2: azure.retries: must be between 2 and 5, not 6"


@pytest.mark.parametrize("table", ["azure", "ui", "actions"])
def test_the_first_mistake_in_the_file_is_the_one_told(tmp_path, table):
    bad = {"azure": "retries = \"3\"", "ui": "bell = 1", "actions": "read_only = 1"}[table]
    path = write(tmp_path, f"[{table}]\n{bad}\ncolour = 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:2: {table}.{bad.split()[0]}: must be ")


@pytest.mark.parametrize("text, line, key", [
    # the key's name inside a multi-line string is not the key
    ('[azure]\ntoken = """\nretries = 5\n"""\ncredential = "static"\nretries = 99\n', 6,
     "azure.retries"),
    # a dotted key at the top level
    ('# comment\n\nazure.retries = 99\n', 3, "azure.retries"),
    # an inline table
    ('polling = { alerts_seconds = 1 }\n', 1, "polling.alerts_seconds"),
    # a value over several lines: the line it starts on
    ('[ui]\ntheme = "textual-dark"\n\n# why\nbell = [\n  1,\n]\n', 5, "ui.bell"),
])
def test_the_line_named_is_the_parsers(tmp_path, text, line, key):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:{line}: {key}: ")
