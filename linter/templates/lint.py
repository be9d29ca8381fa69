"""Linting one template file: each reply through the engine, findings placed in the file,
suppression comments applied, and the comments that suppressed nothing reported."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

from ..engine import Edit, Linter
from ..finding import Finding, Severity
from ..text.mask import mask_sensitive
from ..text.normalize import Normalized
from . import directives as directive_rules
from .source import Reply, SourceFile, label_text

UNUSED_SUPPRESSION = "kefulint.unused-suppression"
MAX_POINTS = "kefulint.max-points"
READ_ERROR = "kefulint.read-error"
_SEVERITY = {s.value: s for s in Severity}
_VALUE = {s: s.value for s in Severity}  # enum .value is a slow descriptor; reports read it per finding


def reply_hash(text: str) -> str:
    """Fingerprint of a reply: its normalized search form, so edits elsewhere in the file, a
    moved line or a full-width variant of the same text keep the same fingerprint."""
    return hashlib.sha256(Normalized(text).compact.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class FileFinding:
    """A finding placed in a file: what every lint reporter prints. (Not frozen: a frozen
    dataclass sets each field through object.__setattr__, and a cached run builds thousands.)"""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive
    rule: str
    category: str
    severity: Severity
    points: int
    message: str
    suggestion: str
    match: str
    sensitive: bool = False
    fatal: bool = False
    fix: str | None = None
    fingerprint: str = ""  # reply_hash of the reply (baselines)
    label: str = ""  # column or key the reply came from
    masked: str | None = None  # the masked match, computed once (None: not yet)
    needs_rewrite: bool = False  # at error and no fix --fix can write leaves the reply clean: a person must rewrite it
    # ``fix`` is unsafe: a rewrite of a rule that declares no fix (check's suggested_text), which
    # --fix writes only with --unsafe-fixes
    unsafe: bool = False

    @property
    def masked_match(self) -> str:
        if self.masked is not None:
            return self.masked
        return mask_sensitive(self.match) if self.sensitive else self.match

    def shown_match(self, show: bool = False) -> str:
        return self.match if show else self.masked_match

    def __repr__(self) -> str:
        """The dataclass's repr with ``match`` masked when it is personal data (as ``Finding``'s)."""
        values = ((f.name, self.masked_match if f.name == "match" else getattr(self, f.name)) for f in fields(self))
        return f"{type(self).__name__}({', '.join(f'{name}={value!r}' for name, value in values)})"

    @property
    def is_tool_finding(self) -> bool:
        """Reports about the lint run itself (unused suppression, max-points, unreadable file)."""
        return self.rule.startswith("kefulint.")

    def to_dict(self, show_matches: bool = False) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "category": self.category,
            "severity": _VALUE[self.severity],
            "points": self.points,
            "match": self.shown_match(show_matches),
            "message": self.message,
            "suggestion": self.suggestion,
            "fatal": self.fatal,
            "fixable": self.fix is not None and not self.unsafe,
            "unsafe_fixable": self.fix is not None and self.unsafe,
            "needs_rewrite": self.needs_rewrite,
            "label": self.label,
        }

    def meta(self) -> tuple:
        """What the finding shares with every other finding of its rule (stored once per file)."""
        return (self.rule, self.category, self.points, self.message, self.suggestion, self.sensitive, self.fatal)

    def to_cache(self, meta_index: int) -> list:
        # personal data never reaches the disk: a sensitive match is cached masked only, and a
        # --show-matches run does not use the cache (templates/run.py)
        return [self.line, self.column, self.end_line, self.end_column, meta_index, _VALUE[self.severity],
                None if self.sensitive else self.match, self.fix, self.fingerprint, self.label,
                self.masked_match if self.sensitive else None, self.needs_rewrite, self.unsafe]

    @classmethod
    def from_cache(cls, path: str, row: list, metas: list) -> FileFinding:
        line, column, end_line, end_column, meta_index, severity, match, fix, fingerprint, label, masked, rewrite, \
            unsafe = row
        rule, category, points, message, suggestion, sensitive, fatal = metas[meta_index]
        return cls(path, line, column, end_line, end_column, rule, category, _SEVERITY[severity], points,
                   message, suggestion, masked if match is None else match, sensitive, fatal, fix, fingerprint,
                   label, masked, rewrite, unsafe)


def tool_finding(path: str, line: int, column: int, rule: str, severity: Severity, message: str,
                 suggestion: str = "", match: str = "") -> FileFinding:
    if "\n" in match:  # a directive written over several lines (<!--kefulint:disable=\nX-->)
        end_line, end_column = line + match.count("\n"), len(match.rsplit("\n", 1)[1]) + 1
    else:
        end_line, end_column = line, column + max(len(match), 1)
    return FileFinding(path, line, column, end_line, end_column, rule, "kefulint", severity, 0,
                       message, suggestion, match)


@dataclass
class FileReport:
    path: str
    replies: int = 0
    findings: list[FileFinding] = field(default_factory=list)
    suppressed: int = 0
    baselined: int = 0
    error: str | None = None  # the file could not be read
    cached: bool = False
    fail_on: Severity = Severity.ERROR  # from the file's config

    @property
    def points(self) -> int:
        return sum(f.points for f in self.findings if not f.is_tool_finding)

    def to_cache(self) -> dict:
        metas: dict[tuple, int] = {}
        rows = [f.to_cache(metas.setdefault(f.meta(), len(metas))) for f in self.findings]
        return {"replies": self.replies, "suppressed": self.suppressed, "metas": list(metas), "findings": rows}

    @classmethod
    def from_cache(cls, path: str, data: dict) -> FileReport:
        metas = data["metas"]
        return cls(path, data["replies"], [FileFinding.from_cache(path, row, metas) for row in data["findings"]],
                   data["suppressed"], cached=True)


@dataclass(frozen=True, slots=True)
class Kept:
    """An unsuppressed engine finding with the reply it is in and the fix of that reply (what
    ``--fix`` works from; the same ``edits`` for every finding of one reply), ``unsafe`` when
    only ``--unsafe-fixes`` writes it."""

    reply: int
    finding: Finding
    edits: tuple[Edit, ...] = ()
    unsafe: bool = False


def _placed(source: SourceFile, reply: Reply, f: Finding, fingerprint: str, edits: tuple[Edit, ...],
            unsafe: bool, needs_rewrite: bool) -> FileFinding:
    line, column = source.reply_position(reply, f.start)
    if reply.cell is not None:
        end_line, end_column = line, column + 1
    else:
        end_line, end_column = source.position(reply.file_offset(max(f.end - 1, f.start)) + 1)
    cover = next((e for e in edits if e.start <= f.start and f.end <= e.end), None)
    return FileFinding(source.path, line, column, end_line, end_column, f.rule, f.category, f.severity, f.points,
                       f.message, f.suggestion, f.match, f.sensitive, f.fatal,
                       None if cover is None else cover.replacement,
                       fingerprint, label_text(reply.label), f.masked_match,
                       needs_rewrite and f.severity is Severity.ERROR, cover is not None and unsafe)


def _reply_fix(source: SourceFile, reply: Reply, linter: Linter, result, findings: list[Finding],
               suppressed: set[str]) -> tuple[tuple[Edit, ...], bool, bool]:
    """(edits, unsafe, needs rewrite) of one reply. Its safe fix (the rules' declared fixes and
    channel invitations), else the fix check's suggested_text offers, which is unsafe (ruff's
    word): ``--fix`` writes it only with ``--unsafe-fixes``. A fix is kept only when every edit can
    be made in the file as it stands (not behind an escape, not across the lines of a YAML block,
    not in a spreadsheet). An error left without a fix --fix can write needs a person."""
    edits = linter.fix_plan(reply.text, findings, safe_only=True, tolerated=suppressed, result=result)
    # where a safe fix exists (or nothing is to be fixed) the unsafe one has the same targets and
    # is the same; it differs only where an error has no safe fix at all
    unsafe = edits is None
    if unsafe:
        edits = linter.fix_plan(reply.text, findings, safe_only=False, tolerated=suppressed, result=result)
    if edits and source.fixable and all(
        source.file_span(reply, e.start, e.end, not e.replacement) is not None for e in edits
    ):
        return edits, unsafe, False
    return (), False, any(f.severity is Severity.ERROR for f in findings)


def lint_source(source: SourceFile, linter: Linter) -> tuple[FileReport, list[Kept]]:
    report = FileReport(source.path, replies=len(source.replies))
    kept: list[Kept] = []
    used: set[tuple[int, str]] = set()
    ds = source.directives
    for index, reply in enumerate(source.replies):
        result = linter.check(reply.text)
        if not result.findings:
            continue
        covering = _covering(source, index, reply) if ds else []
        fingerprint = reply_hash(reply.text)
        unsuppressed: list[Finding] = []
        suppressed: set[str] = set()
        for f in result.findings:
            hit = False
            for di in covering:
                for token in ds[di].rules:
                    if directive_rules.matches(token, f.rule, f.category):
                        used.add((di, token))
                        hit = True
            if hit:
                report.suppressed += 1
                suppressed.add(f.rule)
            else:
                unsuppressed.append(f)
        if not unsuppressed:
            continue
        edits, unsafe, needs_rewrite = _reply_fix(source, reply, linter, result, unsuppressed, suppressed)
        for f in unsuppressed:
            kept.append(Kept(index, f, edits, unsafe))
            report.findings.append(_placed(source, reply, f, fingerprint, edits, unsafe, needs_rewrite))
    for di, d in enumerate(ds):
        for token in d.rules:
            if (di, token) not in used:
                report.findings.append(tool_finding(
                    source.path, d.line, d.column, UNUSED_SUPPRESSION, Severity.WARNING,
                    f"抑制注释未生效：'{token}' 在此没有抑制任何问题（规则未启用或此处无此问题），可删除 "
                    f"(unused suppression: {d.kind}={token})",
                    "删除这条 kefulint 注释，或改成实际需要抑制的规则", d.text))
    report.findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return report, kept


def _covering(source: SourceFile, index: int, reply: Reply) -> list[int]:
    first, last = source.reply_lines(reply)
    out = []
    for di, d in enumerate(source.directives):
        if d.replies is not None:
            if index in d.replies:
                out.append(di)
        elif d.first <= last and first <= d.last:
            out.append(di)
    return out
