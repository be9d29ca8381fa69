"""kefulint: a compliance linter for the replies customer-service agents send to buyers.

The public names are imported on first use, so ``import kefulint`` (and ``kefulint --version``)
does not load the engine.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"  # the one place; pyproject.toml reads it

_EXPORTS = {
    "Candidate": ".engine",
    "Linter": ".engine",
    "Result": ".engine",
    "apply_fixes": ".engine",
    "Finding": ".finding",
    "Severity": ".finding",
    "RulesetError": ".errors",
    "Settings": ".settings",
}

__all__ = ["Candidate", "Finding", "Linter", "Result", "RulesetError", "Settings", "Severity", "apply_fixes"]

if TYPE_CHECKING:
    from .engine import Candidate, Linter, Result, apply_fixes
    from .errors import RulesetError
    from .finding import Finding, Severity
    from .settings import Settings


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kefulint' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
