"""Assembling the verdict: overlapping candidates of one category kept once, findings with line and
column, points charged once per rule, safe fixes applied."""
from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Sequence
from typing import NamedTuple

from ..finding import Finding, Severity
from ..rules.model import Rule
from ..rules.schema import REGEX_TIMEOUT
from ..text.mask import mask_sensitive
from .match import REGEX_TIMED_OUT, Candidate
from .state import EngineState

_NEWLINE = re.compile("\n")


class Result(NamedTuple):
    """The verdict on one reply. A named tuple: immutable, picklable and cheap to build (the engine
    makes one per message)."""

    text: str
    findings: tuple[Finding, ...]
    points: int
    blocked: bool  # a finding at or above the configured fail-on severity
    fatal: bool  # a dismissal item (开除项) was found
    suggested_text: str  # the reply with every safe fix applied
    platform: str = "taobao"  # the platform the reply was judged on (inferred from its words, or configured)
    candidates: tuple[Candidate, ...] = ()  # every candidate with its fate (explain)
    # problems that stopped a rule on this message (a user regex that timed out), by rule id
    errors: tuple[str, ...] = ()

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None, key=lambda s: s.rank)

    def to_dict(self, show_matches: bool = False) -> dict:
        return {
            "points": self.points,
            "blocked": self.blocked,
            "fatal": self.fatal,
            "findings": [f.to_dict(show_matches) for f in self.findings],
            "suggested_text": self.suggested_text,
            "platform": self.platform,
            "errors": list(self.errors),
        }


class Assembling(EngineState):
    """The assemble step of :class:`~kefulint.engine.Linter`: confirmed candidates -> Result."""

    def _result(self, text: str, candidates: list[Candidate], platform: str | None = None) -> Result:
        """``platform``: the one the message was judged on (inferred from its words), by default the configured one."""
        platform = platform or self._platform_name
        if not candidates:
            return Result(text, (), 0, False, False, text, platform)
        confirmed = [c for c in candidates if not c.rejected]
        confirmed.sort(key=lambda c: (-_effective(c).rank, -c.rule.points, c.rule.kind == "frame", c.start, -(c.end - c.start)))
        kept: list[Candidate] = []
        taken: dict[str, list[tuple[int, int]]] = {}  # category -> kept spans, sorted by start
        for c in confirmed:
            spans = taken.setdefault(c.rule.category, [])
            i = bisect_right(spans, (c.start, 1 << 62))
            # kept spans of a category never overlap, so only the neighbours can
            if (i and spans[i - 1][1] > c.start) or (i < len(spans) and spans[i][0] < c.end):
                continue
            insort(spans, (c.start, c.end))
            kept.append(c)
        kept.sort(key=lambda c: (c.start, c.end, c.rule.id))
        line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)] if "\n" in text else [0]
        findings = []
        charged: set[str] = set()  # a rule breached twice in one reply costs its points once
        for c in kept:
            line = bisect_right(line_starts, c.start)
            match = text[c.start : c.end]
            findings.append(
                Finding(
                    rule=c.rule.id,
                    category=c.rule.category,
                    severity=_effective(c),
                    points=0 if c.rule.id in charged else c.rule.points,
                    message=c.rule.message,
                    suggestion=c.rule.suggestion,
                    start=c.start,
                    end=c.end,
                    line=line,
                    column=c.start - line_starts[line - 1] + 1,
                    match=match,
                    sensitive=c.rule.sensitive,
                    fatal=c.rule.fatal,
                    fix=_fix_text(c.rule, match),
                )
            )
            charged.add(c.rule.id)
        fail_on = self.settings.fail_on
        errors = tuple(
            f"rule {c.rule.id}: regex {c.source!r} timed out after {REGEX_TIMEOUT * 1000:.0f} ms and was stopped"
            for c in candidates
            if c.rejected is REGEX_TIMED_OUT
        )
        return Result(
            text=text,
            findings=tuple(findings),
            points=sum(f.points for f in findings),
            blocked=any(f.severity >= fail_on for f in findings),
            fatal=any(f.fatal for f in findings),
            suggested_text=apply_fixes(text, findings),
            platform=platform,
            candidates=tuple(candidates),
            errors=errors,
        )


def _effective(c: Candidate) -> Severity:
    if c.severity is not None and c.severity < c.rule.severity:
        return c.severity
    return c.rule.severity



def _fix_text(rule: Rule, match: str) -> str | None:
    if rule.fix == "mask":
        return mask_sensitive(match) if rule.sensitive else "*" * len(match)
    if rule.fix == "suggestion":
        return rule.suggestion
    if rule.fix == "remove":
        return ""
    return None


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """The text with every safe fix applied; overlapping fixes after the first are skipped."""
    out = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if f.fix is None or f.start < pos:
            continue
        out.append(text[pos : f.start])
        out.append(f.fix)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
