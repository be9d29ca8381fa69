"""The terminal summary of a scan: rich tables of points per agent, category and rule, the
worst conversations and the counts. Marked agents carry ⚑ (over threshold) / ☠ (fatal)."""
from __future__ import annotations

from collections.abc import Sequence

from kefulint.rules.categories import CATEGORIES
from kefulint.scan.summary import ScanSummary
from rich.console import Console, JustifyMethod
from rich.table import Table

MAX_ROWS = 20


def _columns(table: Table, columns: Sequence[tuple[str, JustifyMethod]]) -> None:
    for name, justify in columns:
        table.add_column(name, justify=justify)


def _mark(name: str, over: set[str], fatal: bool) -> str:
    marks = ("☠" if fatal else "") + ("⚑" if name in over else "")
    return f"{marks} {name}".strip()


def render(summary: ScanSummary, console: Console) -> None:
    data = summary.to_dict()
    flagged = summary.flagged()
    over = {summary.shown(name) for name in summary.over_threshold()}  # ⚑, by the names as printed
    c = data["counts"]

    counts = Table(title="Counts 统计", show_header=False)
    counts.add_column("what")
    counts.add_column("n", justify="right")
    for label, key in (("lines read 读取行数", "lines"), ("messages 消息", "messages"),
                       ("agent turns linted 客服消息", "agent_turns"), ("buyer turns 买家消息", "buyer_turns"),
                       ("skipped 跳过", "skipped"), ("conversations 会话", "conversations"),
                       ("findings 问题", "findings"), ("points 扣分", "points"),
                       ("fatal findings 致命项", "fatal_findings"),
                       ("fatal conversations 含致命项会话", "fatal_conversations")):
        counts.add_row(label, f"{c[key]:,}")
    console.print(counts)
    for f in data["files"]:
        console.print(f"  {f['source']}: {f['format']}, {f['encoding']}")

    agents = Table(title=f"Points per agent 客服扣分 (⚑ > {summary.thresholds.points} 分/"
                         f"{summary.thresholds.period}, ☠ 致命项)")
    _columns(agents, (("#", "right"), ("agent 客服", "left"), ("points 扣分", "right"),
                         ("findings 问题", "right"), ("fatal 致命", "right"), ("turns 消息", "right"),
                         ("slow/timed 超时", "right"), ("mean s 平均响应", "right")))
    for i, a in enumerate(data["agents"][:MAX_ROWS], start=1):
        agents.add_row(str(i), _mark(a["agent"], over, a["fatal"] > 0), str(a["points"]), str(a["findings"]),
                       str(a["fatal"]), str(a["turns"]), f"{a['slow_responses']}/{a['response_times']}",
                       "" if a["mean_response_seconds"] is None else f"{a['mean_response_seconds']:.1f}")
    if len(data["agents"]) > MAX_ROWS:
        agents.caption = f"{len(data['agents']) - MAX_ROWS} more agents in --summary-json / --html"
    if data["agents"]:  # no empty tables
        console.print(agents)

    if flagged:
        marked = Table(title="Marked agents 需关注客服")
        marked.add_column("agent 客服")
        marked.add_column("why 原因")
        for name, reasons in list(flagged.items())[:MAX_ROWS]:
            marked.add_row(summary.shown(name), "；".join(reasons[:4]) + (" …" if len(reasons) > 4 else ""))
        console.print(marked)

    cats = Table(title="Per category 按类别")
    _columns(cats, (("category 类别", "left"), ("", "left"), ("findings", "right"), ("points", "right")))
    for row in data["categories"]:
        cats.add_row(row["category"], CATEGORIES.get(row["category"], ""), str(row["findings"]), str(row["points"]))
    if data["categories"]:  # no empty tables
        console.print(cats)

    rules = Table(title="Per rule 按规则")
    _columns(rules, (("rule 规则", "left"), ("severity", "left"), ("findings", "right"), ("points", "right")))
    for row in data["rules"][:MAX_ROWS]:
        rules.add_row(row["rule"], row["severity"], str(row["findings"]), str(row["points"]))
    if data["rules"]:  # no empty tables
        console.print(rules)

    worst = Table(title="Worst conversations 问题最多的会话 (☠ 致命项)")
    _columns(worst, (("conversation 会话", "left"), ("points", "right"), ("agents 客服", "left"),
                         ("where 位置", "left")))
    for w in data["worst_conversations"]:
        worst.add_row(("☠ " if w["fatal"] else "") + w["conversation"], str(w["points"]),
                      ", ".join(w["agents"]), f"{w['source']}:{w['line']}")
    if data["worst_conversations"]:  # no empty tables
        console.print(worst)
    if "review" in data:
        _review(data["review"], console)
    for example in data["skipped_examples"]:
        console.print(f"skipped 跳过: {example}", style="yellow", markup=False)
    if c["skipped"] > len(data["skipped_examples"]):
        console.print(f"… {c['skipped'] - len(data['skipped_examples'])} more skipped lines", style="yellow")


def _review(review: dict, console: Console) -> None:
    queue = Table(title=f"Review queue 模型复核队列: {review['shown']} of {review['flagged']:,} messages the rules did "
                        "not flag, most probable first (规则未命中、模型疑似违规)")
    for col, justify in (("#", "right"), ("p", "right"), ("category 类别", "left"), ("n-grams 关键片段", "left"),
                         ("message 消息", "left"), ("where 位置", "left")):
        queue.add_column(col, justify=justify)  # type: ignore[arg-type]  # "right"/"left" literals from a tuple
    for i, r in enumerate(review["messages"], start=1):
        queue.add_row(str(i), f"{r['probability']:.2f}", r["category"], " ".join(g for g, _ in r["ngrams"][:3]),
                      r["text"][:60] + ("…" if len(r["text"]) > 60 else ""), f"{r['source']}:{r['line']}")
    if review["messages"]:
        console.print(queue)
    else:
        console.print("Review queue 模型复核队列: the model flagged no message the rules missed.")
