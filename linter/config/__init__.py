"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``
(:mod:`.loader`), every table checked with one field-spec kit (:mod:`.fields`), with line numbers
for every problem (:mod:`.tomlpos`)."""
from __future__ import annotations

from ..errors import ConfigError
from .fields import display_path
from .loader import (
    SUPPORTED_SUFFIXES,
    Config,
    LintOptions,
    ServeOptions,
    find_config,
    load_config,
    load_settings,
)

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
