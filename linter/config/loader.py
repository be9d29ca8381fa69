"""The user's configuration: ``kefulint.toml`` or ``[tool.kefulint]`` in ``pyproject.toml``.

Found by walking up from a start directory (the nearest file wins). ``extend = "../base.toml"``
inherits another file: tables merge key by key, every other value of the child replaces the
parent's. Every problem of every file is reported at once, each with file, line and what is
wrong, e.g. ``kefulint.toml:3: unknown key 'severty' (did you mean 'severity'?)``.

Every table is checked with the field specs of :mod:`.fields`: keys are kebab-case, their
snake_case spelling is accepted too. Top-level keys become :class:`~kefulint.settings.Settings`;
``[lint]`` :class:`LintOptions`; ``[serve]`` :class:`ServeOptions`. ``[scan]`` is checked with the
specs ``kefulint scan`` passes in (see :func:`load_config`); every table is also kept raw.
"""
from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, RulesetError, nearest
from ..rules.platforms import PLATFORM_NAMES
from ..settings import Settings
from .fields import (
    INVALID,
    Field,
    Source,
    Where,
    boolean,
    choice,
    count,
    display_path,
    number,
    numbers,
    path,
    paths,
    points_table,
    severity,
    severity_table,
    string,
    strings,
    validate,
)
from .lookup import find_config

TOOL_SECTIONS = ("lint", "scan", "serve")  # the tables of the commands
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


@dataclass(frozen=True)
class ServeOptions:
    """``[serve]``: defaults of ``kefulint serve`` (None: the command's own default)."""

    host: str | None = None
    port: int | None = None
    max_body: int | None = None  # bytes
    show_matches: bool | None = None
    request_timeout: float | None = None  # seconds


def _rulesets(value, at: Where) -> Any:
    values = strings(value, at)
    if values is INVALID:
        return INVALID
    from ..rules.builtin import builtin_names

    known = builtin_names()
    unknown = [v for v in values if v not in known]
    for v in unknown:
        at.bad(f"'{at.label}': unknown ruleset '{v}'{nearest(v, known)}")
    return INVALID if unknown else values


SETTINGS_FIELDS = (
    Field("rulesets", _rulesets),
    Field("extra-rulesets", paths),
    Field("disable", strings),
    Field("severity", severity_table),
    Field("points", points_table),
    Field("platform", choice(PLATFORM_NAMES)),
    Field("infer-platform", boolean),
    Field("allow-domains", strings),
    Field("allow-numbers", numbers),
    Field("allow-phrases", strings),
    Field("user-words", strings),
    Field("fail-on", severity),
    Field("model", boolean),  # the review model's findings (kefulint.model), off by default
)
LINT_FIELDS = (
    Field("include", strings),
    Field("exclude", strings),
    Field("max-points", count()),
    Field("columns", strings),
    Field("keys", strings),
    Field("suppress-column", string),
    Field("txt-mode", choice(("line", "paragraph"))),
    Field("cache", boolean),
    Field("cache-dir", path),
    Field("baseline", path),
)
SERVE_FIELDS = (
    Field("host", string),
    Field("port", count(0, 65535)),
    Field("max-body", count(1)),
    Field("show-matches", boolean),
    Field("request-timeout", number(0, above=True)),
)
_SECTION_FIELDS: dict[str, Sequence[Field]] = {"lint": LINT_FIELDS, "serve": SERVE_FIELDS}


@dataclass(frozen=True)
class Config:
    path: Path | None  # the file that was loaded (None: no config, defaults)
    settings: Settings = field(default_factory=Settings)
    lint: LintOptions = field(default_factory=LintOptions)
    serve: ServeOptions = field(default_factory=ServeOptions)
    sections: dict = field(default_factory=dict, repr=False)  # raw tables
    checked: dict = field(default_factory=dict, repr=False)  # name -> converted values of a table checked with passed specs
    warnings: tuple[str, ...] = ()  # deprecated keys used, with file:line

    @property
    def root(self) -> Path:
        """The directory include/exclude globs are relative to."""
        return self.path.parent if self.path else Path.cwd()

    def section(self, name: str) -> dict:
        """The raw ``[name]`` table (a copy; empty when absent)."""
        return copy.deepcopy(self.sections.get(name, {}))


