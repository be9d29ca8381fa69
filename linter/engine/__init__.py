"""The engine: compile rules once, then normalize -> match -> confirm -> findings per message."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy
from .assemble import Result, apply_fixes
from .linter import Linter
from .match import Candidate

if TYPE_CHECKING:
    from .fixes import Edit

__all__ = ["Candidate", "Edit", "Linter", "Result", "apply_fixes"]

# the fixer's Edit is imported on first use (a check without findings never needs the fixer)
__getattr__, __dir__ = _lazy.exports(__name__, {"Edit": ".fixes"})
