"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``.

Found by walking up from a start directory (the nearest file wins). ``extend = "../base.toml"``
inherits another file: tables merge key by key, every other value of the child replaces the
parent's. Every problem of every file is reported at once, each with file, line and what is
wrong, e.g. ``kefulint.toml:3: unknown key 'severty' (did you mean 'severity'?)``.

Keys are kebab-case. Top-level keys become :class:`~kefulint.settings.Settings`; ``[lint]``
holds the options of ``kefulint lint``; ``[scan]`` and ``[serve]`` are passed raw to their
commands, which validate them.
"""
from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..errors import ConfigError, RulesetError, nearest
from ..finding import Severity
from ..rules.categories import CATEGORIES, SERVICE_RULES
from ..rules.platforms import PLATFORM_NAMES
from ..rules.schema import builtin_names
from ..settings import Settings
from .tomlpos import line_of

CONFIG_NAMES = ("kefulint.toml", "pyproject.toml")  # in one directory, kefulint.toml wins
TOOL_SECTIONS = ("lint", "scan", "serve")  # raw tables handed to their commands
SEVERITIES = tuple(s.value for s in Severity)
SUPPORTED_SUFFIXES = (".txt", ".md", ".csv", ".tsv", ".json", ".yaml", ".yml", ".xlsx")
DEFAULT_INCLUDE = tuple(f"*{s}" for s in SUPPORTED_SUFFIXES)


@dataclass(frozen=True)
class LintOptions:
    """``[lint]``: what ``kefulint lint`` reads and how strictly it judges a file."""

    include: tuple[str, ...] = DEFAULT_INCLUDE  # gitignore-style globs, relative to the config dir
    exclude: tuple[str, ...] = ()
    max_points: int | None = None  # a file whose findings add up to more fails
    columns: tuple[str, ...] = ()  # CSV/TSV/XLSX reply columns (default: detected by name)
    keys: tuple[str, ...] = ()  # JSON/YAML keys holding replies (default: every string value)
    suppress_column: str | None = None  # CSV/TSV/XLSX column listing rules to skip for that row
    txt_mode: str = "line"  # .txt: one reply per "line" or per "paragraph"
    cache: bool = True
    cache_dir: str = ".kefulint-cache"
    baseline: str | None = None  # baseline file used when --baseline is not given


# key -> (Settings or LintOptions field, kind); kind drives both validation and conversion
_SETTINGS_KEYS: dict[str, tuple[str, str]] = {
    "rulesets": ("rulesets", "rulesets"),
    "extra-rulesets": ("extra_rulesets", "paths"),
    "disable": ("disable", "strings"),
    "severity": ("severity", "severity-table"),
    "points": ("points", "points-table"),
    "platform": ("platform", "platform"),
    "infer-platform": ("infer_platform", "bool"),
    "allow-domains": ("allow_domains", "strings"),
    "allow-numbers": ("allow_numbers", "numbers"),
    "allow-phrases": ("allow_phrases", "strings"),
    "user-words": ("user_words", "strings"),
    "fail-on": ("fail_on", "severity"),
    "model": ("model", "bool"),
}
_LINT_KEYS: dict[str, tuple[str, str]] = {
    "include": ("include", "strings"),
    "exclude": ("exclude", "strings"),
    "max-points": ("max_points", "count"),
    "columns": ("columns", "strings"),
    "keys": ("keys", "strings"),
    "suppress-column": ("suppress_column", "string"),
    "txt-mode": ("txt_mode", "txt-mode"),
    "cache": ("cache", "bool"),
    "cache-dir": ("cache_dir", "path"),
    "baseline": ("baseline", "path"),
}
_TOP_KEYS = ("extend", *_SETTINGS_KEYS, *TOOL_SECTIONS)


@dataclass(frozen=True)
class Config:
    path: Path | None  # the file that was loaded (None: no config, defaults)
    settings: Settings = field(default_factory=Settings)
    lint: LintOptions = field(default_factory=LintOptions)
    sections: dict = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Path:
        """The directory include/exclude globs are relative to."""
        return self.path.parent if self.path else Path.cwd()

    def section(self, name: str) -> dict:
        """The raw ``[name]`` table (a copy; empty when absent)."""
        return copy.deepcopy(self.sections.get(name, {}))


# --- finding the file ---------------------------------------------------------------------------


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "kefulint" in data["tool"]


def find_config(start_dir: str | Path | None = None) -> Path | None:
    """The nearest ``kefulint.toml`` or ``pyproject.toml`` with ``[tool.kefulint]``, walking up."""
    here = Path(start_dir or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "kefulint.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


# --- loading ------------------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it, else as is."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


class _Source:
    """One config file being validated: its text (for line numbers) and the errors found."""

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path = path
        self.text = text
        self.prefix = prefix  # ("tool", "kefulint") inside pyproject.toml
        self.errors: list[str] = []

    def error(self, table: tuple[str, ...], key: str | None, message: str, inner: str | None = None) -> None:
        line = line_of(self.text, self.prefix + table, key, inner)
        self.errors.append(f"{display_path(self.path)}:{line}: {message}")


def _read(path: Path) -> tuple[dict, _Source]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError([f"{display_path(path)}: config file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{display_path(path)}: cannot read config: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{display_path(path)}: config file is not UTF-8"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = m.group(1) if m else text.count("\n") + 1
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError([f"{display_path(path)}:{line}: invalid TOML: {reason}"]) from None
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or not isinstance(tool.get("kefulint"), dict):
            raise ConfigError([f"{display_path(path)}: no [tool.kefulint] table"])
        data = tool["kefulint"]
        prefix = ("tool", "kefulint")
    return data, _Source(path, text, prefix)


def _check_value(src: _Source, table: tuple[str, ...], key: str, kind: str, value):
    """The converted value, or None after recording an error."""
    def bad(message: str, inner: str | None = None) -> None:
        src.error(table, key, message, inner)

    label = ".".join((*table, key))
    if kind in ("strings", "paths", "rulesets", "numbers"):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return bad(f"'{label}' must be a list of non-empty strings")
        if kind == "paths":
            return tuple(str((src.path.parent / v).resolve()) for v in value)
        if kind == "rulesets":
            known = builtin_names()
            ok = True
            for v in value:
                if v not in known:
                    bad(f"'{label}': unknown ruleset '{v}'{nearest(v, known)}")
                    ok = False
            return tuple(value) if ok else None
        if kind == "numbers":
            for v in value:
                if not re.sub(r"\D", "", v):
                    return bad(f"'{label}': '{v}' has no digits")
        return tuple(value)
    if kind in ("string", "path"):
        if not isinstance(value, str) or not value.strip():
            return bad(f"'{label}' must be a non-empty string")
        return str((src.path.parent / value).resolve()) if kind == "path" else value
    if kind == "bool":
        if not isinstance(value, bool):
            return bad(f"'{label}' must be true or false")
        return value
    if kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return bad(f"'{label}' must be a whole number >= 0")
        return value
    if kind == "platform":
        if value not in PLATFORM_NAMES:
            return bad(f"'{label}' must be one of {', '.join(PLATFORM_NAMES)}, not {value!r}"
                       + (nearest(value, PLATFORM_NAMES, keep_order=True) if isinstance(value, str) else ""))
        return value
    if kind == "severity":
        if value not in SEVERITIES:
            return bad(f"'{label}' must be one of {', '.join(SEVERITIES)}, not {value!r}")
        return Severity(value)
    if kind == "txt-mode":
        if value not in ("line", "paragraph"):
            return bad(f"'{label}' must be \"line\" or \"paragraph\", not {value!r}")
        return value
    if kind in ("severity-table", "points-table"):
        if not isinstance(value, dict):
            return bad(f"'{label}' must be a table, e.g. {label} = {{ \"contact.qq-number\" = "
                       + ('"warning"' if kind == "severity-table" else "3") + " }")
        out = {}
        for rule, v in value.items():
            if kind == "severity-table" and v not in SEVERITIES:
                bad(f"'{label}.{rule}' must be one of {', '.join(SEVERITIES)}, not {v!r}", rule)
            elif kind == "points-table" and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                bad(f"'{label}.{rule}' must be a whole number >= 0, not {v!r}", rule)
            else:
                out[rule] = v
        return out if len(out) == len(value) else None
    raise AssertionError(kind)


def _validate(data: dict, src: _Source) -> tuple[dict, dict, dict]:
    """(settings fields, lint fields, raw tool sections) of one file, with its paths resolved."""
    settings: dict = {}
    lint: dict = {}
    sections: dict = {}
    for key, value in data.items():
        if key == "extend":
            continue
        if key in TOOL_SECTIONS:
            if not isinstance(value, dict):
                src.error((), key, f"'{key}' must be a table ([{key}])")
                continue
            if key != "lint":
                sections[key] = value
                continue
            for lkey, lvalue in value.items():
                if lkey not in _LINT_KEYS:
                    src.error(("lint",), lkey, f"[lint]: unknown key '{lkey}'{nearest(lkey, _LINT_KEYS, keep_order=True)}")
                    continue
                name, kind = _LINT_KEYS[lkey]
                converted = _check_value(src, ("lint",), lkey, kind, lvalue)
                if converted is not None:
                    lint[name] = converted
            continue
        if key not in _SETTINGS_KEYS:
            where = " (in pyproject.toml keys go under [tool.kefulint])" if src.prefix and key == "tool" else ""
            src.error((), key, f"unknown key '{key}'{nearest(key, _TOP_KEYS, keep_order=True)}{where}")
            continue
        name, kind = _SETTINGS_KEYS[key]
        converted = _check_value(src, (), key, kind, value)
        if converted is not None:
            settings[name] = converted
    return settings, lint, sections


def _merge(parent: dict, child: dict) -> dict:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_chain(
    path: Path, stack: tuple[Path, ...], errors: list[str], chain: list[tuple[_Source, dict]]
) -> tuple[dict, dict, dict]:
    path = path.resolve()
    if path in stack:
        chain = " -> ".join(display_path(p) for p in (*stack, path))
        raise ConfigError([f"{display_path(stack[-1])}: extend cycle: {chain}"])
    data, src = _read(path)
    parent: tuple[dict, dict, dict] = ({}, {}, {})
    if "extend" in data:
        target = data["extend"]
        if not isinstance(target, str) or not target.strip():
            src.error((), "extend", "'extend' must be the path of another config file")
        else:
            base = (path.parent / target)
            if not base.is_file():
                src.error((), "extend", f"'extend': file not found: {target}")
            else:
                parent = _load_chain(base, (*stack, path), errors, chain)
    own = _validate(data, src)
    chain.append((src, data))
    errors.extend(src.errors)
    return tuple(_merge(p, c) for p, c in zip(parent, own))  # type: ignore[return-value]


def _unknown_rule_names(settings: dict, chain: list[tuple[_Source, dict]]) -> list[str]:
    """Rule ids, categories or ruleset names in disable/severity/points that name nothing."""
    from ..rules.rulecache import cached_rules  # only when a config names rules: it loads them

    try:
        rules = cached_rules(Settings(extra_rulesets=settings.get("extra_rulesets", ())))
    except RulesetError:
        return []  # the ruleset's own errors are reported when the Linter is built
    known = {r.id for r in rules} | {r.category for r in rules} | {r.ruleset for r in rules}
    known |= set(builtin_names())
    # conversation-level rules of `kefulint scan` (kefulint.scan.judge) can be named too
    known |= set(SERVICE_RULES) | {"service"} | {c for c in CATEGORIES if c.startswith("service.")}
    errors: list[str] = []
    for key, table in (("disable", False), ("severity", True), ("points", True)):
        for name in settings.get(key, ()):
            if name in known:
                continue
            src = next(s for s, data in reversed(chain) if name in data.get(key, ()))
            src.error((), key, f"'{key}': unknown rule, category or ruleset '{name}'{nearest(name, known)}",
                      name if table else None)
            errors.extend(src.errors[-1:])
    return errors


def load_config(path: str | Path | None = None, start_dir: str | Path | None = None) -> Config:
    """The config at ``path``, or the nearest one above ``start_dir`` (default: the working
    directory), or the defaults when there is none. Raises :class:`ConfigError`."""
    found = Path(path) if path is not None else find_config(start_dir)
    if found is None:
        return Config(path=None)
    errors: list[str] = []
    chain: list[tuple[_Source, dict]] = []
    settings, lint, sections = _load_chain(found, (), errors, chain)
    errors.extend(_unknown_rule_names(settings, chain))
    if errors:
        raise ConfigError(errors)
    return Config(
        path=found.resolve(),
        settings=Settings(**settings),
        lint=LintOptions(**lint),
        sections=sections,
    )


_SETTINGS_FIELDS = {f.name for f in fields(Settings)}


def load_settings(path: str | Path | None = None, start_dir: str | Path | None = None, **overrides) -> Settings:
    """Settings from the config (see :func:`load_config`); keyword overrides, named as the
    fields of :class:`Settings`, win over the file."""
    unknown = sorted(set(overrides) - _SETTINGS_FIELDS)
    if unknown:
        raise ConfigError([f"unknown setting '{k}'{nearest(k, _SETTINGS_FIELDS)}" for k in unknown])
    settings = load_config(path, start_dir).settings
    if "fail_on" in overrides and isinstance(overrides["fail_on"], str):
        overrides["fail_on"] = Severity(overrides["fail_on"])
    return replace(settings, **overrides)
