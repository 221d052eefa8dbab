"""aiogram's Telegram types with their pydantic validators built on first use, not at import.

``import aiogram`` builds the validator and serializer of every Telegram type (about 300)
and, through them, of every API method: aiogram declares its types ``defer_build=True``,
but ``aiogram/types/__init__.py`` ends by calling ``model_rebuild()`` on each of them to
resolve their forward references, and that builds them all. Each validator holds its own
copy of every type it nests (a ``Message`` holds most of the API), so the import took about
145 MB of the bot's resident memory and 2-3 s, while the bot only ever validates a handful:
``Update`` and the few methods it calls (and their results).

:func:`defer_telegram_validators` (called by ``bot/__init__.py``, so before anything of the
bot imports aiogram) lets that loop do only what it is there for: when ``aiogram.types`` is
first imported, the names its types refer to (imported by aiogram only for type checkers)
are put into each type's module, where pydantic looks for them when it builds a validator,
and nothing is built. The API methods (``aiogram.methods``, which aiogram builds as their
classes are made) get pydantic's ``defer_build`` too, through their base class's
``model_config``. Every type and method then keeps pydantic's stand-ins and builds its
validator the first time it is used: ``Update`` in about 0.1 s, and the first update with
its answer (``Update``, ``Message``, ``SendMessage`` ...) about 0.3 s once, against 2-3 s
less at every start. The validation itself is pydantic's, unchanged:
``tests/test_memory.py`` checks that every type and method builds the same schema as with
aiogram's own import, and the test suite runs the bot this way (``tests/conftest.py``).

The hook does not import aiogram itself (a process that never uses aiogram, such as the
export worker, does not load it); when aiogram is already imported it changes nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TYPES_PACKAGE = "aiogram.types"
METHODS_BASE = "aiogram.methods.base"


def defer_telegram_validators() -> None:
    """Make the first import of ``aiogram.types`` build no validator (idempotent)."""
    if "aiogram" in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the loading of aiogram's types package and of its methods' base module."""

    def __init__(self) -> None:
        self._pending = {TYPES_PACKAGE: _TypesLoader, METHODS_BASE: _MethodsBaseLoader}

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        wrapper = self._pending.pop(fullname, None)
        if wrapper is None:
            return None
        if not self._pending:
            sys.meta_path.remove(self)  # each module is imported once
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = wrapper(spec.loader)
        return spec


class _Wrapper(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)


class _MethodsBaseLoader(_Wrapper):
    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        # Every API method (a subclass) builds its validator when first called, not when
        # its class is made: pydantic's own setting, inherited through ``model_config``.
        module.TelegramMethod.model_config["defer_build"] = True


class _TypesLoader(_Wrapper):
    def exec_module(self, module: ModuleType) -> None:
        from pydantic import BaseModel

        original = BaseModel.__dict__["model_rebuild"]
        namespaces: list[dict[str, Any]] = []

        def rebuild(cls: type[BaseModel], /, **kwargs: Any) -> bool | None:
            names = kwargs.get("_types_namespace")
            if names is not None and cls.__module__.startswith(TYPES_PACKAGE + "."):
                # aiogram's loop over its types: keep the names, build nothing now.
                if not any(names is seen for seen in namespaces):
                    namespaces.append(names)
                return None
            built: bool | None = original.__func__(cls, **kwargs)
            return built

        BaseModel.model_rebuild = classmethod(rebuild)  # type: ignore[assignment,method-assign]
        try:
            self._loader.exec_module(module)
        finally:
            BaseModel.model_rebuild = original  # type: ignore[method-assign]
        for names in namespaces:
            for name, loaded in list(sys.modules.items()):
                if name.startswith(TYPES_PACKAGE + ".") and loaded is not None:
                    for referred, value in names.items():
                        loaded.__dict__.setdefault(referred, value)
