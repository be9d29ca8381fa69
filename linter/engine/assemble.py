"""Assembling the verdict: overlapping candidates of one category kept once, findings with line and
column, points charged once per rule, and the fix: edits proposed by :mod:`.fixes`, each proposal
linted again, the first that leaves no finding at ``error`` kept (none: the reply needs rewriting)."""
from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..finding import Finding, Severity
from ..text.mask import mask_text, outermost
from .match import REGEX_TIMED_OUT, Candidate
from .state import EngineState

if TYPE_CHECKING:
    from ..rules.model import Rule  # the rules' type only: the model is imported when a rule is decoded

    # the fixer is imported when a fix is first worked out or applied: a check without findings
    # (a cold start's usual one) does not load it
    from .fixes import Edit, Target

_NEWLINE = re.compile("\n")
_UNSET = object()


class Fixing:
    """The fix of one result, worked out when first asked for and then kept: most results are
    never fixed (a scan only counts them), and working out a fix lints the reply again."""

    __slots__ = ("_context", "_edits", "_found", "_linter", "_targets", "_text")

    def __init__(self, linter: Assembling | None, text: str, targets: list[Target] | None, context,
                 found: tuple[Sequence[Finding], Sequence[Rule]] | None = None) -> None:
        self._linter = linter
        self._text = text
        self._targets = targets
        # or the findings and their rules, whose targets are worked out with the edits
        self._found = found
        self._context = tuple(context) if context else None
        self._edits: tuple[Edit, ...] | None | object = _UNSET

    @property
    def edits(self) -> tuple[Edit, ...] | None:
        """The edits, ``()`` when there is nothing to fix, None when no fix leaves no error."""
        edits = self._edits
        if edits is _UNSET:  # two threads asking at once both work it out, to the same value
            assert self._linter is not None  # only an unpickled Fixing has none, and it has its edits
            targets = self._targets if self._found is None else _targets(*self._found, safe_only=False)
            edits = self._edits = self._linter._plan(self._text, targets, self._context)
        return edits  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fixing) and self.edits == other.edits

    def __hash__(self) -> int:
        return hash(self.edits)

    def __getstate__(self):
        return self.edits  # what was worked out travels, not the linter

    def __setstate__(self, edits) -> None:
        self._linter = self._targets = self._context = self._found = None
        self._text = ""
        self._edits = edits


