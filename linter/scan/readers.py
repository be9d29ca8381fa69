"""Reading exported chat logs into :class:`Message` records, one line at a time.

Formats: JSONL, CSV/TSV with a header, the JDDC TSV export, and plain-text exports matched by
a line pattern (continuation lines belong to the previous message). Files, directories, globs,
``.gz`` and ``-`` (a binary stream the caller passes). The encoding of each file is detected
(UTF-8 with or without BOM, UTF-16 with BOM, else GB18030) and reported. A line that cannot be
read becomes a :class:`Skip` with its file and line number; nothing is raised for bad data. What
makes a whole file unreadable (a header without the columns we need, a layout no line of which
matches the line pattern) is also said once per file in ``notes``, with the fix to try.
"""
from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from ..text.roles import UnknownRole
from .fields import (  # noqa: F401 - re-exported: the names a reader of chat logs needs
    BYTES_LOADS,
    FIELDS,
    FORMATS,
    JddcLines,
    JsonLines,
    Message,
    Skip,
    _column,
    format_time,
    from_fields,
    parse_line,
    parse_mapping,
    parse_time,
    quoted,
    role_of,
)

# 2024-11-11 10:00:01 店铺名:小美 消息内容 — a speaker with a colon is a shop sub-account (an agent).
DEFAULT_LINE_PATTERN = (
    r"^(?P<time>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?)\s+"
    r"(?P<speaker>\S+)(?:\s+(?P<text>.*))?$"
)
DEFAULT_AGENT_SPEAKER = r"[:：]"
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk")
_SNIFF = 65536

@dataclass(frozen=True)
class LogFormat:
    """How to read a log: the format, the field mapping and, for plain text, the line pattern."""

    format: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)  # our field -> column name
    line_pattern: str = DEFAULT_LINE_PATTERN
    agent_speaker: str = DEFAULT_AGENT_SPEAKER
    encoding: str = "auto"

