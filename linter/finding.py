"""The one result type: a confirmed violation inside one message."""
from __future__ import annotations

import enum
from typing import NamedTuple


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Finding(NamedTuple):
    """A rule violation. ``start``/``end`` are character offsets into the ORIGINAL text;
    ``line``/``column`` are 1-based and computed from them. Immutable (a named tuple: built
    several times faster than a frozen dataclass, and the engine builds one per finding)."""

    rule: str
    category: str
    severity: Severity
    points: int
    message: str
    suggestion: str
    start: int
    end: int
    line: int
    column: int
    match: str
    sensitive: bool = False
    fatal: bool = False
    fix: str | None = None
    probability: float | None = None  # set on the review model's findings (model.<category>) only

    @property
    def masked_match(self) -> str:
        from .text.mask import mask_sensitive

        return mask_sensitive(self.match) if self.sensitive else self.match

    def __repr__(self) -> str:
        """The named tuple's repr with ``match`` masked when it is personal data, so that logging a
        finding does not leak what it caught; ``.match`` and every other field are unchanged."""
        shown = self._replace(match=self.masked_match) if self.sensitive else self
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, shown, strict=True))})"

    def shown_match(self, show: bool = False) -> str:
        """The match as reports print it: masked unless ``show``."""
        return self.match if show else self.masked_match

    def to_dict(self, show_matches: bool = False) -> dict:
        out: dict[str, object] = {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "points": self.points,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "match": self.shown_match(show_matches),
            "message": self.message,
            "suggestion": self.suggestion,
            "fatal": self.fatal,
        }
        if self.probability is not None:
            out["probability"] = self.probability
        return out
