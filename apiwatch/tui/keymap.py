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
from . import screens, widgets


def _console_classes() -> Iterator[type[DOMNode]]:
    # The app, its screens and widgets: where bindings are declared. Not the responder or the
    # palette, whose imports load the Azure SDK (0.3 s before the first paint, for nothing).
    modules = [importlib.import_module(f"{tui.__name__}.app")]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            modules.append(importlib.import_module(info.name))
    for module in modules:
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
