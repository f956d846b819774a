"""Where apiwatch keeps its files (platformdirs), overridable for tests and odd hosts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "apiwatch"


def state_dir(create: bool = True) -> Path:
    override = os.environ.get("APIWATCH_STATE_DIR")
    path = Path(override) if override else Path(platformdirs.user_state_dir(APP_NAME))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get("APIWATCH_LOG_DIR")
    path = Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path
