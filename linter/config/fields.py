"""One field-spec kit for every config table (the top level, ``[lint]``, ``[scan]`` with its
sub-tables, ``[serve]``): a table is a tuple of :class:`Field` specs, and :func:`validate` checks a
raw table against one, converts every value and records every problem with its file and line.

Keys are kebab-case; the snake_case spelling of each key is accepted as an alias (a table that
names one setting twice, once in each spelling, is an error). A converter returns the converted
value, or :data:`INVALID` after recording why through :meth:`Where.bad`.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import did_you_mean, nearest
from ..finding import Severity
from .tomlpos import line_of

INVALID: Any = object()  # what a converter returns after recording a problem
SEVERITIES = tuple(s.value for s in Severity)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it, else as is."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


class Source:
    """One config file being validated: its text (for line numbers), and the problems and
    deprecation warnings found. Without a path (a table given in code) messages start with
    ``label`` instead of ``file:line``."""

    def __init__(self, path: Path | None, text: str = "", prefix: tuple[str, ...] = (), label: str = "") -> None:
        self.path = path
        self.text = text
        self.prefix = prefix  # ("tool", "kefulint") inside pyproject.toml
        self.label = label
        self.errors: list[str] = []
        self.warnings: list[str] = []

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def where(self, table: tuple[str, ...], key: str | None, inner: str | None = None) -> str:
        if self.path is None:
            return self.label or "config"
        return f"{display_path(self.path)}:{line_of(self.text, self.prefix + table, key, inner)}"

    def error(self, table: tuple[str, ...], key: str | None, message: str, inner: str | None = None) -> None:
        self.errors.append(f"{self.where(table, key, inner)}: {message}")

    def warn(self, table: tuple[str, ...], key: str | None, message: str) -> None:
        self.warnings.append(f"{self.where(table, key)}: {message}")


@dataclass(frozen=True)
class Where:
    """The value being converted: its file, table and key as written, for messages."""

    src: Source
    table: tuple[str, ...]
    key: str
    inner: str | None = None  # an entry of the key's table (a rule id in severity = {...})

    @property
    def label(self) -> str:
        return ".".join((*self.table, self.key) + ((self.inner,) if self.inner else ()))

    def bad(self, message: str, inner: str | None = None) -> Any:
        self.src.error(self.table, self.key, message, inner or self.inner)
        return INVALID


Converter = Callable[[Any, Where], Any]


@dataclass(frozen=True)
class Field:
    key: str  # kebab-case, as documented
    convert: Converter
    attr: str = ""  # the setting it fills; default: the key in snake_case
    deprecated: str = ""  # when set, using the key is a warning with this text

    @property
    def name(self) -> str:
        return self.attr or self.key.replace("-", "_")

    @property
    def spellings(self) -> tuple[str, ...]:
        snake = self.key.replace("-", "_")
        return (self.key, snake) if snake != self.key else (self.key,)


def validate(src: Source, table: tuple[str, ...], data: dict, fields: Sequence[Field],
             skip: Iterable[str] = ()) -> dict[str, Any]:
    """The converted values of ``data`` (field name -> value); every problem goes to ``src``.
    Keys in ``skip`` are left to the caller."""
    by_spelling = {s: f for f in fields for s in f.spellings}
    skipped = set(skip)
    out: dict[str, Any] = {}
    written: dict[str, str] = {}  # field name -> the key as written
    section = f"[{'.'.join(table)}]: " if table else ""
    for key, value in data.items():
        if key in skipped:
            continue
        spec = by_spelling.get(key)
        if spec is None:
            allowed = [f.key for f in fields] + sorted(skipped)
            src.error(table, key, f"{section}unknown key '{key}'{nearest(key, allowed, keep_order=True)}")
            continue
        if spec.name in written:
            src.error(table, key, f"{section}'{key}' sets the same as '{written[spec.name]}'; keep one")
            continue
        written[spec.name] = key
        if spec.deprecated:
            src.warn(table, key, f"'{'.'.join((*table, key))}' is deprecated: {spec.deprecated}")
        converted = spec.convert(value, Where(src, table, key))
        if converted is not INVALID:
            out[spec.name] = converted
    return out


# --- converters -------------------------------------------------------------------------------


def strings(value, at: Where) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return at.bad(f"'{at.label}' must be a list of non-empty strings")
    return tuple(value)


def paths(value, at: Where) -> Any:
    """Paths relative to the config file's folder, resolved."""
    values = strings(value, at)
    if values is INVALID:
        return INVALID
    return tuple(str((at.src.folder / v).resolve()) for v in values)


