"""kefulint: a compliance linter for the replies customer-service agents send to buyers."""
from __future__ import annotations

from .engine import Candidate, Linter, Result, apply_fixes
from .finding import Finding, Severity
from .ruleset import RulesetError
from .settings import Settings

__all__ = ["Candidate", "Finding", "Linter", "Result", "RulesetError", "Settings", "Severity", "apply_fixes"]
__version__ = "0.1.0"
