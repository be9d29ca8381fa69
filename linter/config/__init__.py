"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``
(:mod:`.loader`), with line numbers for every problem (:mod:`.tomlpos`)."""
from __future__ import annotations

from ..errors import ConfigError
from .loader import (
    SUPPORTED_SUFFIXES,
    Config,
    LintOptions,
    display_path,
    find_config,
    load_config,
    load_settings,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Config",
    "ConfigError",
    "LintOptions",
    "display_path",
    "find_config",
    "load_config",
    "load_settings",
]
