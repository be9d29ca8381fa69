"""kefulint: a compliance linter for the replies customer-service agents send to buyers.

The public names are imported on first use, so ``import kefulint`` (and ``kefulint --version``)
does not load the engine.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _lazy

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


__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)
