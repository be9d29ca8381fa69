"""Reading exported chat logs into :class:`Message` records, one line at a time.

Formats: JSONL, CSV/TSV with a header, the JDDC TSV export, and plain-text exports matched by
a line pattern (continuation lines belong to the previous message). Files, directories, globs,
``.gz`` and ``-`` (a binary stream the caller passes). The encoding of each file is detected
(UTF-8 with or without BOM, else GB18030) and reported. A line that cannot be read becomes a
:class:`Skip` with its file and line number; nothing is raised for bad data.
"""
from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, NamedTuple

FORMATS = ("auto", "jsonl", "csv", "tsv", "jddc", "text")
FIELDS = ("text", "role", "conversation", "agent", "time")
# Which column names are tried, in order, when --map does not name one.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "message", "msg", "内容", "消息"),
    "role": ("role", "sender", "waiter_send", "from", "speaker", "角色"),
    "conversation": ("conversation", "conversation_id", "session_id", "session", "chat_id", "dialog_id", "会话"),
    "agent": ("agent", "agent_id", "agent_name", "waiter", "staff", "客服"),
    "time": ("time", "timestamp", "ts", "created_at", "send_time", "时间"),
}
JDDC_COLUMNS = ("session_id", "user_id", "waiter_send", "is_transfer", "is_repeat", "sku", "content")
JDDC_MAP = {"text": "content", "role": "waiter_send", "conversation": "session_id"}
AGENT_ROLES = frozenset({"agent", "waiter", "seller", "staff", "service", "kefu", "客服", "商家", "卖家",
                         "1", "true", "assistant", "server", "shop"})
BUYER_ROLES = frozenset({"buyer", "user", "customer", "client", "买家", "客户", "顾客", "0", "false"})
# 2024-11-11 10:00:01 店铺名:小美 消息内容 — a speaker with a colon is a shop sub-account (an agent).
DEFAULT_LINE_PATTERN = (
    r"^(?P<time>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?)\s+"
    r"(?P<speaker>\S+)(?:\s+(?P<text>.*))?$"
)
DEFAULT_AGENT_SPEAKER = r"[:：]"
CHINA = timezone(timedelta(hours=8))
_SNIFF = 65536


class Message(NamedTuple):
    source: str  # file name as given (or "-")
    line: int  # 1-based line of the message's first line
    conversation: str
    role: str  # "agent" or "buyer"
    agent: str
    time: float | None  # seconds; wall clock in China time (differences and dates are what count)
    text: str


class Skip(NamedTuple):
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class LogFormat:
    """How to read a log: the format, the field mapping and, for plain text, the line pattern."""

    format: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)  # our field -> column name
    line_pattern: str = DEFAULT_LINE_PATTERN
    agent_speaker: str = DEFAULT_AGENT_SPEAKER
    encoding: str = "auto"


def parse_mapping(spec: str) -> dict[str, str]:
    """``text=content,role=waiter_send`` -> dict; raises ValueError naming the bad part."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise ValueError(f"--map: '{part}' is not field=column")
        if key not in FIELDS:
            raise ValueError(f"--map: unknown field '{key}' (fields: {', '.join(FIELDS)})")
        out[key] = value
    return out


def parse_time(value) -> float | None:
    """Epoch seconds/milliseconds or an ISO-like date-time -> seconds on the China wall clock.
    Empty -> None; anything else unreadable -> ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # JSON true/false: bad data in the log, reported like any other
        raise ValueError(f"bad time {value!r}")  # noqa: TRY004
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value)):
        seconds = float(value)
        if seconds > 1e11:
            seconds /= 1000.0
        dt = datetime.fromtimestamp(seconds, CHINA)
    else:
        text = str(value).strip()
        if re.match(r"^\d{4}[/.]\d{1,2}[/.]\d{1,2}", text):
            text = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", text)
        text = re.sub(r"^(\d{4})-(\d)(?=-)", r"\1-0\2", text)
        text = re.sub(r"^(\d{4}-\d{2})-(\d)(?!\d)", r"\1-0\2", text)
        text = re.sub(r"([ T])(\d):", r"\g<1>0\2:", text)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"bad time {str(value)[:40]!r}") from None
        if dt.tzinfo is not None:
            dt = dt.astimezone(CHINA)
    return dt.replace(tzinfo=None).replace(tzinfo=UTC).timestamp()


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def role_of(value) -> str | None:
    key = str(value).strip().lower()
    if key in AGENT_ROLES:
        return "agent"
    if key in BUYER_ROLES:
        return "buyer"
    return None


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


