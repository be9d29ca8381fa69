"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``
(:mod:`.loader`), every table checked with one field-spec kit (:mod:`.fields`), with line numbers
for every problem (:mod:`.tomlpos`). The file is found and the settings made in :mod:`.lookup`;
the public names are imported on first use, so that a start-up without a config file imports
neither the TOML parser nor the field checks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy
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


__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)
