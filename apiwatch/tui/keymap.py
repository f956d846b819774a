"""Which binding ids there are, found by walking the console's classes (not a hand-kept list):
a new screen's keys can be remapped in `[keymap]` the day it lands."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from textual.binding import Binding
from textual.dom import DOMNode

from .. import tui
from ..config import Config


def _console_classes() -> Iterator[type[DOMNode]]:
    for module_info in pkgutil.walk_packages(tui.__path__, tui.__name__ + "."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                yield cls


def binding_ids() -> set[str]:
    ids = set()
    for cls in _console_classes():
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def theme_names() -> set[str]:
    from textual.theme import BUILTIN_THEMES

    return set(BUILTIN_THEMES)


def check_config(config: Config) -> None:
    """Judge what only the console knows: theme names and binding ids (raises ConfigError)."""
    known = binding_ids()
    for binding_id in config.keymap:
        if binding_id not in known:
            raise config.problem("keymap", binding_id,
                                 "unknown binding id (press ? in the console to see them)")
    themes = theme_names()
    if config.ui.theme not in themes:
        raise config.problem("ui", "theme", f"unknown theme {config.ui.theme!r} "
                             f"(try one of: {', '.join(sorted(themes))})")
