"""One message from one record of a chat log: the fields we read, roles, times, and the
line-oriented formats (JSONL, JDDC TSV) parsed one line at a time. ``kefulint scan`` and the
Spark job (samples/spark_scan.py) both parse with :func:`parse_line`."""
from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from ..text.mask import quoted
from ..text.roles import ROLES_HINT, role_of

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


def _bytes_loads():
    """orjson's loads where it is installed (optional: it parses a JSONL line from its bytes about
    twice as fast as decoding it and json.loads); None without it."""
    try:
        return importlib.import_module("orjson").loads
    except ImportError:
        return None


BYTES_LOADS = _bytes_loads()


class Message(NamedTuple):
    source: str  # file name as given (or "-")
    line: int  # 1-based line of the message's first line
    conversation: str
    role: str  # "agent" or "buyer"
    agent: str
    time: float | None  # seconds; wall clock in China time (differences and dates are what count)
    text: str


# tuple.__new__(Message, fields): a Message without the named tuple's Python-level __new__ (the
# readers make one per line)
_new_tuple = tuple.__new__


class Skip(NamedTuple):
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


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


_CHINA_OFFSET = 8 * 3600  # China has no daylight saving: the wall clock is UTC+8 all year
_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")


def parse_time(value) -> float | None:
    """Epoch seconds/milliseconds or an ISO-like date-time -> seconds on the China wall clock
    (a naive time is taken as that wall clock). Empty -> None; unreadable, or no date the
    reports can show (years 1 to 9999) -> ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # JSON true/false: bad data in the log, reported like any other
        raise ValueError(f"bad time {value!r}")  # noqa: TRY004
    if isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.fullmatch(value)):
        seconds = _from_epoch(float(value))
    else:
        text = str(value).strip()
        try:
            dt = datetime.fromisoformat(text)  # the common case, and the fast one
        except ValueError:
            dt = _loose_datetime(text, value)
        if dt.tzinfo is not None:
            seconds = dt.timestamp() + _CHINA_OFFSET
        else:
            seconds = dt.replace(tzinfo=UTC).timestamp()
    if not _YEAR_1 <= seconds < _YEAR_10000:  # NaN and infinities too
        raise ValueError(f"bad time {quoted(value, 40)}")
    return seconds


def _from_epoch(seconds: float) -> float:
    """Epoch seconds or milliseconds -> seconds on the China wall clock."""
    return (seconds / 1000.0 if seconds > 1e11 else seconds) + _CHINA_OFFSET


def _loose_datetime(text: str, value) -> datetime:
    """2024/1/5 9:03:00 and other forms fromisoformat does not take."""
    text = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", text)
    text = re.sub(r"^(\d{4})-(\d)(?=-)", r"\1-0\2", text)
    text = re.sub(r"^(\d{4}-\d{2})-(\d)(?!\d)", r"\1-0\2", text)
    text = re.sub(r"([ T])(\d):", r"\g<1>0\2:", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"bad time {quoted(value, 40)}") from None


_YEAR_1, _YEAR_10000 = -62135596800.0, 253402300800.0  # the seconds a datetime can show


def utc_second(seconds: float) -> int | None:
    """The whole second ``datetime.fromtimestamp(seconds, UTC)`` shows (it rounds to the
    microsecond, half to even, then drops the fraction); None outside the years it can show."""
    if not 0.0 <= seconds < _YEAR_10000:
        return None
    whole = int(seconds)
    frac = seconds - whole  # exact, as math.modf gives it (the two are within 1 of each other)
    # a fraction under 0.9999 never rounds up to a whole second: the rounding is done for the few above
    return whole + (frac > 0.9999 and round(frac * 1e6) >= 1_000_000)


@lru_cache(maxsize=4096)
def day_text(day: int) -> str:
    """Day number since 1970-01-01 -> YYYY-MM-DD: reports format a date once per day."""
    return datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")


_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))  # hours, minutes, seconds: looked up, not formatted (~3x less)


def format_time(seconds: float | None) -> str:
    """Seconds -> ``YYYY-MM-DD HH:MM:SS``, as ``datetime.fromtimestamp(seconds, UTC)`` shows them."""
    if seconds is None:
        return ""
    second = utc_second(seconds)
    if second is None:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
    day, rest = divmod(second, 86400)
    return f"{day_text(day)} {_TWO_DIGITS[rest // 3600]}:{_TWO_DIGITS[rest // 60 % 60]}:{_TWO_DIGITS[rest % 60]}"


def _column(name: str, columns, mapping: dict[str, str]) -> str | None:
    if name in mapping:
        return mapping[name]
    for candidate in DEFAULT_FIELDS[name]:
        if candidate in columns:
            return candidate
    return None


_intern = sys.intern


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
        return Skip(path, number, f"unknown role {quoted(role_value, 30)} ({ROLES_HINT})")
    try:
        when = parse_time(row.get(cols["time"])) if cols["time"] else None
    except ValueError as exc:
        return Skip(path, number, str(exc))
    conv = row.get(cols["conversation"]) if cols["conversation"] else None
    agent = row.get(cols["agent"]) if cols["agent"] else None
    # a conversation's id and agent repeat on every one of its lines: one string each (a scan holds
    # the messages of up to 5,000 open conversations; interned strings go when the last user does)
    return _new_tuple(Message, (path, number, _intern(str(conv)) if conv not in (None, "") else path, role,
                                _intern(str(agent)) if agent not in (None, "") else "", when, text))


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
        return from_fields(path, number, dict(zip(JDDC_COLUMNS, parts, strict=True)), {n: merged.get(n) for n in FIELDS})
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skip(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return Skip(path, number, "invalid JSON: nested too deeply")
    if not isinstance(row, dict):
        return Skip(path, number, "JSON line is not an object")
    return from_fields(path, number, row, _columns(tuple(row), tuple(sorted(mapping.items()))))


class JddcLines:
    """A JDDC file's lines (decoded, line break dropped), each read as :func:`parse_line` reads it,
    the columns resolved once and each role once: the common line (its text and role in columns,
    a known role, no time column mapped) made a message without a dict per line; any other goes
    to :func:`from_fields` as parse_line sends it, so every record and skip is the same."""

    def __init__(self, path: str, mapping: dict[str, str]) -> None:
        self.path = path
        merged = {**JDDC_MAP, **mapping}
        self._cols = {name: merged.get(name) for name in FIELDS}
        index = {column: i for i, column in enumerate(JDDC_COLUMNS)}
        # each field's column by position; None: no such column (the field reads as missing)
        text, role, conversation, agent, time = (index.get(self._cols[name] or "") for name in FIELDS)
        self._fast = text is not None and role is not None and time is None
        self._text, self._role, self._conversation, self._agent = text or 0, role or 0, conversation, agent
        self._roles: dict[str, str] = {}  # role value -> "agent" / "buyer", for the known ones

    def parse_lines(self, number: int, lines: Iterable[str]) -> list[Message | Skip]:
        """:meth:`parse` of each line (without its line break; a carriage return before it is
        dropped here), numbered from ``number`` on, blank lines left out: one loop for a chunk."""
        items: list[Message | Skip] = []
        append = items.append
        parse = self.parse
        if not self._fast:
            for line in lines:
                item = parse(number, line.rstrip("\r"))
                if item is not None:
                    append(item)
                number += 1
            return items
        path, roles = self.path, self._roles
        text_at, role_at, conversation_at, agent_at = self._text, self._role, self._conversation, self._agent
        new, message, intern = _new_tuple, Message, _intern
        for line in lines:
            if line.endswith("\r"):
                line = line.rstrip("\r")
            parts = line.split("\t", 6)
            if len(parts) == 7 and (role := roles.get(parts[role_at])) is not None:
                # the common line: a role seen before (so the line is not blank), parse's fast path
                conv = parts[conversation_at] if conversation_at is not None else ""
                agent = parts[agent_at] if agent_at is not None else ""
                append(new(message, (path, number, intern(conv) if conv else path, role,
                                     intern(agent) if agent else "", None, parts[text_at])))
            else:
                item = parse(number, line)
                if item is not None:
                    append(item)
            number += 1
        return items

    def parse(self, number: int, line: str) -> Message | Skip | None:
        if not line.strip():
            return None
        parts = line.split("\t", 6)
        if len(parts) < 7:
            return Skip(self.path, number, f"{len(parts)} tab-separated columns, JDDC has 7")
        if self._fast:
            value = parts[self._role]
            role = self._roles.get(value)
            if role is None and (role := role_of(value)) is not None and len(self._roles) < 64:
                self._roles[value] = role
            if role is not None:
                conv = parts[self._conversation] if self._conversation is not None else ""
                agent = parts[self._agent] if self._agent is not None else ""
                return _new_tuple(Message, (self.path, number, _intern(conv) if conv else self.path, role,
                                            _intern(agent) if agent else "", None, parts[self._text]))
        return from_fields(self.path, number, dict(zip(JDDC_COLUMNS, parts, strict=True)), self._cols)


class JsonLines:
    """The fast path of a file's UTF-8 JSONL lines, straight from their bytes (needs
    :data:`BYTES_LOADS`), the columns resolved once per set of keys (a log's lines share one) and
    each role once. A line it cannot take (bad JSON or UTF-8, a BOM, NaN, a lone surrogate, a huge
    integer, a blank line, not an object ...) goes to ``otherwise(number, data)``, which reads it as
    :func:`parse_line` does, so every record and every skip reason is the same either way."""

    def __init__(self, path: str, mapping: tuple[tuple[str, str], ...],
                 otherwise: Callable[[int, bytes], Message | Skip | None]) -> None:
        self.path = path
        self._mapping = mapping
        self._otherwise = otherwise
        self._keys: tuple[str, ...] | None = None
        self._cols: dict[str, str | None] = {}
        self._fields_named: tuple[str | None, ...] = (None,) * len(FIELDS)
        self._values: Callable[[dict], tuple] | None = None
        self._stable: Callable[[dict], tuple] | None = None
        self._roles: dict[str, str] = {}  # role value -> "agent" / "buyer", for the known ones

    def parse(self, number: int, data: bytes) -> Message | Skip | None:
        items = self.parse_lines(number, (data,))
        return items[0] if items else None

    def parse_lines(self, number: int, lines: Iterable[bytes]) -> list[Message | Skip]:
        """:meth:`parse` of each line, numbered from ``number`` on, blank lines left out: one loop
        for a chunk's lines, not a call per line."""
        items: list[Message | Skip] = []
        append = items.append
        loads = BYTES_LOADS
        path = self.path
        roles = self._roles
        # the values' getter while the columns are settled (see _settled): then any row that has
        # those five keys reads the same columns, whatever its other keys
        stable = self._stable
        # what the common line needs, as locals (a global costs a dict lookup a line)
        new, message, intern, offset, first, last = _new_tuple, Message, _intern, _CHINA_OFFSET, _YEAR_1, _YEAR_10000
        number -= 1
        for data in lines:
            number += 1
            try:
                row = loads(data)
            except ValueError:
                item = self._otherwise(number, data)
                if item is not None:
                    append(item)
                continue
            if type(row) is not dict:
                item = self._otherwise(number, data)
                if item is not None:
                    append(item)
                continue
            fields = None
            if stable is not None:  # the usual line: no tuple of its keys made to compare
                try:  # noqa: SIM105 - contextlib.suppress: a with block per line
                    fields = stable(row)
                except KeyError:
                    pass
            if fields is None:
                fields = self._fields(row)
                stable = self._stable
            text, role_value, conv, agent, when = fields
            # the common line, read here as from_fields reads it: text, role, conversation and agent
            # strings, a known role, a time that is a string, a number of at most 64 bits, or none
            if (type(text) is str and type(role_value) is str and (conv is None or type(conv) is str)
                    and (agent is None or type(agent) is str)):
                role = roles.get(role_value) or self._role(role_value)
                if role is not None:
                    kind = type(when)
                    seconds: float | None
                    if kind is float:  # epoch seconds, the usual time: parse_time's reading of a number (_from_epoch)
                        seconds = (when / 1000.0 if when > 1e11 else when) + offset
                        if first <= seconds < last:  # a float of at most 64 bits then, too
                            append(new(message, (path, number, intern(conv) if conv else path, role,
                                                 intern(agent) if agent else "", seconds, text)))
                            continue
                        if -_INT64 < when < _INT64:  # a time no date can show: the skip from_fields gives
                            append(from_fields(path, number, row, self._cols))
                            continue
                    elif when is None or kind is str or kind is int:
                        try:
                            seconds = None if when is None else parse_time(when)
                        except ValueError:
                            append(from_fields(path, number, row, self._cols))
                            continue
                        append(new(message, (path, number, intern(conv) if conv else path, role,
                                             intern(agent) if agent else "", seconds, text)))
                        continue
            for value in (text, role_value, conv, agent, when):
                if type(value) is float and not -_INT64 < value < _INT64:
                    # an integer past 64 bits comes back a float: str() and reasons would differ
                    item = self._otherwise(number, data)
                    if item is not None:
                        append(item)
                    break
            else:
                append(from_fields(path, number, row, self._cols))
        return items

    def _fields(self, row: dict) -> tuple:
        """The five values of a row whose keys are not the settled columns' (the first row, a row
        with other keys): the columns resolved again when its keys are new."""
        keys = tuple(row)
        if keys != self._keys:
            self._cols = _columns(keys, self._mapping)
            self._keys, self._fields_named = keys, tuple(self._cols[name] for name in FIELDS)
            # every field in the row (the usual line): the five values in one call
            self._values = itemgetter(*self._fields_named) if all(k in row for k in self._fields_named) else None
            self._stable = self._values if all(_settled(name, column, self._mapping) for name, column
                                               in zip(FIELDS, self._fields_named, strict=True)) else None
        if self._values is not None:
            return self._values(row)
        text_key, role_key, conv_key, agent_key, time_key = self._fields_named
        return (row.get(text_key) if text_key else None, row.get(role_key) if role_key else None,
                row.get(conv_key) if conv_key else None, row.get(agent_key) if agent_key else None,
                row.get(time_key) if time_key else None)

    def _role(self, value: str) -> str | None:
        role = role_of(value)
        if role is not None and len(self._roles) < 64:  # a column of unknown values is not kept
            self._roles[value] = role
        return role


_INT64 = 2.0**63


def _settled(name: str, column: str | None, mapping: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``column`` is field ``name``'s column in any row that has it (:func:`_column`):
    mapped, or the first name tried."""
    return column is not None and (any(key == name for key, _ in mapping) or column == DEFAULT_FIELDS[name][0])


@lru_cache(maxsize=64)
def _columns(keys: tuple[str, ...], mapping: tuple[tuple[str, str], ...]) -> dict[str, str | None]:
    """Which key of a JSON object holds each field; memoized per key set (pure)."""
    return {name: _column(name, keys, dict(mapping)) for name in FIELDS}
