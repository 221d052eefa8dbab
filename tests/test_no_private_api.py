"""The bot's code uses only the public API of its dependencies: no import of a library's
private module or name (``openpyxl.worksheet._write_only``), no underscore attribute of another
object (``cell._style``). Such things change without notice in any release, and the lock files
only postpone that until the next upgrade."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "jobs", "dialogs")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ours(module: str) -> bool:
    return module.split(".", 1)[0] in PACKAGES


def _own(value: ast.expr) -> bool:
    """An object's own private state (``self._x``, ``cls._x``) is its business."""
    return isinstance(value, ast.Name) and value.id in ("self", "cls")


def private_uses(source: str) -> list[str]:
    """Private names of other code that ``source`` reaches for, as ``line: what``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _ours(node.module):
                continue
            parts = node.module.split(".") + [alias.name for alias in node.names]
            if any(_private(part) for part in parts):
                names = ", ".join(alias.name for alias in node.names)
                found.append(f"{node.lineno}: from {node.module} import {names}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not _ours(alias.name) and any(_private(p) for p in alias.name.split(".")):
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and not _own(node.value):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_finds_what_it_is_meant_to() -> None:
    source = (
        "from openpyxl.worksheet._write_only import WriteOnlyWorksheet\n"
        "import aiogram._private\n"
        "from lib import _helper\n"
        "cell._style = copy(template._style)\n"
        "from bot.i18n import _\n"
        "self._cache = {}\n"
        "name = type(x).__name__\n"
    )
    assert private_uses(source) == [
        "1: from openpyxl.worksheet._write_only import WriteOnlyWorksheet",
        "2: import aiogram._private",
        "3: from lib import _helper",
        "4: cell._style",
        "4: template._style",
    ]


def test_the_bot_uses_no_private_api() -> None:
    found = {
        str(path.relative_to(ROOT)): uses
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (uses := private_uses(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"private names of other code (use the public API instead): {found}"
