"""A template file as read: its decoded text, the replies found in it and where each character
of a reply sits in the ORIGINAL file, and the suppression comments it holds.

A reply's characters map to file offsets through ``segments``: ``(reply_index, file_offset)``
pairs, each starting a run of characters copied verbatim from the file (a CSV ``""`` or a
stripped markdown list marker starts a new run). A cell of a spreadsheet has no text offsets;
its replies carry ``cell`` (row, column) instead.
"""
from __future__ import annotations

import codecs
from bisect import bisect_right
from dataclasses import dataclass, field


class ReadError(Exception):
    """The file cannot be read as a template file; the message says why and where."""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    segments: tuple[tuple[int, int], ...] = ()  # (index in text, offset in file text)
    cell: tuple[int, int] | None = None  # (row, column) of a spreadsheet cell
    label: str | tuple = ""  # column name, or key path as a tuple (see label_text)
    # inline markup left out of the text (Markdown **bold**, __bold__, ~~struck~~, `code`): per
    # pair, the file offsets (opening start, opening end, closing start, closing end)
    markup: tuple[tuple[int, int, int, int], ...] = ()

    def file_offset(self, index: int) -> int:
        """Offset in the file text of character ``index`` of the reply (``len(text)`` maps to
        just after the last character)."""
        if index >= len(self.text) and self.text:
            return self.file_offset(len(self.text) - 1) + 1
        i = bisect_right(self.segments, (index, 1 << 62)) - 1
        start, offset = self.segments[max(i, 0)]
        return offset + index - start

    def is_verbatim(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` is one contiguous run of the file."""
        if self.cell is not None or end <= start:
            return False
        i = bisect_right(self.segments, (start, 1 << 62)) - 1
        nxt = self.segments[i + 1][0] if i + 1 < len(self.segments) else len(self.text)
        return end <= nxt


def label_text(label: str | tuple) -> str:
    """``faq[3].answer`` for the key path ("faq", 3, "answer")."""
    if isinstance(label, str):
        return label
    out = ""
    for part in label:
        if part is None:  # the value of a complex (non-text) key
            part = "?"
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def verbatim(text: str, offset: int, **kw) -> Reply:
    return Reply(text, ((0, offset),), **kw)


def pieces(parts: list[tuple[str, int]], **kw) -> Reply:
    """A reply made of ``(text, file_offset)`` pieces, each verbatim."""
    segments: list[tuple[int, int]] = []
    out: list[str] = []
    pos = 0
    for text, offset in parts:
        if not text:
            continue
        if not segments or segments[-1][1] + (pos - segments[-1][0]) != offset:
            segments.append((pos, offset))
        out.append(text)
        pos += len(text)
    return Reply("".join(out), tuple(segments), **kw)


@dataclass(frozen=True, slots=True)
class Directive:
    """``kefulint: disable=...`` / ``disable-next-line=...`` found in a comment."""

    line: int  # where the comment is
    column: int
    kind: str  # "disable" | "disable-next-line"
    rules: tuple[str, ...]
    first: int  # lines it covers
    last: int
    text: str  # the comment as written, for reports
    replies: tuple[int, ...] | None = None  # a table row's suppress column: exactly these replies


@dataclass
class SourceFile:
    path: str
    text: str = ""  # decoded text (empty for spreadsheets)
    encoding: str = "utf-8"
    replies: list[Reply] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    fixable: bool = True  # False for spreadsheets: fixes stay suggestions
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset, counting characters."""
        starts = self.line_starts
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def reply_position(self, reply: Reply, index: int) -> tuple[int, int]:
        if reply.cell is not None:
            return reply.cell
        return self.position(reply.file_offset(index))

    def verbatim_offset(self, reply: Reply, start: int, end: int) -> int | None:
        """File offset of ``reply.text[start:end]`` when it stands in the file exactly as is
        (one run, same characters), else None: only such spans can be rewritten."""
        if not reply.is_verbatim(start, end):
            return None
        offset = reply.file_offset(start)
        return offset if self.text[offset : offset + end - start] == reply.text[start:end] else None

    def file_span(self, reply: Reply, start: int, end: int, removal: bool = False) -> tuple[int, int] | None:
        """The file span that rewriting ``reply.text[start:end]`` replaces, or None when it cannot
        be rewritten. A verbatim span is itself. Across inline markup (``**...**``), a span is the
        file's characters from ``start`` to ``end`` with the markers in it: a marker whose partner
        is outside is taken in with it when the partner touches the span (the span then replaces
        both: ``**微信 abc** 有事`` whole), else the span would unpair it and is refused. A
        ``removal`` of all that a pair encloses takes the pair in too (no empty ``****`` left)."""
        offset = self.verbatim_offset(reply, start, end)
        span: tuple[int, int] | None = None
        if offset is not None:
            span = (offset, offset + end - start)
        elif reply.markup and reply.cell is None and end > start:
            span = self._across_markup(reply, start, end)
        if span is None:
            return None
        if removal:
            for a, b, c, d in reply.markup:
                if b == span[0] and c == span[1]:
                    span = (a, d)
        return span

    def _across_markup(self, reply: Reply, start: int, end: int) -> tuple[int, int] | None:
        first, last = reply.file_offset(start), reply.file_offset(end - 1) + 1
        markers = [(a, b) for pair in reply.markup for a, b in (pair[:2], pair[2:])]
        inside = [(a, b) for a, b in markers if first <= a and b <= last]
        kept = []
        pos = first
        for a, b in sorted(inside):
            kept.append(self.text[pos:a])
            pos = b
        kept.append(self.text[pos:last])
        if "".join(kept) != reply.text[start:end]:
            return None  # something else than markup in between (an escape, a line's marker)
        for a, b, c, d in reply.markup:
            opened, closed = first <= a and b <= last, first <= c and d <= last
            if opened == closed:
                continue
            if opened and c == last:
                last = d
            elif closed and b == first:
                first = a
            else:
                return None
        return first, last

    def reply_lines(self, reply: Reply) -> tuple[int, int]:
        if reply.cell is not None:
            return reply.cell[0], reply.cell[0]
        first = self.reply_position(reply, 0)[0]
        last = self.reply_position(reply, max(len(reply.text) - 1, 0))[0]
        return first, last


# --- decoding ---------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset
    of GBK and GB2312, what Chinese Windows tools export). Raises :class:`ReadError`."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"not valid {name} at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise ReadError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise ReadError(f"neither UTF-8 nor GBK/GB18030 (bad byte at {utf8_error.start})") from None


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)
