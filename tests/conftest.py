"""Shared test helpers. Microsoft's published wire examples live in ../shared/azure-examples
beside the repository (CI clones the repo with shared/ next to it)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = Path(os.environ.get("APIWATCH_EXAMPLES", REPO.parent / "shared" / "azure-examples"))


def example(relative: str) -> dict[str, Any]:
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.fail(f"Microsoft example missing: {path} (set APIWATCH_EXAMPLES to its folder)")
    return json.loads(path.read_text(encoding="utf-8-sig"))


def example_body(relative: str, status: str = "200") -> Any:
    return example(relative)["responses"][status]["body"]


def example_items(relative: str) -> list[dict[str, Any]]:
    body = example_body(relative)
    return body.get("value", [body])


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """No test writes the real user's audit log or state."""
    monkeypatch.setenv("APIWATCH_STATE_DIR", str(tmp_path / "apiwatch-state"))
    monkeypatch.setenv("APIWATCH_LOG_DIR", str(tmp_path / "apiwatch-logs"))


async def until(pilot, predicate, timeout: float = 20.0, what: str = "condition") -> None:
    """Wait, letting the app run, until `predicate()` holds; fail after `timeout` seconds."""
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what} not reached in {timeout}s")