def _column(name: str, columns, mapping: dict[str, str]) -> str | None:
    if name in mapping:
        return mapping[name]
    for candidate in DEFAULT_FIELDS[name]:
        if candidate in columns:
            return candidate
    return None


def from_fields(path: str, number: int, row: dict, cols: dict[str, str | None]) -> Message | Skip:
    """A message from one parsed row; ``cols`` maps our fields to the row's keys."""
    text = row.get(cols["text"]) if cols["text"] else None
    if text is None:
        return Skip(path, number, f"no text field '{cols['text'] or 'text'}'")
    if not isinstance(text, str):
        text = str(text)
    role_value = row.get(cols["role"]) if cols["role"] else None
    if role_value is None:
        return Skip(path, number, f"no role field '{cols['role'] or 'role'}'")
    role = role_of(role_value)
    if role is None:
        return Skip(path, number, f"unknown role {str(role_value)[:30]!r} (agent: 1/agent/客服, buyer: 0/buyer/买家)")
    try:
        when = parse_time(row.get(cols["time"])) if cols["time"] else None
    except ValueError as exc:
        return Skip(path, number, str(exc))
    conv = row.get(cols["conversation"]) if cols["conversation"] else None
    agent = row.get(cols["agent"]) if cols["agent"] else None
    return Message(path, number, str(conv) if conv not in (None, "") else path, role,
                   str(agent) if agent not in (None, "") else "", when, text)


