"""``kefulint check``: lint replies before they are sent."""
from __future__ import annotations

import json
import sys

import click

from ..common import SEVERITY_CHOICE, ExitCode, build_linter, fail_on_rank, linter_options
from ..inputs import read_messages

CHECK_SCHEMA = "kefulint.check/1"  # bump when a field changes meaning or goes away


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="Output format. 输出格式")
@click.option("--context", "context", multiple=True,
              help="A buyer turn before the reply (repeatable, oldest first). 买家上文")
@click.option("--show-matches", is_flag=True, help="Print contact data unmasked. 显示未打码的联系方式")
@click.option("--fail-on", type=SEVERITY_CHOICE, default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity. 失败阈值")
@click.option("--explain", is_flag=True, help="Show search forms, tokens and every candidate. 解释判定过程")
@click.option("--model", "model", is_flag=True, default=None,
              help="Add the review model's model.<category> findings (info, 0 points). 模型复核提示")
@linter_options
def check(inputs, fmt, context, show_matches, fail_on, explain, model, config_path, rulesets, disable, platform):
    """Check replies: TEXT, FILE (.txt one per line, .jsonl with id/text/context) or - for stdin.

    检查回复：直接给文本，或文件（.txt 每行一条，.jsonl 含 id/text/context），- 表示标准输入。

    \b
    kefulint check "亲，加我微信 abc_123"
    kefulint check --context "有QQ吗" "有，5738201946"
    kefulint check --format json drafts.txt
    kefulint check --model --explain "亲，咱们私下转账更划算"
    """
    linter = build_linter(config_path, rulesets, disable, platform, **({"model": True} if model else {}))
    problems: list = []
    threshold = fail_on_rank(fail_on)
    failed = False
    results = []
    for msg in read_messages(inputs, problems):
        ctx = list(msg.context) + list(context)
        if explain:
            _print_explain(linter.explain(msg.text, ctx), show_matches)
            res = linter.check(msg.text, ctx)
        else:
            res = linter.check(msg.text, ctx)
        failed = failed or any(f.severity.rank >= threshold for f in res.findings)
        for err in res.errors:
            click.echo(f"kefulint: {msg.id}: {err}", err=True)
        results.append((msg, res))
        if fmt == "jsonl":
            click.echo(json.dumps(_record(msg, res, show_matches), ensure_ascii=False))
    if fmt == "json":
        click.echo(json.dumps([_record(m, r, show_matches) for m, r in results], ensure_ascii=False, indent=2))
    elif fmt == "text" and not explain:
        from ..reporters.check_text import render

        render(results, show_matches)
    for p in problems:
        click.echo(f"kefulint: {p.where}: {p.what}", err=True)
    if problems and not results:
        sys.exit(ExitCode.USAGE)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def _record(msg, res, show_matches: bool) -> dict:
    return {
        "schema": CHECK_SCHEMA,
        "id": msg.id,
        "points": res.points,
        "blocked": res.blocked,
        "fatal": res.fatal,
        "findings": [f.to_dict(show_matches) for f in res.findings],
    }


def _print_explain(info: dict, show_matches: bool) -> None:
    from kefulint.text.mask import mask_sensitive

    res = info["result"]
    sensitive = any(f.sensitive for f in res.findings) and not show_matches

    def shown(s: str) -> str:
        return mask_sensitive(s) if sensitive else s

    click.echo(f"原文 text:      {shown(info['text'])}")
    click.echo(f"归一 folded:    {shown(info['folded'])}")
    click.echo(f"紧凑 compact:   {shown(info['compact'])}")
    click.echo(f"分词 tokens:    {' / '.join(shown(t) for t in info['tokens'])}")
    click.echo(f"平台 platform:  {info['platform']}")
    if not info["candidates"]:
        click.echo("候选 candidates: (none)")
    for c in info["candidates"]:
        mark = "✔" if c["status"] == "confirmed" else "✘"
        click.echo(f"  {mark} {c['rule']:<34} 「{shown(c['text'])}」 {c['status']}: {c['reason']}")
    click.echo(f"结果 result:    {len(res.findings)} findings, {res.points} points")
    if info.get("model") is not None:
        from kefulint.model.weights import THRESHOLD

        click.echo(f"模型 model:     the 3 most probable categories (flagged at p >= {THRESHOLD})")
        for v in info["model"]:
            mark = "✔" if v["probability"] >= THRESHOLD else "·"
            grams = "  ".join(f"{shown(g)} {w:+.2f}" for g, w in v["grams"]) or "(no n-gram for it)"
            click.echo(f"  {mark} {v['category']:<26} p={v['probability']:.3f}  {grams}")
