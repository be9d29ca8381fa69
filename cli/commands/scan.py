"""``kefulint scan``: batch quality inspection (质检) of exported chat logs."""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import signal
import sys
import threading
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

import click
from kefulint.atomicfile import atomic_binary, write_atomic
from kefulint.config import ConfigError, load_config
from kefulint.scan.config import SCAN_FIELDS, ScanConfig, scan_config
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.pipeline import Output, default_jobs, scan_batches, steady_heap
from kefulint.scan.readers import ENCODINGS, FORMATS, LogFormat, LogReader, Skip, parse_mapping
from kefulint.scan.summary import ScanSummary, Thresholds

from ..common import ExitCode, build_linter, fail, fail_on_rank
from ..options import SEVERITY_CHOICE, linter_options

SKIPS_PRINTED = 20  # the rest are counted
DEFAULT_REVIEW = 20  # messages in the review queue when the model is on without --review
HTML_ROWS = 20000  # findings in the HTML table; the full list is in --output


def _scan_config(config_path: str | None) -> ScanConfig:
    """The ``[scan]`` table of the config, checked with every other table; exits 2 listing every problem."""
    try:
        config = load_config(config_path, sections={"scan": SCAN_FIELDS})
    except ConfigError as exc:
        fail("invalid config:\n  " + "\n  ".join(exc.errors))
    return scan_config(config.checked.get("scan", {}), config.warnings)