def numbers(value, at: Where) -> Any:
    """Phone and hotline numbers as written; each must hold digits."""
    values = strings(value, at)
    if values is INVALID:
        return INVALID
    for v in values:
        if not re.sub(r"\D", "", v):
            return at.bad(f"'{at.label}': '{v}' has no digits")
    return values


def string(value, at: Where) -> Any:
    if not isinstance(value, str) or not value.strip():
        return at.bad(f"'{at.label}' must be a non-empty string")
    return value


def path(value, at: Where) -> Any:
    value = string(value, at)
    return value if value is INVALID else str((at.src.folder / value).resolve())


def boolean(value, at: Where) -> Any:
    if not isinstance(value, bool):
        return at.bad(f"'{at.label}' must be true or false")
    return value


def count(minimum: int = 0, maximum: int | None = None) -> Converter:
    """A whole number in [minimum, maximum]."""
    def convert(value, at: Where) -> Any:
        if (isinstance(value, bool) or not isinstance(value, int) or value < minimum
                or (maximum is not None and value > maximum)):
            upper = f" and <= {maximum}" if maximum is not None else ""
            return at.bad(f"'{at.label}' must be a whole number >= {minimum}{upper}, not {value!r}")
        return value
    return convert


def number(minimum: float = 0, above: bool = False) -> Converter:
    """A number >= minimum (> minimum with ``above``), as a float."""
    def convert(value, at: Where) -> Any:
        if (isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value)
                or value < minimum or (above and value == minimum)):
            return at.bad(f"'{at.label}' must be a number {'>' if above else '>='} {minimum:g}, not {value!r}")
        return float(value)
    return convert


def choice(options: Sequence[str]) -> Converter:
    def convert(value, at: Where) -> Any:
        if value not in options:
            return at.bad(f"'{at.label}' must be one of {', '.join(options)}, not {value!r}"
                          + did_you_mean(value, options))
        return value
    return convert


def severity(value, at: Where) -> Any:
    value = choice(SEVERITIES)(value, at)
    return value if value is INVALID else Severity(value)


def regex(value, at: Where) -> Any:
    if not isinstance(value, str):
        return at.bad(f"'{at.label}' must be a regular expression (a string)")
    try:
        re.compile(value)
    except re.error as exc:
        return at.bad(f"'{at.label}' is not a valid regular expression: {exc}")
    return value


def table_of(convert_value: Converter, example: str, names: Sequence[str] | None = None) -> Converter:
    """A table whose keys are names (rule ids, fields ...) and whose values ``convert_value``
    checks; ``names``, when given, are the only names allowed."""
    def convert(value, at: Where) -> Any:
        if not isinstance(value, dict):
            return at.bad(f"'{at.label}' must be a table, e.g. {at.label} = {example}")
        out = {}
        for name, v in value.items():
            if names is not None and name not in names:
                at.bad(f"'{at.label}': unknown name '{name}'{nearest(name, names)}", name)
                continue
            converted = convert_value(v, Where(at.src, at.table, at.key, name))
            if converted is not INVALID:
                out[name] = converted
        return out if len(out) == len(value) else INVALID
    return convert


def severity_value(value, at: Where) -> Any:
    """A severity kept as its name (tables of rule id -> severity)."""
    if value not in SEVERITIES:
        return at.bad(f"'{at.label}' must be one of {', '.join(SEVERITIES)}, not {value!r}")
    return value


def points_value(value, at: Where) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return at.bad(f"'{at.label}' must be a whole number >= 0, not {value!r}")
    return value


severity_table = table_of(severity_value, '{ "contact.qq-number" = "warning" }')
points_table = table_of(points_value, '{ "contact.qq-number" = 3 }')


def section(fields: Sequence[Field]) -> Converter:
    """A sub-table validated with its own field specs."""
    def convert(value, at: Where) -> Any:
        if not isinstance(value, dict):
            return at.bad(f"'{at.label}' must be a table ([{at.label}])")
        errors = len(at.src.errors)
        out = validate(at.src, (*at.table, at.key), value, fields)
        return out if len(at.src.errors) == errors else INVALID
    return convert
