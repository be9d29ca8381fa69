"""Finding the config file, and the settings a command runs with: the TOML parser and the config's
field checks (:mod:`.loader`) are imported only when there is a file to read, so a start-up
without one (a plain ``kefulint check``) does not pay for them."""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..errors import ConfigError, nearest
from ..finding import Severity
from ..settings import Settings

if TYPE_CHECKING:
    from pathlib import Path  # the walk up is done with os.path: pathlib costs a cold start ~2.5 ms to import

# A line that may define tool.kefulint: a [tool] or [tool.kefulint...] header, or a key tool = / tool.kefulint
# (TOML puts every header and key at the start of a line; no other line can make the table).
_MAY_DEFINE = re.compile(r"""^[ \t]*(?:\[\[?[ \t]*)?(["']?)tool\1[ \t]*(?:[\]=]|\.[ \t]*(["']?)kefulint\2[ \t]*[.\]=])""",
                         re.MULTILINE)


def _has_tool_table(pyproject: str) -> bool:
    try:
        with open(pyproject, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return False
    # most pyproject.toml files hold other tools' tables only: parsed (the TOML parser costs a cold
    # start ~5 ms to import) only when a line may define tool.kefulint, or a \u escape may spell it
    if _MAY_DEFINE.search(text) is None and "\\u" not in text and "\\U" not in text:
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(data.get("tool"), dict) and "kefulint" in data["tool"]


def find_config(start_dir: str | Path | None = None) -> Path | None:
    """The nearest ``kefulint.toml`` or ``pyproject.toml`` with ``[tool.kefulint]``, walking up."""
    here = os.path.realpath(start_dir or os.getcwd())
    if os.path.isfile(here):
        here = os.path.dirname(here)
    while True:
        for name in ("kefulint.toml", "pyproject.toml"):
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate) and (name == "kefulint.toml" or _has_tool_table(candidate)):
                from pathlib import Path

                return Path(candidate)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


_SETTINGS_FIELDS = set(Settings._fields)


def load_settings(path: str | Path | None = None, start_dir: str | Path | None = None, **overrides) -> Settings:
    """Settings from the config (see :func:`~.loader.load_config`); keyword overrides, named as the
    fields of :class:`Settings`, win over the file."""
    unknown = sorted(set(overrides) - _SETTINGS_FIELDS)
    if unknown:
        raise ConfigError([f"unknown setting '{k}'{nearest(k, _SETTINGS_FIELDS)}" for k in unknown])
    found = path if path is not None else find_config(start_dir)
    if found is None:
        settings = Settings()
    else:
        from .loader import load_config

        settings = load_config(found).settings
    if "fail_on" in overrides and isinstance(overrides["fail_on"], str):
        overrides["fail_on"] = Severity(overrides["fail_on"])
    return settings._replace(**overrides)
