"""``kefulint lint`` / ``baseline`` / ``init``: reply-template repositories linted like code."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click
from kefulint.finding import Severity

from ..common import ExitCode, fail, validate_disable
from ..options import SEVERITY_CHOICE, linter_options
from ..reporters.lint_text import summary_line

FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit", "csv", "auto")


def _runner(config_path, rulesets, disable, platform, max_points=None, use_cache=True, model=None):
    from kefulint.templates.run import Runner

    validate_disable(config_path, tuple(str(Path(r).resolve()) for r in rulesets), disable)
    settings: dict = {}
    if model:
        settings["model"] = True
    if rulesets:
        settings["extra_rulesets"] = tuple(str(Path(r).resolve()) for r in rulesets)
    if disable:
        settings["disable"] = tuple(disable)
    if platform:
        settings["platform"] = platform
    lint: dict = {}
    if max_points is not None:
        lint["max_points"] = max_points
    return Runner(config_path, settings, lint, use_cache=use_cache)


def _execute(runner, paths, **kw):
    """The run, or exit 2 with every config/ruleset/usage problem listed."""
    from kefulint.config import ConfigError
    from kefulint.errors import RulesetError
    from kefulint.templates.baseline import BaselineError
    from kefulint.templates.run import UsageError

    try:
        return runner.run(list(paths) or ["."], **kw)
    except ConfigError as exc:
        fail("invalid config:\n  " + "\n  ".join(exc.errors))
    except RulesetError as exc:
        fail("invalid ruleset:\n  " + "\n  ".join(exc.errors))
    except (UsageError, BaselineError) as exc:
        fail(str(exc))


def _write_report(output: str, render) -> None:
    """The report written whole or not at all (a temporary file renamed over ``output``)."""
    import io

    from kefulint.atomicfile import atomic_binary

    try:
        with atomic_binary(output) as raw:
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            render(fh)
            fh.flush()
            fh.detach()
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format; auto: github inside GitHub Actions, else text. 输出格式")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE instead of standard output. 报告写入文件")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when a finding is at or above this severity (default: config, else error). 失败阈值")
@click.option("--max-points", type=click.IntRange(min=0), default=None,
              help="Fail a file whose findings add up to more points. 单文件扣分上限")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None,
              help="Report only findings not in this baseline file. 只报告基线之外的新问题")
@click.option("--show-matches", is_flag=True, help="Print contact data unmasked. 显示未打码的联系方式")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place. 就地应用安全修正")
@click.option("--diff", is_flag=True, help="Show the safe fixes as a unified diff; write nothing. 只显示修改")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, also apply the unsafe fixes: the rewrites check's suggested text offers "
                   "for rules that declare no fix. 同时应用非安全修正")
@click.option("--no-cache", is_flag=True, help="Do not read or write .kefulint-cache/. 不用缓存")
@click.option("--model", "model", is_flag=True, default=None,
              help="Add the review model's model.<category> findings (info, 0 points). 模型复核提示")
@linter_options
def lint(paths, fmt, output, fail_on, max_points, baseline, show_matches, fix, diff, unsafe_fixes, no_cache, model,
         config_path, rulesets, disable, platform):
    """Lint reply-template files and directories (default: the current directory).

    检查快捷短语/自动回复/AI 客服话术模板：.txt .md .csv .tsv .json .yaml .yml .xlsx。

    \b
    kefulint lint                                # the current directory
    kefulint lint replies/ --format sarif -o kefulint.sarif
    kefulint lint --baseline .kefulint-baseline.json
    kefulint lint --diff        # show the safe fixes;  --fix writes them
    kefulint lint --fix --unsafe-fixes   # also the rewrites check suggests for rules without a fix
    """
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    runner = _runner(config_path, rulesets, disable, platform, max_points, use_cache=not no_cache, model=model)
    run = _execute(runner, paths, baseline=baseline, fix=fix and not diff, diff=diff, show_matches=show_matches,
                   unsafe_fixes=unsafe_fixes)
    for diff_text in run.diffs:
        click.echo(diff_text, nl=False)
    reporter = importlib.import_module(f"kefulint.cli.reporters.lint_{fmt}")
    if output:
        _write_report(output, lambda fh: reporter.render(run, show_matches, fh))
    elif not (diff and fmt == "text"):  # --diff alone prints just the diff
        reporter.render(run, show_matches, sys.stdout)
    for path in run.fixed:
        click.echo(f"已修正 fixed: {path}", err=True)
    hidden = sum(1 for f in run.findings if f.fix is not None and f.unsafe)
    if (fix or diff) and not unsafe_fixes and hidden:
        click.echo(f"kefulint: {hidden} 个问题只有非安全修正，未应用；加 --unsafe-fixes 应用 (unsafe fixes not applied "
                   f"to {hidden} findings: add --unsafe-fixes)", err=True)
    for path in run.unfixable:
        click.echo(f"kefulint: {path}: 有可修正的问题但无法安全改写（已跳过）(fixes not applied: the file could not be "
                   "rewritten safely)", err=True)
    if fmt != "text" or output or diff:
        click.echo(summary_line(run), err=True)
    if not run.files and not any("[lint]" in why for _, why in run.skipped):
        # nothing linted and no config that says so on purpose: a wrong path must not pass as clean
        from kefulint.config import SUPPORTED_SUFFIXES

        fail(f"nothing was linted: no template file in {', '.join(paths) or '.'} "
             f"(supported: {', '.join(SUPPORTED_SUFFIXES)}) (没有找到可检查的模板文件)")
    failed = fail_on != "never" and run.failed(Severity(fail_on) if fail_on else None)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Baseline file to write (default: [lint] baseline of the config, else "
                   ".kefulint-baseline.json). 基线文件")
@click.option("--no-cache", is_flag=True, help="Do not read or write .kefulint-cache/. 不用缓存")
@linter_options
def baseline(paths, output, no_cache, config_path, rulesets, disable, platform):
    """Write the current findings of PATHS to a baseline file; `lint --baseline` then reports
    only new ones.

    把当前的问题记入基线文件；之后 `kefulint lint --baseline` 只报告新增问题。
    """
    from kefulint.config import display_path
    from kefulint.templates import baseline as baseline_file

    runner = _runner(config_path, rulesets, disable, platform, use_cache=not no_cache)
    run = _execute(runner, paths, use_baseline=False)
    output = output or run.configured_baseline or ".kefulint-baseline.json"
    pairs = [(f, run.abs_paths[r.path]) for r in run.files for f in r.findings if not f.is_tool_finding]
    entries = baseline_file.write(output, pairs)
    output = display_path(Path(output).resolve())
    click.echo(f"基线已写入 {output}：{len(pairs)} 个问题，{entries} 条记录 "
               f"(baseline written: {len(pairs)} findings, {entries} entries)")
    click.echo(summary_line(run), err=True)
    sys.exit(ExitCode.CLEAN)


@click.command()
@click.option("--path", "path", type=click.Path(dir_okay=False), default="kefulint.toml", show_default=True,
              help="Where to write the starter config. 配置文件路径")
@click.option("--force", is_flag=True, help="Overwrite an existing file. 覆盖已有文件")
def init(path, force):
    """Write a commented starter kefulint.toml. 生成带注释的配置文件。"""
    from importlib import resources

    target = Path(path)
    if target.exists() and not force:
        fail(f"{path} already exists (use --force to overwrite) / 文件已存在")
    starter = resources.files("kefulint").joinpath("data/starter.toml").read_text(encoding="utf-8")
    from kefulint.atomicfile import write_atomic

    write_atomic(target, starter.encode("utf-8"))
    click.echo(f"已写入 {path}（wrote {path}）。下一步 next: kefulint lint")
    sys.exit(ExitCode.CLEAN)
