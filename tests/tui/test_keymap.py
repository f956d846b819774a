"""Binding ids are found by walking the console's classes: every id declared anywhere in the
console can be remapped, with no list to keep in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apiwatch import tui
from apiwatch.config import Config, ConfigError
from apiwatch.tui.keymap import binding_ids, check_config

SOURCE = Path(tui.__file__).parent


def declared_in_source() -> set[str]:
    ids = set()
    for path in SOURCE.rglob("*.py"):
        for call in re.findall(r"Binding\((?:[^()]|\([^()]*\))*\)", path.read_text(), re.S):
            found = re.search(r"\bid=\"([^\"]+)\"", call)
            if found:
                ids.add(found.group(1))
    return ids


def test_every_binding_id_in_the_console_is_found():
    declared = declared_in_source()
    assert len(declared) > 30  # the walk below has something to find
    assert binding_ids() == declared


def test_a_dialogs_and_a_widgets_keys_can_be_remapped():
    check_config(Config(keymap={"dialog.cancel": "q", "table.mark": "m", "detail.down": "n"}))


def test_an_unknown_binding_id_is_refused_in_one_line():
    with pytest.raises(ConfigError) as err:
        check_config(Config(keymap={"screen.nonsense": "x"}))
    assert "unknown binding id" in str(err.value) and "\n" not in str(err.value)
