"""``kefulint eval``: precision / recall / F1 on a labelled JSONL set."""
from __future__ import annotations

import json
import sys

import click
from kefulint.evaluation import evaluate, keyword_predictor, linter_predictor, read_items
from kefulint.finding import Severity

from ..common import ExitCode, build_linter, fail
from ..options import linter_options


@click.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-precision", type=float, default=None, help="Exit 1 below this overall precision.")
@click.option("--min-recall", type=float, default=None, help="Exit 1 below this overall recall.")
@click.option("--severity", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Lowest severity that counts as a prediction. 计入预测的最低级别")
@click.option("--compare-keywords", is_flag=True, help="Also score a plain keyword filter on the same phrases. 对比关键词过滤")
@linter_options
def eval_cmd(paths, fmt, min_precision, min_recall, severity, compare_keywords, config_path, rulesets, disable, platform):
    """Score the linter on labelled lines {"id","text","labels":[categories],"context"?,"platform"?,"note"?}
    from one or more files: overall, per category, per note tag (the kinds of difficulty a note
    names before its colon), then every miss and false alarm.

    在一个或多个标注集上计算总体、每个类别、每种难点标签的准确率、召回率、F1，并列出漏报与误报。
    """
    items, problems, empty = [], [], []
    for path in paths:
        try:
            if path == "-":
                got, bad = read_items(sys.stdin, path)
            else:
                with open(path, encoding="utf-8-sig") as stream:
                    got, bad = read_items(stream, path)
        except UnicodeDecodeError as exc:  # a .gz, a workbook, another encoding: nothing of the file is read
            got, bad = [], []
            problems.append(f"{path}: not UTF-8 text (bad byte at {exc.start}); eval reads labelled JSON Lines "
                            "(不是 UTF-8 文本)")
        if not got:
            empty.append(f"no labelled line read from {path}; {len(bad)} lines skipped")
        items += got
        problems += bad
    for p in problems:
        click.echo(f"kefulint: {p}", err=True)
    if not items:  # scores of nothing are perfect: a gate on them would pass on the wrong file
        fail("; ".join(empty) + " (没有读到任何标注行)")
    for note in empty:
        click.echo(f"kefulint: warning: {note} (该文件没有读到标注行)", err=True)
    linter = build_linter(config_path, rulesets, disable, platform)
    report = evaluate(items, linter_predictor(linter, Severity(severity)))
    report.skipped = problems
    baseline = evaluate(items, keyword_predictor(linter)) if compare_keywords else None
    if fmt == "json":
        out = report.as_dict()
        if baseline:
            out["keyword_baseline"] = {"overall": baseline.overall.as_dict()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_text(report, baseline)
    below = (min_precision is not None and report.overall.precision < min_precision) or (
        min_recall is not None and report.overall.recall < min_recall
    )
    sys.exit(ExitCode.FINDINGS if below else ExitCode.CLEAN)


def _print_text(report, baseline) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=f"{report.items} labelled replies")
    for col in ("category", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="right" if col != "category" else "left")
    for cat, s in sorted(report.per_category.items()):
        table.add_row(cat, str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
    o = report.overall
    table.add_row("[bold]overall[/]", str(o.tp), str(o.fp), str(o.fn), f"[bold]{o.precision:.3f}", f"[bold]{o.recall:.3f}", f"[bold]{o.f1:.3f}")
    if baseline:
        b = baseline.overall
        table.add_row("keyword filter", str(b.tp), str(b.fp), str(b.fn), f"{b.precision:.3f}", f"{b.recall:.3f}", f"{b.f1:.3f}")
    console.print(table)
    if report.per_tag:
        tags = Table(title="per note tag 按难点标签")
        for col in ("tag", "TP", "FP", "FN", "precision", "recall"):
            tags.add_column(col, justify="right" if col != "tag" else "left")
        for tag, s in sorted(report.per_tag.items(), key=lambda kv: (kv[1].recall, kv[0])):
            tags.add_row(tag, str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.3f}", f"{s.recall:.3f}")
        console.print(tags)
    if report.misses:
        console.print(f"[bold]漏报 misses ({len(report.misses)})[/]")
        for item, cat in report.misses:
            console.print(f"  {item.id}  {cat}  {item.text}")
    if report.false_alarms:
        console.print(f"[bold]误报 false alarms ({len(report.false_alarms)})[/]")
        for item, cat, rules in report.false_alarms:
            console.print(f"  {item.id}  {cat} ({rules})  {item.text}")
