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
first imported, nothing is built; the names the loop resolves references with become each
type's and each method's parent namespace (which pydantic prefers to the names of whatever
code first uses the model), and are put into each type's module (where a type built inside
another model, such as aiogram's ``Response[Message]``, looks for them). The API methods
(``aiogram.methods``, which aiogram builds as their classes are made) get pydantic's
``defer_build`` too, through their base class's ``model_config``. Every type and method
then keeps pydantic's stand-ins and builds its validator the first time it is used: the
first updates pay for it once (the first /start about 0.25 s more), against 1.5 s less at
every start. The validation itself is pydantic's, unchanged: ``tests/test_memory.py``
checks that every type and method builds the same schema as with aiogram's own import, also
when first used where a name such as ``User`` means something else, and the test suite runs
the bot this way (``tests/conftest.py``).

The hook does not import aiogram itself (a process that never uses aiogram, such as the
export worker, does not load it); when aiogram is already imported it changes nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

TYPES_PACKAGE = "aiogram.types"
METHODS_PACKAGE = "aiogram.methods"
METHODS_BASE = "aiogram.methods.base"

# The names aiogram resolves its types' references with (every type of the API, and a few
# helpers such as ``Default``): filled when ``aiogram.types`` is imported.
_TELEGRAM_NAMES: dict[str, Any] = {}


def defer_telegram_validators() -> None:
    """Make the first import of aiogram build no validator of its types or methods
    (idempotent; nothing changes when aiogram is already imported)."""
    if "aiogram" in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the loading of aiogram's types package, its methods package and their base."""

    def __init__(self) -> None:
        self._pending: dict[str, type[_Wrapper]] = {
            TYPES_PACKAGE: _TypesLoader,
            METHODS_PACKAGE: _MethodsLoader,
            METHODS_BASE: _MethodsBaseLoader,
        }

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


def _resolve_with_telegram_names(models: Iterable[object]) -> None:
    """When these models build, their references mean what they mean at aiogram's import.

    pydantic resolves a deferred model's references with the names of the frame that first
    uses it, and those would win over the module's: a local ``User`` in the caller of
    ``SendMessage(...)`` would change what a ``MessageEntity``'s user is. A model's parent
    namespace wins over that frame, so it is set to the names aiogram's loop gives."""
    from pydantic import BaseModel

    for model in models:
        if (
            isinstance(model, type)
            and issubclass(model, BaseModel)
            and not model.__pydantic_complete__
            and model.__pydantic_parent_namespace__ is None
        ):
            model.__pydantic_parent_namespace__ = _TELEGRAM_NAMES


class _TypesLoader(_Wrapper):
    def exec_module(self, module: ModuleType) -> None:
        from pydantic import BaseModel

        original = BaseModel.__dict__["model_rebuild"]
        deferred: list[type[BaseModel]] = []

        def rebuild(cls: type[BaseModel], /, **kwargs: Any) -> bool | None:
            names = kwargs.get("_types_namespace")
            if names is not None and cls.__module__.startswith(TYPES_PACKAGE + "."):
                # aiogram's loop over its types: keep the names, build nothing now.
                _TELEGRAM_NAMES.update(names)
                deferred.append(cls)
                return None
            built: bool | None = original.__func__(cls, **kwargs)
            return built

        BaseModel.model_rebuild = classmethod(rebuild)  # type: ignore[assignment,method-assign]
        try:
            self._loader.exec_module(module)
        finally:
            BaseModel.model_rebuild = original  # type: ignore[method-assign]
        _resolve_with_telegram_names(deferred)
        # A type built inside another model (``Response[Message]``, made by aiogram's session)
        # finds the names it refers to in its own module, as aiogram's type checkers do.
        for name, loaded in list(sys.modules.items()):
            if name.startswith(TYPES_PACKAGE + ".") and loaded is not None:
                for referred, value in _TELEGRAM_NAMES.items():
                    loaded.__dict__.setdefault(referred, value)


class _MethodsBaseLoader(_Wrapper):
    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        # Every API method (a subclass) builds its validator when first called, not when
        # its class is made: pydantic's own setting, inherited through ``model_config``.
        module.TelegramMethod.model_config["defer_build"] = True


class _MethodsLoader(_Wrapper):
    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        if _TELEGRAM_NAMES:
            _resolve_with_telegram_names(getattr(module, name) for name in module.__all__)
