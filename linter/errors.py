"""The errors kefulint raises for bad input it can explain, and the spelling hint they carry.

Every problem is collected before raising, so each error holds the whole list (``errors``), one
line per problem, e.g. ``rulesets/x.toml: rule contact.qq: unknown key 'severty' (did you mean
'severity'?)``.
"""
from __future__ import annotations

from collections.abc import Iterable


class KefulintError(Exception):
    """One or more problems found at once; ``errors`` lists them all."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class RulesetError(KefulintError):
    """Problems in ruleset files."""


class ConfigError(KefulintError):
    """Problems in config files (``kefulint.toml``, ``[tool.kefulint]``), every table included."""


def did_you_mean(key: object, allowed: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close spelling, else nothing."""
    import difflib  # on an error's path only

    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6) if isinstance(key, str) else []
    return f" (did you mean '{close[0]}'?)" if close else ""


class ModelError(KefulintError):
    """The review model's weights file is missing or malformed, or its training data is."""


def nearest(key: str, allowed: Iterable[str], *, keep_order: bool = False) -> str:
    """`` (did you mean 'x'?)`` for a close spelling, else `` (allowed: a, b, ...)``, listed
    sorted unless ``keep_order`` (for key lists whose order is the documented one)."""
    allowed = list(allowed)
    return did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed if keep_order else sorted(allowed))})"
