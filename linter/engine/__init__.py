"""The engine: compile rules once, then normalize -> match -> confirm -> findings per message."""
from __future__ import annotations

from .assemble import Result, apply_fixes
from .fixes import Edit
from .linter import Linter
from .match import Candidate

__all__ = ["Candidate", "Edit", "Linter", "Result", "apply_fixes"]
