"""The ``[scan]`` config table (with ``[scan.thresholds]`` and the deprecated ``[scan.service]``),
as field specs of the config kit: ``kefulint scan`` passes :data:`SCAN_FIELDS` to
:func:`~kefulint.config.load_config`, so every problem is reported with the others, with file, line
and the nearest spelling. Keys are kebab-case; the snake_case spellings of earlier releases work too."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..config.fields import (
    INVALID,
    Field,
    Source,
    Where,
    choice,
    count,
    number,
    points_value,
    regex,
    section,
    severity_value,
    strings,
    table_of,
    validate,
)
from ..errors import ConfigError, nearest
from .readers import ENCODINGS, FIELDS, FORMATS, LogFormat, parse_mapping
from .service_rules import ServiceSettings
from .summary import PERIODS, Thresholds

_SERVICE_DEPRECATED = (
    "gone in the next release; the conversation rules are in rulesets/service.toml: use top-level "
    "disable / severity / points, and to change a limit or the phrases disable the rule and add your own "
    'kind = "conversation" rule'
)


@dataclass(frozen=True)
class ScanConfig:
    log: LogFormat = field(default_factory=LogFormat)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    jobs: int | None = None
    top: int = 10
    max_open: int = 5000  # conversations held open at once (see group_conversations)
    warnings: tuple[str, ...] = ()  # deprecated keys that were used, with file:line


def _mapping(value, at: Where) -> Any:
    """``map``: a table field -> column, or the command line's ``"field=column,..."``."""
    if isinstance(value, str):
        try:
            return parse_mapping(value)
        except ValueError as exc:
            return at.bad(f"'{at.label}': {exc}")
    if not isinstance(value, dict):
        return at.bad(f"'{at.label}' must be a table or 'field=column,...'")
    for name, column in value.items():
        if name not in FIELDS:
            return at.bad(f"'{at.label}': unknown field '{name}'{nearest(name, FIELDS)}", name)
        if not isinstance(column, str) or not column:
            return at.bad(f"'{at.label}.{name}' must be a column name", name)
    return dict(value)


@cache
def _service_names() -> tuple[str, ...]:
    from ..rules.schema import load_builtin  # only for a config with a service table: the schema loads slowly

    shipped = load_builtin("service").rules
    return ("service", *sorted({r.id for r in shipped} | {r.category for r in shipped}))


def _service_table(convert_value):
    def convert(value, at: Where) -> Any:
        return table_of(convert_value, '{ "service.greeting" = ... }', _service_names())(value, at)
    return convert


SERVICE_FIELDS = (
    Field("first-response-seconds", number()),
    Field("reply-seconds", number()),
    Field("greeting", strings),
    Field("farewell", strings),
    Field("severity", _service_table(severity_value)),
    Field("points", _service_table(points_value)),
    Field("disable", strings),
)
THRESHOLD_FIELDS = (
    Field("points", count()),
    Field("period", choice(PERIODS)),
    Field("severity", choice(("info", "warning", "error"))),  # lowest severity that counts toward the points
    Field("counts", table_of(points_value, '{ "etiquette.banned_phrase" = 3 }')),
)
SCAN_FIELDS = (
    Field("input-format", choice(FORMATS), attr="format"),
    Field("map", _mapping, attr="mapping"),
    Field("line-pattern", regex),
    Field("agent-speaker", regex),
    Field("encoding", choice(ENCODINGS)),
    Field("jobs", count(1)),
    Field("top", count(1)),
    Field("max-open", count(1)),
    Field("service", section(SERVICE_FIELDS), deprecated=_SERVICE_DEPRECATED),
    Field("thresholds", section(THRESHOLD_FIELDS)),
)
_LOG_KEYS = ("format", "mapping", "line_pattern", "agent_speaker", "encoding")


def scan_config(values: dict, warnings: tuple[str, ...] = ()) -> ScanConfig:
    """A :class:`ScanConfig` from the values :data:`SCAN_FIELDS` checked."""
    log = LogFormat(**{k: values[k] for k in _LOG_KEYS if k in values})
    rest = {k: values[k] for k in ("jobs", "top", "max_open") if k in values}
    return ScanConfig(log=log, service=ServiceSettings(**values.get("service", {})),
                      thresholds=Thresholds(**values.get("thresholds", {})), warnings=warnings, **rest)


def parse_scan_section(table: dict, source: str = "[scan]") -> ScanConfig:
    """A :class:`ScanConfig` from a ``[scan]`` table given in code (messages start with
    ``source``); raises :class:`~kefulint.errors.ConfigError` listing every problem."""
    src = Source(None, label=source)
    values = validate(src, ("scan",), table, SCAN_FIELDS) if isinstance(table, dict) else INVALID
    if values is INVALID:
        src.errors.append(f"{source}: must be a table")
    if src.errors:
        raise ConfigError(src.errors)
    return scan_config(values, tuple(src.warnings))