def _open_output(path: str, binary_stdout, stack: contextlib.ExitStack):
    """The findings stream. A file is written to a temporary file and renamed over ``path``
    when the scan completes: Ctrl-C or a kill leaves the old report (or none), never a torn one."""
    if path == "-":
        return io.TextIOWrapper(binary_stdout, encoding="utf-8", newline="", write_through=True)
    raw: BinaryIO | gzip.GzipFile = stack.enter_context(atomic_binary(path))
    if path.endswith(".gz"):
        # mtime=0: the same scan gives the same bytes
        raw = gzip.GzipFile(filename=Path(path).name.removesuffix(".gz"), fileobj=raw, mode="wb", mtime=0)
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_unwinds():
    """A kill (SIGTERM) unwinds like Ctrl-C: temporary files removed, no report half written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _finish(stream: io.TextIOWrapper) -> None:
    """Flush the findings stream; the temporary file under it stays open for the rename."""
    stream.flush()
    inner = stream.detach()
    if isinstance(inner, gzip.GzipFile):
        inner.close()  # writes the gzip trailer; a fileobj given to GzipFile is not closed


@click.command("scan", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True)
@click.option("--input-format", "input_format", type=click.Choice(FORMATS), default=None,
              help="Log format (default auto: by extension and first line); jddc implies --platform jd. 日志格式")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN,...",
              help="Field mapping, e.g. text=content,role=waiter_send,conversation=session_id,agent=staff,time=ts. 字段映射")
@click.option("--line-pattern", default=None, metavar="REGEX",
              help="Plain-text line pattern with groups time, speaker (or agent/buyer/role), text. 文本行格式")
@click.option("--encoding", type=click.Choice(ENCODINGS), default=None,
              help="Input encoding (default auto-detected per file: UTF-8, UTF-16 with BOM, or GB18030). 编码")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="PATH",
              help="Write findings here ('-' for stdout; .csv -> CSV, else JSONL; .gz compressed). 问题明细")
@click.option("--format", "out_format", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Findings format (default from the --output extension); without -o the findings go to "
                   "standard output and the summary to standard error.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None, metavar="PATH", help="Self-contained HTML report. 网页报告")
@click.option("--summary-json", "summary_json", type=click.Path(dir_okay=False), default=None, metavar="PATH",
              help="Write the summary (counts, agents, categories, rules) as JSON. 汇总 JSON")
@click.option("--skipped", "skipped_path", type=click.Path(dir_okay=False), default=None, metavar="PATH",
              help="Write every skipped line here, one 'file:line: reason' a line. 全部跳过行的清单")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Worst conversations to list (default 10).")
@click.option("--threshold", "threshold_points", type=click.IntRange(min=0), default=None,
              help="Mark agents over this many points per period (default 60; warnings and errors "
                   "count, info does not). 扣分阈值")
@click.option("--period", type=click.Choice(["day", "week", "month", "year", "all"]), default=None,
              help="Period of the threshold (default month; needs timestamps, else use all). 阈值周期")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores). 并行进程数")
@click.option("--fail-on", type=SEVERITY_CHOICE, default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--strict", is_flag=True, help="Exit 2 when any line was skipped. 有跳过的行时失败")
@click.option("--show-matches", is_flag=True, help="Show personal data unmasked in reports. 显示未打码内容")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no terminal summary, no skipped line printed (their number is).")
@click.option("--review", "review", type=click.IntRange(min=1), default=None, metavar="N",
              help="List the N messages the rules did not flag that the review model ranks most likely to be "
                   "violations (turns the model on). 模型复核队列")
@click.option("--model", "model", is_flag=True, default=None,
              help=f"Turn the review model on: a queue of {DEFAULT_REVIEW} in the summary, JSON and HTML. 启用模型")
@linter_options
def scan(inputs, input_format, mapping, line_pattern, encoding, output, out_format, html_path, summary_json,
         skipped_path, top, threshold_points, period, jobs, fail_on, strict, show_matches, quiet, review, model,
         config_path, rulesets, disable, platform) -> None:
    """Scan exported chat logs: every agent turn judged with the buyer turns before it,
    service rules (response time, greeting, farewell), points per agent.

    质检聊天记录：逐条检查客服消息（结合买家上文），统计每位客服的扣分、致命项与最差会话。

    INPUTS are files, directories, globs, .gz files or - for stdin (JSONL, CSV/TSV, JDDC TSV,
    plain-text exports).
    """
    if out_format and not output:
        output = "-"  # --format names the findings stream: without -o it goes to standard output
    config = _scan_config(config_path)
    for warning in config.warnings:
        click.echo(f"kefulint: warning: {warning}", err=True)
    log = _log_format(config.log, input_format, mapping, line_pattern, encoding)
    t = config.thresholds
    thresholds = Thresholds(points=t.points if threshold_points is None else threshold_points,
                            period=period or t.period, counts=t.counts, severity=t.severity)
    if platform is None and log.format == "jddc":
        platform = "jd"  # the JDDC corpus is JD's customer service: its own channels are JD's
    linter = build_linter(config_path, rulesets, disable, platform, **({"model": True} if model or review else {}))
    judge = ConversationJudge(linter, config.service)
    reader = LogReader(list(inputs), log, stdin=sys.stdin.buffer if "-" in inputs else None)
    if reader.errors:
        fail("\n  ".join(["cannot read input:"] + reader.errors))
    new_summary = partial(ScanSummary, thresholds, top=top or config.top,
                          review=review or (DEFAULT_REVIEW if linter.use_model else 0), show_matches=show_matches)
    summary = new_summary()
    html_rows: list[dict] | None = [] if html_path else None
    with contextlib.ExitStack() as stack:
        stack.enter_context(_sigterm_unwinds())
        writer = None
        if output:
            from ..reporters.scan_findings import FindingsWriter, format_for

            try:
                findings_out = _open_output(output, sys.stdout.buffer, stack)
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
            stack.callback(_finish, findings_out)  # before the rename: callbacks run last-in first
            writer = FindingsWriter(findings_out, format_for(output, out_format))
        skipped_out = None
        if skipped_path:
            try:
                skipped_out = _open_output(skipped_path, sys.stdout.buffer, stack)
            except OSError as exc:
                fail(f"cannot write {skipped_path}: {exc.strerror or exc}")
            stack.callback(_finish, skipped_out)
        # workers judge, total and render; this process reads, merges and writes, in order
        work = Output(summary=new_summary, render=writer.render if writer is not None else None,
                      show_matches=show_matches, keep_records=HTML_ROWS if html_path else 0)
        steady_heap()  # large blocks freed go back to the system: a steady peak RSS
        stream = scan_batches(reader, judge, work, jobs=jobs or config.jobs or default_jobs(),
                              max_open=config.max_open)
        stack.callback(stream.close)  # a stopped scan ends its worker pool here, not at interpreter exit
        with _progress(reader, sys.stderr.isatty() and not quiet) as advance:
            for item in stream:
                if isinstance(item, Skip):
                    summary.add_skip(item)
                    if skipped_out is not None:
                        skipped_out.write(f"{item}\n")
                    if not quiet and summary.counts["skipped"] <= SKIPS_PRINTED:
                        click.echo(f"kefulint: skipped {item}", err=True)
                    continue
                summary.merge(item.summary)
                if writer is not None and item.rendered:
                    writer.write_rendered(item.rendered)
                if html_rows is not None and len(html_rows) < HTML_ROWS:
                    html_rows.extend(item.records[: HTML_ROWS - len(html_rows)])
                advance(summary.counts["messages"])
    if not quiet and (hint := _unlisted_skips(summary.counts["skipped"], SKIPS_PRINTED, skipped_path)):
        click.echo(hint, err=True)
    summary.counts["lines"] = reader.lines
    summary.files = [{"source": s, "format": f, "encoding": e} for s, f, e in reader.files]
    _write_reports(summary, summary_json, html_path, html_rows)
    c = summary.counts
    if not quiet:
        from rich.console import Console

        from ..reporters.scan_terminal import render

        render(summary, Console(stderr=output == "-", highlight=False, soft_wrap=False))
    click.echo(f"kefulint: read {c['lines']:,} lines 读取; {c['agent_turns']:,} agent turns linted 客服消息; "
               f"{c['buyer_turns']:,} buyer turns 买家消息; {c['skipped']:,} skipped 跳过; "
               f"{c['findings']:,} findings 问题, {c['points']:,} points 扣分", err=True)
    if quiet and (hint := _unlisted_skips(c["skipped"], 0, skipped_path)):
        click.echo(hint, err=True)
    for note in reader.notes:
        click.echo(f"kefulint: {note}", err=True)
    if not c["agent_turns"]:
        # an unreadable layout must not pass as a clean log
        click.echo("kefulint: nothing was linted: no agent turn was read (没有读到任何客服消息)"
                   + ("" if reader.notes else "; check the role column / --map role=COLUMN and --input-format"),
                   err=True)
        sys.exit(ExitCode.USAGE)
    if strict and c["skipped"]:
        click.echo(f"kefulint: --strict: {c['skipped']} line(s) skipped", err=True)
        sys.exit(ExitCode.USAGE)
    sys.exit(ExitCode.FINDINGS if summary.max_rank >= fail_on_rank(fail_on) else ExitCode.CLEAN)


def _unlisted_skips(skipped: int, printed: int, skipped_path: str | None) -> str | None:
    """The line after the skipped lines printed (the first ``printed``) that counts the rest and
    says where all of them are; None when every one was printed."""
    rest = skipped - min(skipped, printed)
    if not rest:
        return None
    if skipped_path:
        where = f"all listed in {'standard output' if skipped_path == '-' else skipped_path}"
    else:
        where = "use --skipped PATH to list them all"
    if printed:
        return f"kefulint: … {rest:,} more skipped lines ({where}) (另有 {rest:,} 行跳过，未显示)"
    return f"kefulint: … {rest:,} skipped lines ({where}) ({rest:,} 行跳过，未显示)"


def _log_format(log: LogFormat, input_format, mapping, line_pattern, encoding) -> LogFormat:
    """The config's log format with the command-line options applied; exits 2 on bad ones."""
    changes: dict = {}
    if input_format:
        changes["format"] = input_format
    if mapping:
        merged = dict(log.mapping)
        try:
            for spec in mapping:
                merged.update(parse_mapping(spec))
        except ValueError as exc:
            fail(str(exc))
        changes["mapping"] = merged
    if line_pattern:
        try:
            re.compile(line_pattern)
        except re.error as exc:
            fail(f"--line-pattern is not a valid regular expression: {exc}")
        changes["line_pattern"] = line_pattern
    if encoding:
        changes["encoding"] = encoding
    return replace(log, **changes) if changes else log


@contextlib.contextmanager
def _progress(reader: LogReader, enabled: bool):
    """A rich progress bar on stderr (bytes read, messages judged); yields advance(messages)."""
    if not enabled:
        yield lambda messages: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("scan 质检"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                        TextColumn("{task.fields[msgs]:,} msgs"), console=Console(stderr=True), transient=True)
    task = progress.add_task("scan", total=reader.total_bytes(), msgs=0)
    with progress:
        yield lambda messages: progress.update(task, completed=reader.bytes_read, msgs=messages)


def _write_reports(summary: ScanSummary, summary_json: str | None, html_path: str | None,
                   html_rows: list[dict] | None) -> None:
    if summary_json:
        try:
            write_atomic(summary_json, (json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")
                         .encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {summary_json}: {exc.strerror or exc}")
    if html_path:
        from ..reporters.scan_html import render_html

        rows = html_rows or []
        try:
            write_atomic(html_path, render_html(summary, rows, truncated=summary.counts["findings"] > len(rows))
                         .encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {html_path}: {exc.strerror or exc}")
