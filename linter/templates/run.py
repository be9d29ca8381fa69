"""A whole ``kefulint lint`` run: find the files, the config nearest to each, read, lint (or
take the cached report), fix, apply the baseline and the per-file point limit. Never prints;
the CLI renders the :class:`LintRun` it returns."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..config import SUPPORTED_SUFFIXES, Config, display_path, find_config, load_config
from ..engine import Linter
from ..finding import Severity
from ..rules.model import Rule
from ..rules.rulecache import cached_rules
from . import parse_source
from .baseline import Baseline
from .fix import fixed_text, unified_diff, write_in_place
from .globs import glob_match
from .lint import MAX_POINTS, READ_ERROR, FileReport, lint_source, tool_finding
from .lintcache import TAG, Cache, fingerprint
from .source import ReadError

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
BASELINE_NAME = ".kefulint-baseline.json"


class UsageError(Exception):
    """A path that does not exist, or another mistake of the command line."""


# --- the run ------------------------------------------------------------------------------


@dataclass
class Target:
    path: Path  # absolute
    display: str
    config: Profile


@dataclass
class Profile:
    """One config and everything built from it (the Linter lazily: a fully cached run never
    compiles the rules)."""

    config: Config
    rules: tuple[Rule, ...]
    fingerprint: str
    _linter: Linter | None = None

    @cached_property
    def root(self) -> Path:
        return self.config.root.resolve()

    @property
    def linter(self) -> Linter:
        if self._linter is None:
            self._linter = Linter(self.rules, self.config.settings)
        return self._linter


@dataclass
class LintRun:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that ran, for SARIF metadata
    diffs: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)  # files where fixes could not be applied safely
    abs_paths: dict[str, str] = field(default_factory=dict)  # display path -> absolute path
    configured_baseline: str | None = None  # [lint] baseline of the config

    def failed(self, threshold: Severity | None = None) -> bool:
        """Any finding at or above ``threshold`` (default: each file's own config ``fail-on``)."""
        return any(f.severity >= (threshold or r.fail_on) for r in self.files for f in r.findings)

    @property
    def findings(self):
        return [f for r in self.files for f in r.findings]

    @property
    def read(self) -> int:
        return sum(1 for r in self.files if r.error is None)

    @property
    def unreadable(self) -> int:
        return sum(1 for r in self.files if r.error is not None)

    @property
    def replies(self) -> int:
        return sum(r.replies for r in self.files)


class Runner:
    def __init__(self, config_path: str | None = None, settings_overrides: dict | None = None,
                 lint_overrides: dict | None = None, use_cache: bool = True) -> None:
        self.config_path = config_path
        self.settings_overrides = settings_overrides or {}
        self.lint_overrides = lint_overrides or {}
        self.use_cache = use_cache
        self._profiles: dict[Path | None, Profile] = {}
        self._dir_configs: dict[Path, Path | None] = {}
        self._cwd = os.path.join(os.getcwd(), "")  # with a trailing separator

    # configs ---------------------------------------------------------------------------
    def profile_for(self, directory: Path) -> Profile:
        """Raises ConfigError / RulesetError."""
        if self.config_path is not None:
            key: Path | None = Path(self.config_path).resolve()
        else:
            if directory not in self._dir_configs:
                self._dir_configs[directory] = find_config(directory)
            key = self._dir_configs[directory]
        if key not in self._profiles:
            config = load_config(key) if key is not None else Config(path=None)
            settings = config.settings._replace(**self.settings_overrides)
            lint = replace(config.lint, **self.lint_overrides)
            config = replace(config, settings=settings, lint=lint)
            rules = cached_rules(settings)  # the resolved rules, kept on disk between runs
            self._profiles[key] = Profile(config, rules, fingerprint(rules, settings, lint))
        return self._profiles[key]

    # files -----------------------------------------------------------------------------
    def targets(self, paths: list[str], run: LintRun) -> list[Target]:
        out: list[Target] = []
        seen: set[Path] = set()
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                raise UsageError(f"{raw}: no such file or directory")
            if path.is_dir():
                for root, dirs, files in os.walk(path.resolve()):
                    directory = Path(root)
                    if TAG in files:  # a cache directory (ours or another tool's)
                        dirs[:] = []
                        continue
                    dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                                     and not self._excluded_dir(directory / d, run))
                    for name in sorted(files):
                        if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                            continue
                        self._add(directory / name, out, seen, run, explicit=False)
            else:
                self._add(path.resolve(), out, seen, run, explicit=True)
        return out

    def _rel(self, profile: Profile, absolute: Path) -> str:
        root = str(profile.root)
        rel = str(absolute)[len(root) + 1 :] if str(absolute).startswith(root + os.sep) else absolute.name
        return rel.replace(os.sep, "/")

    def _excluded_dir(self, directory: Path, run: LintRun) -> bool:
        """A directory that ``[lint] exclude`` takes whole is not walked (and listed once)."""
        profile = self.profile_for(directory.parent)
        rel = self._rel(profile, directory) + "/-"
        if any(glob_match(p, rel) for p in profile.config.lint.exclude):
            run.skipped.append((display_path(directory) + "/", "in [lint] exclude"))
            return True
        return False

    def _add(self, absolute: Path, out: list[Target], seen: set[Path], run: LintRun, explicit: bool) -> None:
        if absolute in seen:
            return
        seen.add(absolute)
        text = str(absolute)
        display = text[len(self._cwd) :].replace(os.sep, "/") if text.startswith(self._cwd) else display_path(absolute)
        if absolute.suffix.lower() not in SUPPORTED_SUFFIXES:
            run.skipped.append((display, f"unsupported file type (supported: {', '.join(SUPPORTED_SUFFIXES)})"))
            return
        if absolute.name == BASELINE_NAME:
            run.skipped.append((display, "kefulint baseline"))
            return
        profile = self.profile_for(absolute.parent)
        lint = profile.config.lint
        rel = self._rel(profile, absolute)
        if not any(glob_match(p, rel) for p in lint.include):
            if explicit:
                run.skipped.append((display, "not in [lint] include"))
            return
        if any(glob_match(p, rel) for p in lint.exclude):
            run.skipped.append((display, "in [lint] exclude"))
            return
        out.append(Target(absolute, display, profile))

    # linting ---------------------------------------------------------------------------
    def run(self, paths: list[str], baseline: str | None = None, fix: bool = False, diff: bool = False,
            show_matches: bool = False, use_baseline: bool = True, unsafe_fixes: bool = False) -> LintRun:
        """Lint ``paths``. ``baseline`` (else ``[lint] baseline`` of the config) filters the
        findings unless ``use_baseline`` is False (when a new baseline is being written).
        ``unsafe_fixes``: ``fix`` and ``diff`` also apply the fixes of rules that declare none."""
        run = LintRun()
        targets = self.targets(paths, run)
        caches: dict[tuple[Path, str], Cache] = {}
        used: set[int] = set()
        for target in targets:
            profile = target.config
            run.abs_paths[target.display] = str(target.path)
            report = self._lint_one(target, profile, caches, run, fix, diff, show_matches, unsafe_fixes)
            report.fail_on = profile.config.settings.fail_on
            run.files.append(report)
            if id(profile) not in used:
                used.add(id(profile))
                for rule in profile.rules:
                    run.rules.setdefault(rule.id, rule)
        for cache in caches.values():
            cache.save()
        run.configured_baseline = self._default_baseline(targets)
        baseline_path = baseline or run.configured_baseline
        if baseline_path and use_baseline:
            self.apply_baseline(run, Baseline(baseline_path))
        for target, report in zip(targets, run.files, strict=True):
            limit = target.config.config.lint.max_points
            if limit is not None and report.points > limit:
                report.findings.append(tool_finding(
                    report.path, 1, 1, MAX_POINTS, Severity.ERROR,
                    f"文件扣分合计 {report.points} 分，超过上限 max-points = {limit} "
                    f"(file points {report.points} exceed max-points {limit})",
                    "先修正扣分最高的问题"))
        return run

    @staticmethod
    def _default_baseline(targets: list[Target]) -> str | None:
        for target in targets:
            if target.config.config.lint.baseline:
                return target.config.config.lint.baseline
        return None

    def apply_baseline(self, run: LintRun, baseline: Baseline) -> None:
        for report in run.files:
            kept = []
            for f in report.findings:
                if f.fingerprint and baseline.accepts(f, run.abs_paths[report.path]):
                    report.baselined += 1
                else:
                    kept.append(f)
            report.findings = kept

    def _lint_one(self, target: Target, profile: Profile, caches: dict, run: LintRun, fix: bool, diff: bool,
                  show_matches: bool, unsafe_fixes: bool) -> FileReport:
        options = profile.config.lint
        path = str(target.path)
        cache = None
        if self.use_cache and options.cache and not (fix or diff or show_matches):  # the cache holds no raw matches
            directory = Path(options.cache_dir)
            if not directory.is_absolute():
                directory = profile.config.root / directory
            cache = caches.get((directory, profile.fingerprint))
            if cache is None:
                cache = caches[(directory, profile.fingerprint)] = Cache(directory, profile.fingerprint)
        try:
            st = os.stat(path)
            hit = cache.by_stat(path, st) if cache is not None else None
            if hit is not None:
                return self._from_cache(target, hit)
            data = target.path.read_bytes()
        except OSError as exc:
            return self._unreadable(target, f"cannot read: {exc.strerror or exc}")
        key = ""
        if cache is not None:
            key = Cache.key(profile.fingerprint, target.path.suffix, data)
            hit = cache.by_content(path, st, key)
            if hit is not None:
                return self._from_cache(target, hit)
        try:
            source = parse_source(target.display, target.path.suffix, data, options)
        except ReadError as exc:
            report = self._unreadable(target, str(exc))
            if cache is not None:
                cache.put(path, st, key, {"error": report.error})
            return report
        except (RecursionError, MemoryError, ValueError, LookupError, TypeError, OSError) as exc:
            # a reader library choking on a malformed file must not stop the run
            return self._unreadable(target, f"could not be parsed ({type(exc).__name__}: {exc})")
        report, kept = lint_source(source, profile.linter)
        if cache is not None:
            cache.put(path, st, key, report.to_cache())
        if fix or diff:
            new_text, sensitive, changes = fixed_text(source, kept, profile.linter, target.path.suffix, options,
                                                      unsafe_fixes)
            if new_text != source.text:
                if diff:
                    run.diffs.append(unified_diff(target.display, source.text, new_text, sensitive, show_matches,
                                                  changes))
                if fix:
                    write_in_place(target.path, new_text, source.encoding)
                    run.fixed.append(target.display)
                    after, _ = lint_source(parse_source(target.display, target.path.suffix,
                                                        new_text.encode(source.encoding), options), profile.linter)
                    return after
            elif any(f.fix is not None and (unsafe_fixes or not f.unsafe) for f in report.findings):
                run.unfixable.append(target.display)
        return report

    def _from_cache(self, target: Target, entry: dict) -> FileReport:
        if "error" in entry:
            return self._unreadable(target, str(entry["error"]))
        return FileReport.from_cache(target.display, entry)

    @staticmethod
    def _unreadable(target: Target, reason: str) -> FileReport:
        m = re.match(r"line (\d+)(?:, column (\d+))?", reason)
        line, column = (int(m.group(1)), int(m.group(2) or 1)) if m else (1, 1)
        report = FileReport(target.display, error=reason)
        report.findings.append(tool_finding(target.display, line, column, READ_ERROR, Severity.ERROR,
                                            f"无法读取文件：{reason} (file could not be read)",
                                            "检查文件格式与编码（UTF-8 或 GBK）"))
        return report
