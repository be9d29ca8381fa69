"""Lazy package exports: a public name is imported from its module on first access, so importing a
package loads only what its user touches (``import kefulint``, a config lookup without a file)."""
from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def exports(package: str, table: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package`` for the names in ``table``
    (name -> relative module)."""
    module = sys.modules[package]

    def __getattr__(name: str) -> object:
        source = table.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source, package), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted([*vars(module), *table])

    return __getattr__, __dir__