class Result(NamedTuple):
    """The verdict on one reply. A named tuple: immutable, picklable and cheap to build (the engine
    makes one per message); the fix is worked out only when asked for."""

    text: str
    findings: tuple[Finding, ...]
    points: int
    blocked: bool  # a finding at or above the configured fail-on severity
    fatal: bool  # a dismissal item (开除项) was found
    platform: str = "taobao"  # the platform the reply was judged on (inferred from its words, or configured)
    candidates: tuple[Candidate, ...] = ()  # every candidate with its fate (explain)
    # problems that stopped a rule on this message (a user regex that timed out), by rule id
    errors: tuple[str, ...] = ()
    fixing: Fixing | None = None

    def __repr__(self) -> str:
        """The named tuple's repr with personal data masked, so that logging a result does not leak
        what it caught: ``text`` with the spans of sensitive findings and candidates masked as the
        findings' matches are, each finding's repr masked (see ``Finding.__repr__``), the candidates
        counted (their notes quote the text). The fields themselves are unchanged: ``.text``,
        ``f.match`` and ``to_dict(show_matches=True)`` give what was caught."""
        spans = [(f.start, f.end) for f in self.findings if f.sensitive]
        spans += [(c.start, c.end) for c in self.candidates if c.rule.sensitive]
        shown = self._replace(text=mask_text(self.text, outermost(spans)) if spans else self.text)
        parts = [f"{name}={value!r}" for name, value in zip(self._fields, shown, strict=True) if name != "candidates"]
        parts.insert(self._fields.index("candidates"), f"candidates=<{len(self.candidates)} candidates>")
        return f"{type(self).__name__}({', '.join(parts)})"

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None, key=lambda s: s.rank)

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The fix, in offsets of ``text``: applied, they give ``suggested_text``."""
        return (self.fixing.edits or ()) if self.fixing is not None else ()

    @property
    def needs_rewrite(self) -> bool:
        """A finding at error that no fix takes out: a person must rewrite the reply (需要人工改写).
        Then no fix is offered at all and ``suggested_text`` is the reply unchanged."""
        return (self.fixing is not None and self.fixing.edits is None
                and any(f.severity is Severity.ERROR for f in self.findings))

    @property
    def suggested_text(self) -> str:
        """The reply with the fix applied; the reply itself when there is none. Lints with no
        finding at error unless ``needs_rewrite``."""
        from .fixes import apply_edits

        edits = self.edits
        return apply_edits(self.text, edits) if edits else self.text

    def fix_for(self, finding: Finding) -> str | None:
        """What replaces the clause or sentence holding ``finding`` in the fix, or None."""
        return next((e.replacement for e in self.edits if e.start <= finding.start and finding.end <= e.end), None)

    def finding_dicts(self, show_matches: bool = False) -> list[dict]:
        """Each finding as a dict, with whether the fix covers it and whether it needs rewriting."""
        rewrite = self.needs_rewrite
        out = []
        for f in self.findings:
            d = f.to_dict(show_matches)
            d["fixable"] = self.fix_for(f) is not None
            d["needs_rewrite"] = rewrite and f.severity is Severity.ERROR
            out.append(d)
        return out

    def shown_suggested_text(self, show_matches: bool = False) -> str:
        """``suggested_text`` as reports print it: personal data that no fix takes out (a reply
        that needs rewriting, a warning without a fix) masked unless ``show_matches``."""
        if show_matches:
            return self.suggested_text
        edits = self.edits
        left = [(f.start, f.end) for f in self.findings
                if f.sensitive and not any(e.start <= f.start and f.end <= e.end for e in edits)]
        if not left:
            return self.suggested_text
        from .fixes import apply_edits

        return apply_edits(mask_text(self.text, left), edits)

    def to_dict(self, show_matches: bool = False) -> dict:
        return {
            "points": self.points,
            "blocked": self.blocked,
            "fatal": self.fatal,
            "findings": self.finding_dicts(show_matches),
            "suggested_text": self.shown_suggested_text(show_matches),
            "needs_rewrite": self.needs_rewrite,
            "platform": self.platform,
            "errors": list(self.errors),
        }


_CLAUSE_END = frozenset("，,。；;！!？?\n")
NEXT_TO = 4  # characters between two candidates of one category that make them one finding


def _touches(text: str, end: int, start: int, lower: bool) -> bool:
    """Whether a span ending at ``end`` overlaps one starting at ``start``, or (``lower``: a finding
    of a lower severity) stands next to it in the same clause: 加我微信 abc_123 is one finding of its
    category, an error, not an error and a warning; two errors side by side stay two."""
    return end > start or (lower and start - end <= NEXT_TO
                           and not any(ch in _CLAUSE_END for ch in text[end:start]))


class Assembling(EngineState):
    """The assemble step of :class:`~kefulint.engine.Linter`: confirmed candidates -> Result."""

    def _result(self, text: str, candidates: list[Candidate], context=None, platform: str | None = None) -> Result:
        """``platform``: the one the message was judged on (inferred from its words), by default the configured one."""
        platform = platform or self._platform_name
        if not candidates:
            return Result(text, (), 0, False, False, platform)
        # by severity, points, non-frames first, position, the longer first; then as they came
        ranked = []
        errors = []
        live = []
        for c in candidates:
            if c.rejected:
                if c.rejected is REGEX_TIMED_OUT:
                    errors.append(f"rule {c.rule.id}: regex {c.source!r} timed out after "
                                  f"{_regex_timeout() * 1000:.0f} ms and was stopped")
                continue
            live.append(c)
        if any(c.rule.yields_to for c in live):
            # a finding whose category another says already gives way (see Rule.yields_to), even
            # when that other gives way in turn (别催 yields to an invoice refusal, which yields
            # to the fraud it charges for); two that would yield to each other both stay. Before
            # the overlaps are settled: one that gives way must not push aside one of its own
            # category that stays (随便 in 发票不开 你去投诉好了 随便 is the refusal's, the dare is not)
            live = [c for c in live if not c.rule.yields_to or not any(
                o.rule.category in c.rule.yields_to and c.rule.category not in o.rule.yields_to
                for o in live if o is not c)]
        for i, c in enumerate(live):
            rule = c.rule
            severity = _effective(c)
            ranked.append((-_RANK[severity], -rule.points, rule.kind == "frame", c.start, c.start - c.end, i, severity, c))
        ranked.sort()
        kept: list[tuple[Candidate, Severity]] = []
        taken: dict[str, list[tuple[int, int, int]]] = {}  # category -> kept spans and severity ranks, by start
        for neg_rank, _points, _frame, start, _length, _i, severity, c in ranked:
            spans = taken.setdefault(c.rule.category, [])
            i = bisect_right(spans, (start, 1 << 62))
            # kept spans of a category never overlap, so only the neighbours can
            # next to a kept finding of a higher severity, a finding of another rule is that one
            rank = -neg_rank
            if (i and _touches(text, spans[i - 1][1], start, spans[i - 1][2] > rank)) or (
                i < len(spans) and _touches(text, c.end, spans[i][0], spans[i][2] > rank)
            ):
                continue
            insort(spans, (start, c.end, rank))
            kept.append((c, severity))
        kept.sort(key=lambda k: (k[0].start, k[0].end, k[0].rule.id))
        line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)] if "\n" in text else [0]
        findings: list[Finding] = []
        charged: set[str] = set()  # a rule breached twice in one reply costs its points once
        points = top = 0
        fatal = False
        for c, severity in kept:
            rule = c.rule
            line = bisect_right(line_starts, c.start)
            charge = 0 if rule.id in charged else rule.points
            findings.append(
                Finding(rule.id, rule.category, severity, charge, rule.message, rule.suggestion, c.start, c.end, line,
                        c.start - line_starts[line - 1] + 1, text[c.start : c.end], rule.sensitive, rule.fatal)
            )
            charged.add(rule.id)
            points += charge
            top = max(top, _RANK[severity])
            if rule.fatal:
                fatal = True
        fail_on = self.settings.fail_on
        return Result(
            text=text,
            findings=tuple(findings),
            points=points,
            blocked=bool(findings) and top >= _RANK[fail_on] if isinstance(fail_on, Severity)
            else any(f.severity >= fail_on for f in findings),
            fatal=fatal,
            platform=platform,
            candidates=tuple(candidates),
            errors=tuple(errors),
            fixing=Fixing(self, text, None, context, (findings, [c.rule for c, _s in kept])) if findings else None,
        )

    # fixes -------------------------------------------------------------------------------
    def fix_plan(self, text: str, findings: Sequence[Finding], context=None, *, safe_only: bool = False,
                 tolerated: Iterable[str] = (), result: Result | None = None) -> tuple[Edit, ...] | None:
        """The edits that fix ``findings`` of ``text`` (from :meth:`check` on the same text and
        context) and leave no finding at error, except of the rules in ``tolerated`` (findings a
        template suppresses); ``()`` when there is nothing to fix, None when no such edits exist.
        ``safe_only`` keeps to the rules' declared fixes and to channel invitations. ``result``,
        the check these findings came from, saves linting again when its own fix is the answer."""
        by_id = {r.id: r for r in self.rules}
        # the review model's findings (info, with a probability) are hints: nothing to fix
        findings = [f for f in findings if f.probability is None]
        if any(f.rule not in by_id for f in findings):
            raise ValueError("findings of rules this linter does not have")
        rules = [by_id[f.rule] for f in findings]
        targets = _targets(findings, rules, safe_only)
        tolerated = frozenset(tolerated)
        if result is not None and result.fixing is not None and not tolerated and targets is not None \
                and tuple(findings) == result.findings and targets == _targets(findings, rules, False):
            return result.fixing.edits
        return self._plan(text, targets, context, tolerated)

    def _plan(self, text: str, targets: list[Target] | None, context,
              tolerated: frozenset[str] = frozenset()) -> tuple[Edit, ...] | None:
        if targets is None:
            return None
        if not targets:
            return ()
        from .fixes import apply_edits, proposals

        for edits in proposals(text, targets):
            fixed = apply_edits(text, edits)
            if fixed.strip() and not self._has_error(fixed, context, tolerated):
                return edits
        return None

    def _has_error(self, text: str, context, tolerated: frozenset[str]) -> bool:
        return any(
            not c.rejected and _effective(c) is Severity.ERROR and c.rule.id not in tolerated
            for c in self._candidates(text, context)
        )


_RANK = {severity: severity.rank for severity in Severity}


def _effective(c: Candidate) -> Severity:
    if c.severity is not None and _RANK[c.severity] < _RANK[c.rule.severity]:
        return c.severity
    return c.rule.severity


def _targets(findings: Sequence[Finding], rules: Sequence[Rule], safe_only: bool) -> list[Target] | None:
    """What the fixer works on; None when a finding at error has no fix at all."""
    from .fixes import Target, action_for

    targets = []
    for f, rule in zip(findings, rules, strict=True):
        error = f.severity is Severity.ERROR
        action = action_for(rule.fix, rule.category, error, safe_only)
        if action is None or f.end <= f.start:
            if error:
                return None
            continue
        targets.append(Target(f.start, f.end, action, rule.suggestion, f.sensitive, (f.severity.rank, rule.points)))
    return targets


def apply_fixes(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with the edits of a fix (``Result.edits``, :meth:`Linter.fix_plan`) applied."""
    from .fixes import apply_edits

    return apply_edits(text, edits)


def _regex_timeout() -> float:
    from ..rules.schema import REGEX_TIMEOUT  # a user regex that timed out: rare; the schema loads slowly

    return REGEX_TIMEOUT
