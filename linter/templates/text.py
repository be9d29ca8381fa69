"""Plain-text and Markdown template files.

``.txt``: one reply per line (``txt-mode = "paragraph"``: per block of lines between blank
lines). Lines starting with ``#`` are comments; a reply line may end with
``# kefulint: disable=...``.

``.md``: one reply per paragraph, list item, block quote paragraph, or table cell; as in
CommonMark, a line that opens a block (a list marker, a heading, a fence, a ``>`` that opens a
block quote) ends the reply above. Headings, code blocks, front matter, table separator rows and
HTML comments are not replies; ``<!-- kefulint: ... -->`` comments carry suppressions. A block
quote's ``>`` and a list item's marker are left out of the reply, so columns still point at the
file.
"""
from __future__ import annotations

import re

from . import directives
from .source import SourceFile, pieces, verbatim

_TRAILING = re.compile(r"\s+#\s*kefulint:.*$")


def _lines(text: str):
    """(line number, offset of line start, line without its line ending)."""
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        yield number, pos, raw.removesuffix("\r")
        pos += len(raw) + 1


def _trim(line: str, offset: int) -> tuple[str, int]:
    stripped = line.lstrip()
    return stripped.rstrip(), offset + len(line) - len(stripped)


def read_txt(source: SourceFile, mode: str = "line") -> None:
    comments: list[tuple[str, int, int, bool]] = []
    block: list[tuple[str, int]] = []
    content_lines: list[int] = []

    def flush() -> None:
        if block:
            parts: list[tuple[str, int]] = []
            for i, (text, offset) in enumerate(block):
                if i:
                    parts.append(("\n", block[i - 1][1] + len(block[i - 1][0])))
                parts.append((text, offset))
            source.replies.append(pieces(parts))
            block.clear()

    for number, start, line in _lines(source.text):
        text, offset = _trim(line, start)
        if not text:
            flush()
            continue
        if text.startswith("#"):
            flush()
            comments.append((text, number, offset - start + 1, True))
            continue
        trailing = _TRAILING.search(text)
        if trailing:
            comments.append((trailing.group(0), number, offset - start + trailing.start() + 1, False))
            text = text[: trailing.start()]
        content_lines.append(number)
        if mode == "line":
            source.replies.append(verbatim(text, offset))
        else:
            block.append((text, offset))
    flush()
    _add_directives(source, comments, content_lines)


_DELIMITERS = re.compile(r"\*+|_+|~+|`+")


def _inline(line: str, offset: int) -> tuple[list[tuple[str, int]], list[tuple[int, int, int, int]]]:
    """The pieces (text, file offset) of a Markdown line without its inline markup, and the
    markup's pairs as file offsets (see Reply.markup). Code spans first (a run of backticks
    closes at the next run of as many, and nothing inside is markup), then ``**``, ``__`` and
    ``~~``: an opening one is followed by a non-space (for ``_``, not inside a word), a closing
    one preceded by one, and it closes the nearest open one of its kind (CommonMark's rules,
    without their punctuation cases)."""
    runs = [(m.start(), m.end()) for m in _DELIMITERS.finditer(line)]
    if not runs:
        return [(line, offset)], []
    pairs: list[tuple[int, int, int, int]] = []
    ticks = [(a, b) for a, b in runs if line[a] == "`"]
    j = 0
    while j < len(ticks):
        a, b = ticks[j]
        k = next((k for k in range(j + 1, len(ticks)) if ticks[k][1] - ticks[k][0] == b - a), None)
        if k is None:
            j += 1
            continue
        pairs.append((a, b, *ticks[k]))
        j = k + 1
    code = [(b, c) for _a, b, c, _d in pairs]
    stack: list[tuple[int, int]] = []
    for a, b in runs:
        ch = line[a]
        if ch == "`" or b - a != 2 or any(start <= a < end for start, end in code):
            continue
        before = line[a - 1] if a else " "
        after = line[b] if b < len(line) else " "
        can_open, can_close = not after.isspace(), not before.isspace()
        if ch == "_":  # snake_case__ids stay as they are
            can_open, can_close = can_open and not before.isalnum(), can_close and not after.isalnum()
        opener = next((i for i in range(len(stack) - 1, -1, -1) if line[stack[i][0]] == ch), None) if can_close else None
        if opener is not None:
            pairs.append((*stack[opener], a, b))
            del stack[opener:]
        elif can_open:
            stack.append((a, b))
    if not pairs:
        return [(line, offset)], []
    out: list[tuple[str, int]] = []
    pos = 0
    for a, b in sorted(m for p in pairs for m in (p[:2], p[2:])):
        out.append((line[pos:a], offset + pos))
        pos = b
    out.append((line[pos:], offset + pos))
    return [p for p in out if p[0]], [tuple(offset + x for x in p) for p in pairs]  # type: ignore[misc]


