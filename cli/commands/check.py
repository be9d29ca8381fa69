"""``kefulint check``: lint replies before they are sent."""
from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..common import SEVERITY_CHOICE, ExitCode, build_linter, fail, fail_on_rank, linter_options
from ..inputs import path_problem, read_messages

CHECK_SCHEMA = "kefulint.check/1"  # bump when a field changes meaning or goes away


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--text", "texts", multiple=True, metavar="TEXT",
              help="A reply to check, never read as a file name (repeatable). 直接给出回复文本")
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
def check(inputs, texts, fmt, context, show_matches, fail_on, explain, model, config_path, rulesets, disable, platform):
    """Check replies: TEXT, FILE (.txt one per line, .jsonl with id/text/context) or - for stdin.

    检查回复：直接给文本，或文件（.txt 每行一条，.jsonl 含 id/text/context），- 表示标准输入。
    An argument that looks like a path but names no file, or a directory, stops with exit 2.

    \b
    kefulint check "亲，加我微信 abc_123"
    kefulint check --context "有QQ吗" "有，5738201946"
    kefulint check --format json drafts.txt
    kefulint check --text "drafts.txt"        # a reply that looks like a file name
    """
    if not inputs and not texts:
        raise click.UsageError("give a reply, a file (.txt, .jsonl) or - (stdin), or --text TEXT")
    bad = [f"{arg}: {why}" for arg in inputs if (why := path_problem(arg))]
    if bad:
        fail("\n  ".join(["cannot check:"] + bad) if len(bad) > 1 else bad[0])
    linter = build_linter(config_path, rulesets, disable, platform, **({"model": True} if model else {}))
    problems: list = []
    threshold = fail_on_rank(fail_on)
    failed = False
    results: list[tuple[Any, Any]] = []  # (message, Result)
    explained: dict[int, dict] = {}  # message index -> its explanation, for the JSON formats
    for msg in read_messages(inputs, problems, texts):
        ctx = list(msg.context) + list(context)
        res = linter.check(msg.text, ctx)
        if explain:
            info = _explanation(linter.explain(msg.text, ctx), show_matches)
            if fmt == "text":
                _print_explain(info, res)
            else:
                explained[len(results)] = info
        failed = failed or any(f.severity.rank >= threshold for f in res.findings)
        for err in res.errors:
            click.echo(f"kefulint: {msg.id}: {err}", err=True)
        if fmt == "jsonl":
            click.echo(json.dumps(_record(msg, res, show_matches, explained.get(len(results))), ensure_ascii=False))
        results.append((msg, res))
    if fmt == "json":
        records = [_record(m, r, show_matches, explained.get(i)) for i, (m, r) in enumerate(results)]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "text" and not explain:
        from ..reporters.check_text import render

        render(results, show_matches)
    for p in problems:
        click.echo(f"kefulint: {p.where}: {p.what}", err=True)
    if not results:
        if not problems:
            click.echo(f"kefulint: nothing to check: no reply in {', '.join(inputs)} (读取不到任何回复)", err=True)
        sys.exit(ExitCode.USAGE)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def _record(msg, res, show_matches: bool, explanation: dict | None = None) -> dict:
    record = {
        "schema": CHECK_SCHEMA,
        "id": msg.id,
        "points": res.points,
        "blocked": res.blocked,
        "fatal": res.fatal,
        "findings": res.finding_dicts(show_matches),
        "suggested_text": res.shown_suggested_text(show_matches),
        "needs_rewrite": res.needs_rewrite,
    }
    if explanation is not None:
        record["explain"] = explanation
    return record


def _explanation(info: dict, show_matches: bool) -> dict:
    """What ``--explain`` shows, as data: search forms, tokens and every candidate with its fate,
    contact data masked unless ``show_matches``."""
    from kefulint.text.mask import mask_sensitive

    res = info["result"]
    sensitive = any(f.sensitive for f in res.findings) and not show_matches

    def shown(s: str) -> str:
        return mask_sensitive(s) if sensitive else s

    return {
        "text": shown(info["text"]),
        "folded": shown(info["folded"]),
        "compact": shown(info["compact"]),
        "tokens": [shown(t) for t in info["tokens"]],
        "platform": info["platform"],
        "configured_platform": info["configured_platform"],
        "model": info.get("model"),
        "skipped": info["skipped"],
        "candidates": [{"rule": c["rule"], "start": c["start"], "end": c["end"], "text": shown(c["text"]),
                        "status": c["status"], "reason": shown(c["reason"])} for c in info["candidates"]],
    }


def _print_explain(info: dict, res) -> None:
    click.echo(f"原文 text:      {info['text']}")
    click.echo(f"归一 folded:    {info['folded']}")
    click.echo(f"紧凑 compact:   {info['compact']}")
    click.echo(f"分词 tokens:    {' / '.join(info['tokens'])}")
    configured = "" if info["platform"] == info["configured_platform"] else f" (configured {info['configured_platform']})"
    click.echo(f"平台 platform:  {info['platform']}{configured}")
    for skipped in info["skipped"]:
        click.echo(f"  – {skipped['rule']:<34} skipped: {skipped['reason']}")
    if not info["candidates"]:
        click.echo("候选 candidates: (none)")
    for c in info["candidates"]:
        mark = "✔" if c["status"] == "confirmed" else "✘"
        click.echo(f"  {mark} {c['rule']:<34} 「{c['text']}」 {c['status']}: {c['reason']}")
    click.echo(f"结果 result:    {len(res.findings)} findings, {res.points} points")
    if info.get("model") is not None:
        from kefulint.model.weights import THRESHOLD

        click.echo(f"模型 model:     the 3 most probable categories (flagged at p >= {THRESHOLD})")
        for v in info["model"]:
            mark = "✔" if v["probability"] >= THRESHOLD else "·"
            grams = "  ".join(f"{g} {w:+.2f}" for g, w in v["grams"]) or "(no n-gram for it)"
            click.echo(f"  {mark} {v['category']:<26} p={v['probability']:.3f}  {grams}")