# --- loading ------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict, Source]:
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
    return data, Source(path, text, prefix)


def _validate(data: dict, src: Source, specs: Mapping[str, Sequence[Field]]) -> dict[str, dict]:
    """One file's values: "settings", "lint", "serve", "raw" (the command tables as written) and
    one entry per table checked with passed ``specs``; paths resolved against the file's folder."""
    if src.prefix and "tool" in data:
        src.error((), "tool", "unknown key 'tool' (in pyproject.toml keys go under [tool.kefulint])")
    top = {k: v for k, v in data.items() if not (src.prefix and k == "tool")}
    out: dict[str, dict] = {"settings": validate(src, (), top, SETTINGS_FIELDS, skip=("extend", *TOOL_SECTIONS))}
    out["raw"] = {}
    for name in TOOL_SECTIONS:
        if name not in top:
            continue
        value = top[name]
        if not isinstance(value, dict):
            src.error((), name, f"'{name}' must be a table ([{name}])")
            continue
        out["raw"][name] = value
        spec = _SECTION_FIELDS.get(name) or specs.get(name)
        if spec is not None:
            out[name] = validate(src, (name,), value, spec)
    src.errors.sort(key=_line)  # in the file's order, whichever table they are in
    return out


def _line(message: str) -> int:
    m = re.match(r"[^\n]*?:(\d+): ", message)
    return int(m.group(1)) if m else 0


def _merge(parent: dict, child: dict) -> dict:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_chain(path: Path, stack: tuple[Path, ...], specs: Mapping[str, Sequence[Field]],
                chain: list[tuple[Source, dict]]) -> dict[str, dict]:
    path = path.resolve()
    if path in stack:
        cycle = " -> ".join(display_path(p) for p in (*stack, path))
        raise ConfigError([f"{display_path(stack[-1])}: extend cycle: {cycle}"])
    data, src = _read(path)
    parent: dict[str, dict] = {}
    if "extend" in data:
        target = data["extend"]
        if not isinstance(target, str) or not target.strip():
            src.error((), "extend", "'extend' must be the path of another config file")
        else:
            base = (path.parent / target)
            if not base.is_file():
                src.error((), "extend", f"'extend': file not found: {target}")
            else:
                parent = _load_chain(base, (*stack, path), specs, chain)
    own = _validate(data, src, specs)
    chain.append((src, data))
    return {name: _merge(parent.get(name, {}), own.get(name, {})) for name in {*parent, *own}}


def _unknown_rule_names(settings: dict, chain: list[tuple[Source, dict]]) -> list[str]:
    """Rule ids, categories or ruleset names in disable/severity/points that name nothing."""
    from ..rules.rulecache import cached_rules  # only when a config names rules: it loads them

    try:
        rules = cached_rules(Settings(extra_rulesets=settings.get("extra_rulesets", ())))
    except RulesetError:
        return []  # the ruleset's own errors are reported when the Linter is built
    known = {r.id for r in rules} | {r.category for r in rules} | {r.ruleset for r in rules}
    from ..rules.builtin import builtin_names

    known |= set(builtin_names())
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


def load_config(path: str | Path | None = None, start_dir: str | Path | None = None,
                sections: Mapping[str, Sequence[Field]] | None = None) -> Config:
    """The config at ``path``, or the nearest one above ``start_dir`` (default: the working
    directory), or the defaults when there is none. ``sections`` are the field specs of command
    tables to check as well (``{"scan": SCAN_FIELDS}``); their values are in ``Config.checked``.
    Raises :class:`ConfigError` listing every problem."""
    found = Path(path) if path is not None else find_config(start_dir)
    if found is None:
        return Config(path=None)
    chain: list[tuple[Source, dict]] = []
    values = _load_chain(found, (), sections or {}, chain)
    errors = [e for src, _data in chain for e in src.errors]
    settings = values.get("settings", {})
    errors.extend(_unknown_rule_names(settings, chain))
    if errors:
        raise ConfigError(errors)
    return Config(
        path=found.resolve(),
        settings=Settings(**settings),
        lint=LintOptions(**values.get("lint", {})),
        serve=ServeOptions(**values.get("serve", {})),
        sections=values.get("raw", {}),
        checked={name: values.get(name, {}) for name in sections or {}},
        warnings=tuple(w for src, _data in chain for w in src.warnings),
    )