def _add_directives(source: SourceFile, comments, content_lines: list[int]) -> None:
    for comment, line, column, own_line in comments:
        d = directives.make(comment, line, column, own_line, content_lines)
        if d is not None:
            source.directives.append(d)


# --- markdown -------------------------------------------------------------------------------

_FENCE = re.compile(r"^(`{3,}|~{3,})")
_HEADING = re.compile(r"^#{1,6}(\s|$)")
_RULE = re.compile(r"^([-*_])(\s*\1){2,}\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LIST = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:\s+(?:\[[ xX]\]\s+)?|$)")
_QUOTE = re.compile(r"^(?:>\s?)+")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)


def read_md(source: SourceFile) -> None:
    text = source.text
    # HTML comments are blanked out (same length, newlines kept) so offsets stay true
    comments: list[tuple[str, int, int, bool]] = []
    chars = list(text)
    for m in _COMMENT.finditer(text):
        line, column = source.position(m.start())
        line_start = source.line_starts[line - 1]
        line_end = text.find("\n", m.end())
        rest = text[m.end() : len(text) if line_end < 0 else line_end]
        own_line = not text[line_start : m.start()].strip() and not rest.strip()
        comments.append((m.group(1), line, column, own_line))
        for i in range(m.start(), m.end()):
            if chars[i] != "\n":
                chars[i] = " "
    blanked = "".join(chars)

    block: list[tuple[str, int]] = []  # the lines of the open block: (text, file offset)
    content_lines: list[int] = []
    fence: str | None = None
    in_front_matter = False
    depth = 0  # how deep in block quotes the open block started

    def flush() -> None:
        if block:
            parts: list[tuple[str, int]] = []
            markup: list[tuple[int, int, int, int]] = []
            for i, (line, offset) in enumerate(block):
                if i:
                    parts.append(("\n", block[i - 1][1] + len(block[i - 1][0])))
                line_parts, line_markup = _inline(line, offset)
                parts += line_parts
                markup += line_markup
            source.replies.append(pieces(parts, markup=tuple(markup)))
            block.clear()

    for number, start, line in _lines(blanked):
        if number == 1 and line.strip() == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            if line.strip() in ("---", "..."):
                in_front_matter = False
            continue
        stripped, offset = _trim(line, start)
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        opened = _FENCE.match(stripped)
        if opened:
            flush()
            fence = opened.group(1)[:3]
            continue
        quote = _QUOTE.match(stripped)
        quotes = quote.group().count(">") if quote else 0
        if quote:
            stripped, offset = _trim(stripped[quote.end() :], offset + quote.end())
        if quotes > depth:
            # a `>` that opens a block quote ends the paragraph or list item above: it is no lazy
            # continuation line (CommonMark); a line without it after a quoted one still is
            flush()
        if not stripped:
            flush()
            continue
        if _HEADING.match(stripped) or _RULE.match(stripped):
            flush()
            continue
        if _SETEXT.match(stripped) and block:
            block.clear()  # the paragraph above was a heading
            continue
        if stripped.startswith("|") or (stripped.count("|") >= 2 and not block):
            flush()
            if not _TABLE_SEP.match(stripped):
                _table_cells(source, stripped, offset)
                content_lines.append(number)
            continue
        item = _LIST.match(stripped)
        if item:
            flush()
            stripped, offset = stripped[item.end() :], offset + item.end()
            if not stripped:
                continue
        content_lines.append(number)
        if not block:
            depth = quotes
        block.append((stripped, offset))
    flush()
    _add_directives(source, comments, content_lines)


def _table_cells(source: SourceFile, row: str, offset: int) -> None:
    pos = 0
    for cell in row.split("|"):
        text, at = _trim(cell, offset + pos)
        pos += len(cell) + 1
        if text and not re.fullmatch(r"[-:\s]+", text):
            parts, markup = _inline(text, at)
            source.replies.append(pieces(parts, markup=tuple(markup)))
