"""``--fix``: apply the rules' safe replacements to a template file.

A fix is applied only where the finding is not suppressed, the rule has a safe replacement
(``Finding.fix``) and the matched text stands verbatim in the file (not behind an escape or
a CSV ``""``). The rewritten file is read back and must give exactly the expected replies,
else it is left alone: a fix never changes the file's structure. Passes repeat until nothing
changes, so running ``--fix`` twice changes nothing the second time.
"""
from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

from ..config import LintOptions
from ..engine import Linter
from ..text.mask import mask_sensitive
from . import parse_source
from .lint import Kept, lint_source
from .source import ReadError, SourceFile

MAX_PASSES = 4


def _edits(source: SourceFile, kept: list[Kept]) -> tuple[list[tuple[int, int, str]], dict[int, str]]:
    """File edits (start, end, replacement) and the reply texts expected after them."""
    edits: list[tuple[int, int, str]] = []
    expected: dict[int, str] = {}
    by_reply: dict[int, list] = {}
    for k in kept:
        by_reply.setdefault(k.reply, []).append(k.finding)
    for index, findings in by_reply.items():
        reply = source.replies[index]
        text = reply.text
        pos = 0
        out: list[str] = []
        for f in sorted(findings, key=lambda f: (f.start, f.end)):
            start = source.verbatim_offset(reply, f.start, f.end) if f.fix is not None and f.start >= pos else None
            if start is None:
                continue
            edits.append((start, start + (f.end - f.start), f.fix))
            out.append(text[pos : f.start])
            out.append(f.fix)
            pos = f.end
        if out:
            out.append(text[pos:])
            expected[index] = "".join(out)
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


def fixed_text(source: SourceFile, kept: list[Kept], linter: Linter, suffix: str,
               options: LintOptions) -> tuple[str, list[tuple[int, int]]]:
    """(new text, file spans of sensitive matches in the ORIGINAL text). The new text equals
    ``source.text`` when nothing can be fixed safely."""
    sensitive = []
    for k in kept:
        reply = source.replies[k.reply]
        start = source.verbatim_offset(reply, k.finding.start, k.finding.end) if k.finding.sensitive else None
        if start is not None:
            sensitive.append((start, start + k.finding.end - k.finding.start))
    if not source.fixable:
        return source.text, sensitive
    current, current_kept = source, kept
    for _ in range(MAX_PASSES):
        edits, expected = _edits(current, current_kept)
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
        current = reread
        _, current_kept = lint_source(current, linter)
    return current.text, sensitive


def unified_diff(path: str, old: str, new: str, sensitive: list[tuple[int, int]], show_matches: bool) -> str:
    """The change as a unified diff; personal data found in the file is masked on both sides
    unless ``show_matches``."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{path}", tofile=f"b/{path}"):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    diff = "".join(lines)
    if not show_matches:
        for secret in sorted({old[s:e] for s, e in sensitive}, key=len, reverse=True):
            diff = diff.replace(secret, mask_sensitive(secret))
    return diff


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