def expand_inputs(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Files, directories (walked, sorted) and globs -> (files, errors)."""
    files: list[str] = []
    errors: list[str] = []
    for item in inputs:
        if item == "-":
            files.append("-")
        elif os.path.isdir(item):
            found = sorted(
                os.path.join(root, name)
                for root, dirs, names in os.walk(item)
                for name in names
                if not name.startswith(".")
            )
            if not found:
                errors.append(f"{item}: directory has no files")
            files.extend(found)
        elif os.path.exists(item):
            files.append(item)
        elif glob.has_magic(item):
            found = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                errors.append(f"{item}: no file matches")
            files.extend(found)
        else:
            errors.append(f"{item}: no such file or directory")
    return files, errors


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Notepad's and Excel's "Unicode text"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"  # neither fits: read as UTF-8 and report each bad line


def _base_name(path: str) -> str:
    name = path.removesuffix(".gz")
    return name.lower()


def sniff_format(path: str, first_line: str) -> str:
    name = _base_name(path)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    cols = first_line.rstrip("\r\n").split("\t")
    if len(cols) >= 7 and re.fullmatch(r"[0-9a-f]{16,64}", cols[0]) and cols[2] in ("0", "1"):
        return "jddc"
    if name.endswith(".tsv"):
        return "tsv"
    if first_line.lstrip().startswith("{"):
        return "jsonl"
    return "text"

LINE_FORMATS = ("jsonl", "jddc")  # formats whose lines are read each on its own


class RawLines(NamedTuple):
    """Lines of a line-oriented file as read (each with its line break), the first numbered
    ``first``; ``how`` is how to parse them: :func:`line_parser`'s arguments after the path."""

    path: str
    first: int
    data: bytes
    how: tuple


def line_parser(path: str, fmt: str, encoding: str, fast: bool,
                mapping: tuple[tuple[str, str], ...]) -> Callable[[int, bytes], Message | Skip | None]:
    """Parses one raw line of a JSONL or JDDC file -> Message, Skip, or None for a blank line.
    ``fast``: UTF-8 JSONL parsed from its bytes where it can be (:class:`JsonLines`); a line it
    cannot take is decoded and parsed as any other, so the records and skips are the same."""
    decode = codecs.getdecoder(encoding)
    columns = dict(mapping)
    parse_text = JddcLines(path, columns).parse if fmt == "jddc" else partial(parse_line, fmt, path, mapping=columns)

    def parse(number: int, data: bytes) -> Message | Skip | None:
        line = decode_line(decode, encoding, path, number, data)
        return line if isinstance(line, Skip) else parse_text(number, line)

    return JsonLines(path, mapping, parse).parse if fast else parse


def parse_chunk(chunk: RawLines | list[Message | Skip]) -> list[Message | Skip]:
    """The items of a chunk of :meth:`LogReader.chunks`, as the reader gives them."""
    if not isinstance(chunk, RawLines):
        return chunk
    lines = io.BytesIO(chunk.data)
    fmt, encoding, fast, mapping = chunk.how
    if fast:  # the common line read inside one loop over the chunk
        return JsonLines(chunk.path, mapping, line_parser(chunk.path, fmt, encoding, False, mapping)).parse_lines(
            chunk.first, lines)
    if fmt == "jddc" and encoding in _WHOLE_CHUNK_ENCODINGS:
        jddc = _jddc_chunk(chunk, encoding, mapping)
        if jddc is not None:
            return jddc
    parse = line_parser(chunk.path, *chunk.how)
    items = []
    for number, data in enumerate(lines, chunk.first):
        item = parse(number, data)
        if item is not None:
            items.append(item)
    return items


# encodings in which no character's bytes hold a line break (b"\n"), and whose decoder keeps no
# state from one line to the next: a chunk decoded whole is its lines decoded one by one, joined
_WHOLE_CHUNK_ENCODINGS = ("utf-8", "gb18030", "gbk")


def _jddc_chunk(chunk: RawLines, encoding: str, mapping: tuple[tuple[str, str], ...]) -> list[Message | Skip] | None:
    """A JDDC chunk's items as the line-at-a-time path gives them, from the chunk decoded in one
    call and split at its line breaks; None when a line does not decode (that path reports it)."""
    try:
        text = chunk.data.decode(encoding)
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":  # the chunk's last line break ends a line; no line follows it
        lines.pop()
    if chunk.first == 1 and lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return JddcLines(chunk.path, dict(mapping)).parse_lines(chunk.first, lines)


def decode_line(decode, encoding: str, path: str, number: int, data: bytes) -> str | Skip:
    """One raw line -> text without its line break (BOM dropped on line 1), or a Skip."""
    try:
        text = decode(data)[0]
    except UnicodeDecodeError as exc:
        return Skip(path, number, f"not valid {encoding} (byte {exc.start + 1})")
    if number == 1:
        text = text.lstrip("\ufeff")
    return text.rstrip("\r\n")


class _Utf16Lines:
    """A UTF-16 stream read as UTF-8 lines (ending at ``\n`` only, as every other reader's), so
    that the formats split and decode it as usual."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        pending = ""
        while True:
            chunk = self._stream.read(_SNIFF)
            pending += decoder.decode(chunk, final=not chunk)
            *lines, pending = pending.split("\n")
            for line in lines:
                yield (line + "\n").encode("utf-8")
            if not chunk:
                break
        if pending:
            yield pending.encode("utf-8")

    def close(self) -> None:
        self._stream.close()


class LogReader:
    """Iterates :class:`Message` and :class:`Skip` items over every input, in order.

    After (or during) iteration, ``files`` lists ``(source, format, encoding)`` per file and
    ``lines`` the number of physical lines read."""

    def __init__(self, inputs: list[str], fmt: LogFormat | None = None, stdin: BinaryIO | None = None) -> None:
        self.fmt = fmt or LogFormat()
        self.paths, self.errors = expand_inputs(list(inputs))
        self.stdin = stdin
        self.files: list[tuple[str, str, str]] = []
        self.notes: list[str] = []  # whole files that gave nothing, each with what to try
        self.lines = 0
        self.bytes_read = 0  # of the raw (possibly compressed) files; for progress bars
        self._done = 0  # bytes of the files already finished
        self._line_pattern = re.compile(self.fmt.line_pattern)
        self._agent_speaker = re.compile(self.fmt.agent_speaker)

    def total_bytes(self) -> int | None:
        if "-" in self.paths:
            return None
        return sum(os.path.getsize(p) for p in self.paths)

    def __iter__(self) -> Iterator[Message | Skip]:
        for path in self.paths:
            yield from self._read_file(path)

    def chunks(self, lines: int) -> Iterator[RawLines | list[Message | Skip]]:
        """What :meth:`__iter__` gives, in chunks for workers to parse: a line-oriented file's lines
        (JSONL, JDDC) about ``lines`` at a time as read (:class:`RawLines`); the items of other files,
        and skips of whole files, parsed here, in lists of up to ``lines``. A chunk holds lines of one
        file; :func:`parse_chunk` of each, in order, is :meth:`__iter__`."""
        for path in self.paths:
            items: list[Message | Skip] = []  # a chunk holds the lines of one file
            for item in self._read_file(path, lines):
                if isinstance(item, RawLines):
                    if items:
                        yield items
                        items = []
                    yield item
                else:
                    items.append(item)
                    if len(items) >= lines:
                        yield items
                        items = []
            if items:
                yield items

    # one file -------------------------------------------------------------------------------
    def _open(self, path: str) -> tuple[BinaryIO, BinaryIO | None]:
        if path == "-":
            raw = self.stdin if self.stdin is not None else io.BytesIO()
            # a pipe's raw stream: typeshed types stdin.buffer as BinaryIO, not as the RawIOBase it is
            stream = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[type-var]
            return stream, None
        raw = open(path, "rb")  # noqa: SIM115 - closed by _read_file, wrapped by gzip for .gz
        if path.endswith(".gz"):
            return gzip.open(raw), raw  # type: ignore[return-value]
        return raw, raw

    def _read_file(self, path: str, chunk_lines: int = 0) -> Iterator[Any]:
        """The file's items (Message, Skip); with ``chunk_lines``, a line-oriented file's lines as
        :class:`RawLines`."""
        try:
            stream, raw = self._open(path)
        except OSError as exc:
            yield Skip(path, 0, f"cannot open: {exc.strerror or exc}")
            return
        try:
            try:
                sample = stream.peek(_SNIFF)[:_SNIFF]  # type: ignore[attr-defined]
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                yield Skip(path, 0, f"cannot read: {exc}")
                return
            encoding = self.fmt.encoding if self.fmt.encoding != "auto" else detect_encoding(sample)
            source: BinaryIO | _Utf16Lines = stream
            if encoding == "utf-16":
                first = sample.decode("utf-16", "replace").split("\n", 1)[0]
                source, line_encoding = _Utf16Lines(stream), "utf-8"
            else:
                first = sample.split(b"\n", 1)[0].decode(encoding, "replace")
                line_encoding = encoding
            first = first.lstrip("\ufeff")
            fmt = self.fmt.format if self.fmt.format != "auto" else sniff_format(path, first)
            self.files.append((path, fmt, encoding))
            if fmt in LINE_FORMATS:
                how = (fmt, line_encoding, fmt == "jsonl" and encoding in ("utf-8", "utf-8-sig")
                       and BYTES_LOADS is not None, tuple(sorted(self.fmt.mapping.items())))
                if chunk_lines and source is raw:
                    yield from self._plain_chunks(path, raw, how, chunk_lines)
                    return
                numbered = self._raw_lines(source, raw, path)
                yield from (self._raw_chunks(path, numbered, how, chunk_lines) if chunk_lines
                            else self._lines(path, numbered, how))
                return
            lines = self._decoded_lines(source, raw, path, line_encoding)
            if fmt in ("csv", "tsv"):
                yield from self._table(path, lines, "," if fmt == "csv" else "\t")
            else:
                yield from self._text(path, lines)
        finally:
            if raw is not None:
                stream.close()
                raw.close()

    def _raw_lines(self, stream, raw, path: str, number: int = 0) -> Iterator[tuple[int, bytes | Skip]]:
        """(line number, raw bytes) of every line after line ``number``, counted; a read error ends
        the file as a Skip."""
        compressed = raw is not None and stream is not raw
        counted = 0  # lines already added to self.lines (kept in step every 1024 lines and at the end)
        try:
            for data in stream:
                number += 1
                if not compressed:
                    self.bytes_read += len(data)
                if number & 1023 == 0:
                    self.lines += number - counted
                    counted = number
                    if compressed:  # tell() is a system call: not on every line
                        self.bytes_read = self._done + raw.tell()
                yield number, data
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self.lines += number - counted
            counted = number
            yield number + 1, Skip(path, number + 1, f"read error: {exc}")
        finally:
            self.lines += number - counted
        if raw is not None:
            self._done += os.fstat(raw.fileno()).st_size
            self.bytes_read = self._done

    def _decoded_lines(self, stream, raw, path: str, encoding: str) -> Iterator[tuple[int, str | Skip]]:
        """(line number, text without newline) or (line number, Skip) for undecodable lines."""
        decode = codecs.getdecoder(encoding)
        for number, data in self._raw_lines(stream, raw, path):
            yield number, data if isinstance(data, Skip) else decode_line(decode, encoding, path, number, data)

    # formats --------------------------------------------------------------------------------
    @staticmethod
    def _lines(path: str, numbered, how: tuple) -> Iterator[Message | Skip]:
        """A line-oriented file (JSONL, JDDC) parsed a line at a time (:func:`line_parser`)."""
        parse = line_parser(path, *how)
        for number, data in numbered:
            item = data if isinstance(data, Skip) else parse(number, data)
            if item is not None:
                yield item

    def _plain_chunks(self, path: str, raw, how: tuple, lines: int) -> Iterator[RawLines | Skip]:
        """An uncompressed file's lines ``lines`` at a time, read without a step per line. After a
        read error the file is read again from its start a line at a time (:meth:`_raw_lines`), the
        lines already sent passed over: the lines before the error and its skip are then those of
        the file read a line at a time (the same reads from the same places)."""
        number = 0
        while True:
            try:
                block = list(itertools.islice(raw, lines))
            except OSError:
                raw.seek(0)
                for _ in itertools.islice(raw, number):
                    pass
                yield from self._raw_chunks(path, self._raw_lines(raw, raw, path, number), how, lines)
                return
            if not block:
                break
            data = b"".join(block)
            self.lines += len(block)
            self.bytes_read += len(data)
            yield RawLines(path, number + 1, data, how)
            number += len(block)
        self._done += os.fstat(raw.fileno()).st_size
        self.bytes_read = self._done

    @staticmethod
    def _raw_chunks(path: str, numbered, how: tuple, lines: int) -> Iterator[RawLines | Skip]:
        """A line-oriented file's lines as read, ``lines`` at a time, for :func:`parse_chunk`; a read
        error in its place."""
        buffer: list[bytes] = []
        first = 1
        for number, data in numbered:
            if isinstance(data, Skip):
                if buffer:
                    yield RawLines(path, first, b"".join(buffer), how)
                    buffer = []
                yield data
                continue
            if not buffer:
                first = number
            buffer.append(data)
            if len(buffer) >= lines:
                yield RawLines(path, first, b"".join(buffer), how)
                buffer = []
        if buffer:
            yield RawLines(path, first, b"".join(buffer), how)

    def _table(self, path: str, lines, delimiter: str) -> Iterator[Message | Skip]:
        pending: list[Skip] = []
        last = [0]  # physical line number of the last line the csv reader consumed

        def text_lines():
            for number, line in lines:
                last[0] = number
                if isinstance(line, Skip):
                    pending.append(line)
                    yield "\n"
                else:
                    yield line + "\n"  # the csv module keeps line breaks inside quoted fields

        reader = csv.reader(text_lines(), delimiter=delimiter)
        header: list[str] | None = None
        cols: dict[str, str | None] = {}
        while True:
            start = last[0] + 1  # a quoted field may span lines: a row is reported where it starts
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # the reader resets and goes on with the next line
                yield from pending
                pending.clear()
                yield Skip(path, start, f"CSV error: {exc}")
                continue
            yield from pending
            pending.clear()
            if header is None and sum(1 for cell in row if cell.strip()) == 1:
                continue  # a title row above the header (Qianniu: 聊天记录导出 …): a chat log has 2+ columns
            if header is None and row and any(cell.strip() for cell in row):
                header = [h.strip() for h in row]
                cols = {name: _column(name, header, self.fmt.mapping) for name in FIELDS}
                missing = [f"{name} ('{cols[name] or name}')" for name in ("text", "role") if cols[name] not in header]
                if missing:
                    for _ in text_lines():  # read (and count) the rest: the whole file is skipped
                        pass
                    seen = ", ".join(quoted(h, 20) for h in header[:12])
                    self.notes.append(
                        f"{path}: the header has no column for {', '.join(missing)} (columns: {seen}); "
                        f"name them with --map text=COLUMN,role=COLUMN (and conversation=, agent=, time=)")
                    yield Skip(path, start, f"header has no column for {', '.join(missing)}; file skipped")
                    return
            elif header is not None and row and any(cell.strip() for cell in row):
                if len(row) != len(header):
                    yield Skip(path, start, f"{len(row)} columns, header has {len(header)}")
                else:
                    yield from_fields(path, start, dict(zip(header, row, strict=True)), cols)
        yield from pending

    def _text(self, path: str, lines) -> Iterator[Message | Skip]:
        pattern = self._line_pattern
        groups = pattern.groupindex
        pending: dict | None = None
        buyer = ""

        def emit(p: dict) -> Message:
            return Message(path, p["line"], p["conversation"], p["role"], p["agent"], p["time"],
                           "\n".join(p["text"]).strip())

        matched = 0
        first_line = None
        for number, line in lines:
            if isinstance(line, Skip):
                yield line
                continue
            m = pattern.match(line)
            if not m:
                if not line.strip():
                    continue
                if first_line is None:
                    first_line = line
                if pending is None:
                    yield Skip(path, number, "does not match the line pattern and follows no message")
                else:
                    pending["text"].append(line)
                continue
            matched += 1
            if pending is not None:
                yield emit(pending)
                pending = None
            found = m.groupdict()
            try:
                when = parse_time(found.get("time"))
            except ValueError as exc:
                yield Skip(path, number, str(exc))
                continue
            speaker = (found.get("speaker") or found.get("agent") or found.get("buyer") or "").strip()
            if "role" in groups and found.get("role"):
                role = role_of(found["role"])
                if role is None:
                    yield Skip(path, number, str(UnknownRole(found["role"])))
                    continue
            elif "agent" in groups or "buyer" in groups:
                role = "agent" if found.get("agent") else "buyer"
            else:
                role = "agent" if self._agent_speaker.search(speaker) else "buyer"
            agent = ""
            if role == "agent":
                agent = found.get("agent") or re.split(DEFAULT_AGENT_SPEAKER, speaker)[-1] or speaker
            elif speaker:
                buyer = speaker
            conv = found.get("conversation") or (f"{Path(path).name}#{buyer}" if buyer else Path(path).name)
            pending = {"line": number, "conversation": conv, "role": role, "agent": agent, "time": when,
                       "text": [found.get("text") or ""]}
        if pending is not None:
            yield emit(pending)
        if not matched and first_line is not None:
            self.notes.append(
                f"{path}: no line matches the line pattern (first line: {quoted(first_line, 60)}); describe the "
                "layout with --line-pattern REGEX (named groups time, speaker or agent/buyer/role, and text), "
                "or give --input-format")
