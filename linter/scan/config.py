"""The ``[scan]`` config section (with ``[scan.service]`` and ``[scan.thresholds]``), validated
completely: every problem is reported at once, with the key and the nearest spelling."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ScanConfigError, nearest
from ..finding import Severity
from ..rules.schema import load_builtin
from .readers import DEFAULT_AGENT_SPEAKER, DEFAULT_LINE_PATTERN, FIELDS, FORMATS, LogFormat, parse_mapping
from .service_rules import ServiceSettings
from .summary import PERIODS, Thresholds

_SCAN_KEYS = ("input_format", "map", "line_pattern", "agent_speaker", "encoding", "jobs", "top", "max_open",
              "service", "thresholds")
_SERVICE_KEYS = ("first_response_seconds", "reply_seconds", "greeting", "farewell", "severity", "points", "disable")
_THRESHOLD_KEYS = ("points", "period", "counts")
_SERVICE_DEPRECATED = (
    "deprecated, and gone in the next release: the conversation rules are in "
    "rulesets/service.toml; use top-level disable / severity / points, and to change a limit or the phrases "
    "disable the rule and add your own kind = \"conversation\" rule"
)


@dataclass(frozen=True)
class ScanConfig:
    log: LogFormat = field(default_factory=LogFormat)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    jobs: int | None = None
    top: int = 10
    max_open: int = 5000  # conversations held open at once (see group_conversations)
    warnings: tuple[str, ...] = ()  # deprecated keys that were used


def _unknown(table: dict, allowed, where: str, errors: list[str]) -> None:
    for key in table:
        if key not in allowed:
            errors.append(f"{where}: unknown key '{key}'{nearest(key, allowed)}")


def _number(value, where: str, errors: list[str], minimum: float = 0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        errors.append(f"{where}: must be a number >= {minimum:g}, not {value!r}")
        return None
    return float(value)


def _strings(value, where: str, errors: list[str]) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"{where}: must be a list of non-empty strings")
        return None
    return tuple(value)


def parse_scan_section(section: dict, source: str = "[scan]") -> ScanConfig:
    """Builds a :class:`ScanConfig`; raises :class:`ScanConfigError` listing every problem."""
    errors: list[str] = []
    where = f"{source}"
    _unknown(section, _SCAN_KEYS, where, errors)
    log: dict = {}
    fmt = section.get("input_format", "auto")
    if fmt not in FORMATS:
        errors.append(f"{where}: input_format '{fmt}' is not one of {', '.join(FORMATS)}")
    log["format"] = fmt
    mapping = section.get("map", {})
    if isinstance(mapping, str):
        try:
            mapping = parse_mapping(mapping)
        except ValueError as exc:
            errors.append(f"{where}: map: {exc}")
            mapping = {}
    elif isinstance(mapping, dict):
        for key, value in mapping.items():
            if key not in FIELDS:
                errors.append(f"{where}.map: unknown field '{key}'{nearest(key, FIELDS)}")
            elif not isinstance(value, str) or not value:
                errors.append(f"{where}.map.{key}: must be a column name")
    else:
        errors.append(f"{where}: map must be a table or 'field=column,...'")
        mapping = {}
    log["mapping"] = dict(mapping)
    for key, default in (("line_pattern", DEFAULT_LINE_PATTERN), ("agent_speaker", DEFAULT_AGENT_SPEAKER)):
        value = section.get(key, default)
        try:
            re.compile(value)
            log[key] = value
        except (re.error, TypeError) as exc:
            errors.append(f"{where}: {key} is not a valid regular expression: {exc}")
    encoding = section.get("encoding", "auto")
    if encoding not in ("auto", "utf-8", "utf-8-sig", "gb18030", "gbk"):
        errors.append(f"{where}: encoding '{encoding}' is not one of auto, utf-8, utf-8-sig, gb18030, gbk")
    log["encoding"] = encoding
    jobs = section.get("jobs")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        errors.append(f"{where}: jobs must be a whole number >= 1")
    top = section.get("top", 10)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        errors.append(f"{where}: top must be a whole number >= 1")
        top = 10
    max_open = section.get("max_open", 5000)
    if isinstance(max_open, bool) or not isinstance(max_open, int) or max_open < 1:
        errors.append(f"{where}: max_open must be a whole number >= 1")
        max_open = 5000
    service = _service(section.get("service", {}), f"{where}.service", errors)
    warnings = (f"{where}.service: {_SERVICE_DEPRECATED}",) if section.get("service") else ()
    thresholds = _thresholds(section.get("thresholds", {}), f"{where}.thresholds", errors)
    if errors:
        raise ScanConfigError(errors)
    return ScanConfig(log=LogFormat(**log), service=service, thresholds=thresholds, jobs=jobs, top=top,
                      max_open=max_open, warnings=warnings)


def _service(table, where: str, errors: list[str]) -> ServiceSettings:
    if not isinstance(table, dict):
        errors.append(f"{where}: must be a table")
        return ServiceSettings()
    _unknown(table, _SERVICE_KEYS, where, errors)
    shipped = load_builtin("service").rules
    names = {"service"} | {r.id for r in shipped} | {r.category for r in shipped}
    values: dict = {}
    for key in ("first_response_seconds", "reply_seconds"):
        if key in table:
            n = _number(table[key], f"{where}.{key}", errors)
            if n is not None:
                values[key] = n
    for key in ("greeting", "farewell", "disable"):
        if key in table:
            v = _strings(table[key], f"{where}.{key}", errors)
            if v is not None:
                values[key] = v
    for key, check in (("severity", "severity"), ("points", "points")):
        sub = table.get(key, {})
        if not isinstance(sub, dict):
            errors.append(f"{where}.{key}: must be a table of rule id or category -> value")
            continue
        for name, value in sub.items():
            if name not in names:
                errors.append(f"{where}.{key}: unknown service rule '{name}'{nearest(name, names)}")
            elif check == "severity" and value not in [s.value for s in Severity]:
                errors.append(f"{where}.{key}.{name}: '{value}' is not one of info, warning, error")
            elif check == "points" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                errors.append(f"{where}.{key}.{name}: must be a whole number >= 0")
        values[key] = dict(sub)
    return ServiceSettings(**values)


def _thresholds(table, where: str, errors: list[str]) -> Thresholds:
    if not isinstance(table, dict):
        errors.append(f"{where}: must be a table")
        return Thresholds()
    _unknown(table, _THRESHOLD_KEYS, where, errors)
    values: dict = {}
    if "points" in table:
        p = table["points"]
        if isinstance(p, bool) or not isinstance(p, int) or p < 0:
            errors.append(f"{where}.points: must be a whole number >= 0")
        else:
            values["points"] = p
    if "period" in table:
        if table["period"] not in PERIODS:
            errors.append(f"{where}.period: '{table['period']}' is not one of {', '.join(PERIODS)}")
        else:
            values["period"] = table["period"]
    counts = table.get("counts", {})
    if not isinstance(counts, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts.values()
    ):
        errors.append(f"{where}.counts: must map rule ids or categories to whole numbers")
    else:
        values["counts"] = dict(counts)
    return Thresholds(**values)
