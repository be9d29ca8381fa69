"""Tables: CSV/TSV (parsed here, so that every cell keeps its place in the file) and XLSX
(openpyxl; a cell's place is its row and column).

The reply column is the one named in ``[lint] columns``, else the first header that looks like
reply text (a quick-reply export has 分组 / 快捷编码 / 短语内容); the header row is the first of
the first five rows that names one, so title rows above it are skipped. A file of one column is
read whole, header included. The ``suppress-column``, when configured, lists the rules to skip for
its row (``contact.wechat,adlaw`` or ``disable=contact.wechat``).
"""
from __future__ import annotations

import re

from .directives import END_OF_FILE, parse
from .source import Directive, ReadError, Reply, SourceFile

REPLY_HEADERS = ("短语内容", "快捷短语", "回复内容", "话术内容", "内容", "回复", "话术", "答案", "短语",
                 "reply", "replies", "text", "content", "answer", "message", "response")


def _match_end(pattern: re.Pattern, text: str, pos: int) -> int:
    """Where ``pattern`` (one that also matches the empty string) stops matching at ``pos``."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


def _cells(text: str, delimiter: str):
    """Yield rows; each row a list of (value, segments, offset) cells. RFC 4180 quoting."""
    n = len(text)
    pos = 0
    field = re.compile(f"[^{re.escape(delimiter)}\r\n]*")  # the rest of an unquoted field
    while pos < n:
        row: list[tuple[str, tuple[tuple[int, int], ...], int]] = []
        while True:
            start = pos
            if pos < n and text[pos] == '"':
                pos += 1
                parts: list[str] = []
                segments: list[tuple[int, int]] = []
                length = 0
                run = pos
                while True:
                    q = text.find('"', pos)
                    if q < 0:
                        line = text.count("\n", 0, start) + 1
                        raise ReadError(f"line {line}: quoted field never closed")
                    if q + 1 < n and text[q + 1] == '"':
                        chunk = text[run : q + 1]
                        pos = q + 2
                    else:
                        chunk = text[run:q]
                        pos = q + 1
                    if chunk:
                        segments.append((length, run))
                        parts.append(chunk)
                        length += len(chunk)
                    run = pos
                    if pos == q + 1:
                        break
                value = "".join(parts)
                # anything between the closing quote and the delimiter is kept, as csv does
                end = _match_end(field, text, pos)
                if end > pos:
                    segments.append((len(value), pos))
                    value += text[pos:end]
                pos = end
                row.append((value, tuple(segments), start + 1))
            else:
                end = _match_end(field, text, pos)
                row.append((text[pos:end], ((0, pos),), pos))
                pos = end
            if pos < n and text[pos] == delimiter:
                pos += 1
                continue
            if pos < n and text[pos] == "\r":
                pos += 1
            if pos < n and text[pos] == "\n":
                pos += 1
            break
        yield row


def pick_columns(header: list[str], configured: tuple[str, ...], where: str) -> list[int]:
    names = [h.strip().lstrip("\ufeff") for h in header]
    if configured:
        picked = [i for i, h in enumerate(names) if h in configured]
        if not picked:
            raise ReadError(f"{where}none of the reply columns {', '.join(configured)} in the header "
                            f"({', '.join(names)})")
        return picked
    lowered = [h.lower() for h in names]
    for candidate in REPLY_HEADERS:
        if candidate in lowered:
            return [lowered.index(candidate)]
    if len(names) == 1:
        return []  # one column and no header: every row is a reply
    raise ReadError(f"{where}no reply column found; set [lint] columns (header: {', '.join(names)})")


HEADER_ROWS = 5  # an export may start with a title row or two above its header


def find_header(rows: list[list[str]], configured: tuple[str, ...], where: str) -> tuple[int, list[int]]:
    """(index of the header row, reply column indexes); ``[]`` columns: a one-column file whose
    every row is a reply. The header is the first of the first rows that names a reply column."""
    first_error: ReadError | None = None
    width = [sum(1 for v in row if str(v).strip()) for row in rows[:HEADER_ROWS]]
    for index, header in enumerate(rows[:HEADER_ROWS]):
        if width[index] == 1 and max(width) > 1:
            continue  # a title row above a wider header (Qianniu: 快捷短语导出 …), not a one-column file
        try:
            return index, pick_columns(header, configured, where)
        except ReadError as exc:
            first_error = first_error or exc
    raise first_error  # type: ignore[misc]


def _suppress_index(header: list[str], name: str | None) -> int | None:
    if not name:
        return None
    names = [h.strip().lstrip("\ufeff") for h in header]
    return names.index(name) if name in names else None


def _row_rules(value: str) -> tuple[str, ...]:
    parsed = parse(f"kefulint: disable={value}" if "=" not in value else f"kefulint: {value}")
    return parsed[1] if parsed else ()


def read_csv(source: SourceFile, delimiter: str, columns: tuple[str, ...], suppress_column: str | None) -> None:
    rows = list(_cells(source.text, delimiter))
    rows = [r for r in rows if any(v.strip() for v, _, _ in r)]
    if not rows:
        return
    at, picked = find_header([[v for v, _, _ in row] for row in rows[:HEADER_ROWS]], columns, "")
    header = [v for v, _, _ in rows[at]]
    suppress = _suppress_index(header, suppress_column)
    body = rows if not picked else rows[at + 1 :]
    for row in body:
        first = len(source.replies)
        for index in picked or [0]:
            if index >= len(row):
                continue
            value, segments, _ = row[index]
            lead = len(value) - len(value.lstrip())
            text = value.strip()
            if text:
                shifted = _drop(segments, lead, len(text))
                source.replies.append(Reply(text, shifted, label=header[index].strip() if picked else ""))
        if suppress is not None and suppress < len(row) and row[suppress][0].strip():
            rules = _row_rules(row[suppress][0].strip())
            line, column = source.position(row[suppress][2])
            ids = tuple(range(first, len(source.replies)))
            if rules and ids:
                source.directives.append(Directive(line, column, "disable", rules, line, END_OF_FILE,
                                                   row[suppress][0].strip(), replies=ids))


def _drop(segments, lead: int, length: int) -> tuple[tuple[int, int], ...]:
    """Segments of ``value[lead:lead+length]``."""
    out = []
    for i, (start, offset) in enumerate(segments):
        nxt = segments[i + 1][0] if i + 1 < len(segments) else 1 << 62
        if nxt <= lead:
            continue
        if start < lead:
            offset += lead - start
            start = lead
        if start - lead >= length:
            break
        out.append((start - lead, offset))
    return tuple(out) or ((0, segments[0][1] + lead),)


def read_xlsx(source: SourceFile, data: bytes, columns: tuple[str, ...], suppress_column: str | None) -> None:
    import io
    import zipfile
    import zlib

    from openpyxl import load_workbook

    source.fixable = False
    # a damaged workbook fails late (a member is inflated and parsed when its rows are read)
    broken = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError, SyntaxError, IndexError,
              TypeError, NotImplementedError)  # NotImplementedError: a zip version or method zipfile lacks
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken as exc:
        raise ReadError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        for sheet in book.worksheets:
            rows = [(n, row) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                    if any(v is not None and str(v).strip() for v in row)]
            if not rows:
                continue
            heads = [["" if v is None else str(v) for v in row] for _, row in rows[:HEADER_ROWS]]
            at, picked = find_header(heads, columns, f"sheet {sheet.title}: ")
            header = heads[at]
            suppress = _suppress_index(header, suppress_column)
            for number, row in rows if not picked else rows[at + 1 :]:
                first = len(source.replies)
                for index in picked or [0]:
                    value = row[index] if index < len(row) else None
                    if isinstance(value, str) and value.strip():
                        label = f"{sheet.title}!{header[index].strip()}" if picked else sheet.title
                        source.replies.append(Reply(value.strip(), cell=(number, index + 1), label=label))
                cell = row[suppress] if suppress is not None and suppress < len(row) else None
                ids = tuple(range(first, len(source.replies)))
                if suppress is not None and isinstance(cell, str) and cell.strip() and ids:
                    rules = _row_rules(cell.strip())
                    if rules:
                        source.directives.append(Directive(number, suppress + 1, "disable", rules, number,
                                                           number, cell.strip(), replies=ids))
    except broken as exc:
        raise ReadError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
