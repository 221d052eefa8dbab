"""Views build neutral screens (bot/screens.py): of aiogram they use only the callback data
classes and gettext, so that a second messenger's front end can render the same screens.
Only handlers/render.py turns a screen into Telegram's types."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest

import handlers

ALLOWED = {"aiogram.filters.callback_data", "aiogram.utils.i18n"}

# Views not converted yet would be listed here (the test fails once a listed one is
# neutral, so the list only shrinks). Every view is neutral now.
NOT_YET_NEUTRAL: set[str] = set()

# Routers whose name reads like a view's: handlers/meeting_views.py is the router of the
# curator's meeting board (its views are handlers/meeting_board_views.py).
ROUTERS = {"handlers.meeting_views"}


def view_modules() -> list[str]:
    names = [
        f"{handlers.__name__}.{info.name}"
        for info in pkgutil.iter_modules(handlers.__path__)
        if info.name.endswith(("_views", "_texts"))
    ]
    return sorted(name for name in names if name not in ROUTERS)


def aiogram_imports(module_name: str) -> set[str]:
    """The aiogram modules a module imports (read from its source, not from what it runs)."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "aiogram" or name.startswith("aiogram.")}


def test_there_are_views_to_check() -> None:
    modules = view_modules()
    assert "handlers.meeting_texts" in modules and "handlers.cycle_views" in modules
    assert NOT_YET_NEUTRAL.issubset(modules), "a listed module is gone: remove it from the list"


@pytest.mark.parametrize("module_name", view_modules())
def test_a_view_imports_only_callback_data_and_gettext_from_aiogram(module_name: str) -> None:
    other = aiogram_imports(module_name) - ALLOWED
    if module_name in NOT_YET_NEUTRAL:
        assert other, f"{module_name} is neutral now: remove it from NOT_YET_NEUTRAL"
    else:
        assert not other, f"{module_name} imports {sorted(other)}"