def parse_line(fmt: str, path: str, number: int, line: str, mapping: dict[str, str] | None = None):
    """One line of a line-oriented format ("jsonl" or "jddc") -> Message, Skip, or None if blank.
    The reader and the Spark job (samples/spark_scan.py) both parse with this."""
    if not line.strip():
        return None
    mapping = mapping or {}
    if fmt == "jddc":
        parts = line.split("\t", 6)
        if len(parts) < 7:
            return Skip(path, number, f"{len(parts)} tab-separated columns, JDDC has 7")
        merged = {**JDDC_MAP, **mapping}
        return from_fields(path, number, dict(zip(JDDC_COLUMNS, parts)), {n: merged.get(n) for n in FIELDS})
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skip(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(row, dict):
        return Skip(path, number, "JSON line is not an object")
    return from_fields(path, number, row, {name: _column(name, row, mapping) for name in FIELDS})


class LogReader:
    """Iterates :class:`Message` and :class:`Skip` items over every input, in order.

    After (or during) iteration, ``files`` lists ``(source, format, encoding)`` per file and
    ``lines`` the number of physical lines read."""

    def __init__(self, inputs: list[str], fmt: LogFormat | None = None, stdin: BinaryIO | None = None) -> None:
        self.fmt = fmt or LogFormat()
        self.paths, self.errors = expand_inputs(list(inputs))
        self.stdin = stdin
        self.files: list[tuple[str, str, str]] = []
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

    # one file -------------------------------------------------------------------------------
    def _open(self, path: str) -> tuple[BinaryIO, BinaryIO | None]:
        if path == "-":
            raw = self.stdin if self.stdin is not None else io.BytesIO()
            stream = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
            return stream, None
        raw = open(path, "rb")  # noqa: SIM115 - closed by _read_file, wrapped by gzip for .gz
        if path.endswith(".gz"):
            return gzip.open(raw), raw  # type: ignore[return-value]
        return raw, raw

    def _read_file(self, path: str) -> Iterator[Message | Skip]:
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
            first = sample.split(b"\n", 1)[0].decode(encoding, "replace").lstrip("\ufeff")
            fmt = self.fmt.format if self.fmt.format != "auto" else sniff_format(path, first)
            self.files.append((path, fmt, encoding))
            lines = self._decoded_lines(stream, raw, path, encoding)
            if fmt == "jsonl":
                yield from self._jsonl(path, lines)
            elif fmt in ("csv", "tsv"):
                yield from self._table(path, lines, "," if fmt == "csv" else "\t")
            elif fmt == "jddc":
                yield from self._jddc(path, lines)
            else:
                yield from self._text(path, lines)
        finally:
            if raw is not None:
                stream.close()
                raw.close()

    def _decoded_lines(self, stream, raw, path: str, encoding: str) -> Iterator[tuple[int, str | Skip]]:
        """(line number, text without newline) or (line number, Skip) for undecodable lines."""
        decode = codecs.getdecoder(encoding)
        number = 0
        try:
            for data in stream:
                number += 1
                self.lines += 1
                if raw is not None:
                    self.bytes_read = self._done + raw.tell()
                try:
                    text = decode(data)[0]
                except UnicodeDecodeError as exc:
                    yield number, Skip(path, number, f"not valid {encoding} (byte {exc.start + 1})")
                    continue
                if number == 1:
                    text = text.lstrip("\ufeff")
                yield number, text.rstrip("\r\n")
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield number + 1, Skip(path, number + 1, f"read error: {exc}")
        if raw is not None:
            self._done += os.fstat(raw.fileno()).st_size
            self.bytes_read = self._done

    # formats --------------------------------------------------------------------------------
    def _jsonl(self, path: str, lines) -> Iterator[Message | Skip]:
        for number, line in lines:
            item = line if isinstance(line, Skip) else parse_line("jsonl", path, number, line, self.fmt.mapping)
            if item is not None:
                yield item

    def _table(self, path: str, lines, delimiter: str) -> Iterator[Message | Skip]:
        pending: list[Skip] = []
        numbers = [0]

        def text_lines():
            for number, line in lines:
                numbers[0] = number
                if isinstance(line, Skip):
                    pending.append(line)
                    yield ""
                else:
                    yield line

        reader = csv.reader(text_lines(), delimiter=delimiter)
        header: list[str] | None = None
        cols: dict[str, str | None] = {}
        try:
            for row in reader:
                yield from pending
                pending.clear()
                if not row or not any(cell.strip() for cell in row):
                    continue
                number = numbers[0]
                if header is None:
                    header = [h.strip() for h in row]
                    cols = {name: _column(name, header, self.fmt.mapping) for name in FIELDS}
                    missing = [f"{name} ('{cols[name] or name}')" for name in ("text", "role")
                               if cols[name] not in header]
                    if missing:
                        yield Skip(path, number, f"header has no column for {', '.join(missing)}")
                        return
                    continue
                if len(row) != len(header):
                    yield Skip(path, number, f"{len(row)} columns, header has {len(header)}")
                    continue
                yield from_fields(path, number, dict(zip(header, row)), cols)
        except csv.Error as exc:
            yield Skip(path, numbers[0], f"CSV error: {exc}")
        yield from pending

    def _jddc(self, path: str, lines) -> Iterator[Message | Skip]:
        for number, line in lines:
            item = line if isinstance(line, Skip) else parse_line("jddc", path, number, line, self.fmt.mapping)
            if item is not None:
                yield item

    def _text(self, path: str, lines) -> Iterator[Message | Skip]:
        pattern = self._line_pattern
        groups = pattern.groupindex
        pending: dict | None = None
        buyer = ""

        def emit(p: dict) -> Message:
            return Message(path, p["line"], p["conversation"], p["role"], p["agent"], p["time"],
                           "\n".join(p["text"]).strip())

        for number, line in lines:
            if isinstance(line, Skip):
                yield line
                continue
            m = pattern.match(line)
            if not m:
                if not line.strip():
                    continue
                if pending is None:
                    yield Skip(path, number, "does not match the line pattern and follows no message")
                else:
                    pending["text"].append(line)
                continue
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
                    yield Skip(path, number, f"unknown role {found['role']!r}")
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
