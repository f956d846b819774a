from __future__ import annotations

from pathlib import Path

import pytest

from apiwatch.cli import main
from apiwatch.config import PUBLIC_CLOUD, ConfigError, find_config, load_config


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
