"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``
(:mod:`.loader`), every table checked with one field-spec kit (:mod:`.fields`), with line numbers
for every problem (:mod:`.tomlpos`). The file is found and the settings made in :mod:`.lookup`;
the public names are imported on first use, so that a start-up without a config file imports
neither the TOML parser nor the field checks."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import ConfigError
from .lookup import find_config, load_settings

_EXPORTS = {
    "SUPPORTED_SUFFIXES": ".loader",
    "Config": ".loader",
    "LintOptions": ".loader",
    "ServeOptions": ".loader",
    "load_config": ".loader",
    "display_path": ".fields",
}

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Config",
    "ConfigError",
    "LintOptions",
    "ServeOptions",
    "display_path",
    "find_config",
    "load_config",
    "load_settings",
]

if TYPE_CHECKING:
    from .fields import display_path
    from .loader import SUPPORTED_SUFFIXES, Config, LintOptions, ServeOptions, load_config


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
