"""``--fix``: apply the rules' safe replacements to a template file (and with
``--unsafe-fixes`` the unsafe ones too).

Each reply is fixed whole or not at all: its safe fix (:meth:`Linter.fix_plan` with
``safe_only``: the clause or sentence holding a violation replaced by the rule's standard phrase
or removed, never a suppressed finding), or where there is none and ``unsafe_fixes`` is set, the
fix ``check``'s suggested_text offers, is applied only when it leaves the reply with no finding
at error and every edit can be made in the file (not behind an escape or a CSV ``""``; across
Markdown markup only whole: :meth:`SourceFile.file_span`). The rewritten file is read back and
must give exactly the expected replies, else it is left alone: a fix never changes the file's
structure. Passes repeat until nothing changes, so running ``--fix`` twice changes nothing the
second time.
"""
from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from ..config import LintOptions
from ..engine import Linter
from ..engine.fixes import apply_edits
from ..text.mask import mask_sensitive
from . import parse_source
from .lint import Kept, lint_source
from .source import ReadError, SourceFile

MAX_PASSES = 4


def _edits(source: SourceFile, kept: list[Kept],
           unsafe_fixes: bool) -> tuple[list[tuple[int, int, str]], dict[int, str]]:
    """File edits (start, end, replacement) and the reply texts expected after them."""
    edits: list[tuple[int, int, str]] = []
    expected: dict[int, str] = {}
    for index in sorted({k.reply for k in kept if k.edits and (unsafe_fixes or not k.unsafe)}):
        reply = source.replies[index]
        plan = next(k.edits for k in kept if k.reply == index)
        for e in plan:
            span = source.file_span(reply, e.start, e.end, not e.replacement)
            assert span is not None  # lint_source keeps only plans it can write
            edits.append((*span, e.replacement))
        expected[index] = apply_edits(reply.text, plan)
    return sorted(edits), expected


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Change(NamedTuple):
    """One rewritten clause, for people: where it was, what it said, what it says now."""

    line: int
    column: int
    old: str
    new: str


def fixed_text(source: SourceFile, kept: list[Kept], linter: Linter, suffix: str, options: LintOptions,
               unsafe_fixes: bool = False) -> tuple[str, list[tuple[int, int]], list[Change]]:
    """(new text, file spans of sensitive matches in the ORIGINAL text, the clauses changed).
    The new text equals ``source.text`` when nothing can be fixed (safely, unless ``unsafe_fixes``)."""
    sensitive = []
    for k in kept:
        reply = source.replies[k.reply]
        span = source.file_span(reply, k.finding.start, k.finding.end) if k.finding.sensitive else None
        if span is not None:
            sensitive.append(span)
    if not source.fixable:
        return source.text, sensitive, []
    current, current_kept = source, kept
    changes: list[Change] = []
    for _ in range(MAX_PASSES):
        edits, expected = _edits(current, current_kept, unsafe_fixes)
        if not edits:
            break
        new_text = _apply(current.text, edits)
        try:
            reread = parse_source(source.path, suffix, new_text.encode(source.encoding), options)
        except (ReadError, UnicodeEncodeError):
            break
        if len(reread.replies) != len(current.replies) or any(
            reread.replies[i].text != (expected.get(i, r.text)) for i, r in enumerate(current.replies)
        ):
            break
        changes += [Change(*current.position(start), current.text[start:end], new) for start, end, new in edits]
        current = reread
        _, current_kept = lint_source(current, linter)
    return current.text, sensitive, changes


def unified_diff(path: str, old: str, new: str, sensitive: list[tuple[int, int]], show_matches: bool,
                 changes: list[Change] = ()) -> str:
    """The change as a unified diff, preceded by one line per rewritten clause
    (``path:line:col: 「old」 → 「new」``; ``patch`` and ``git apply`` skip such lines);
    personal data found in the file is masked everywhere unless ``show_matches``."""
    lines = [f"{path}:{c.line}:{c.column}: 「{_one_line(c.old)}」 → "
             f"{'（删除 removed）' if not c.new else '「' + _one_line(c.new) + '」'}\n" for c in changes]
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{path}", tofile=f"b/{path}"):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    diff = "".join(lines)
    if not show_matches:
        for secret in sorted({old[s:e] for s, e in sensitive}, key=len, reverse=True):
            diff = diff.replace(secret, mask_sensitive(secret))
    return diff


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "⏎")


def write_in_place(path: str | Path, text: str, encoding: str) -> None:
    """Replace the file's content through a temporary file and a rename, keeping its mode."""
    target = Path(path)
    mode = target.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".kefulint-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode(encoding))
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
