"""Human-readable output of ``check``: the reply with its findings marked, each finding, the
points, and the suggested text (or that the reply needs rewriting). Colour only on a terminal;
plain click (no rich), imported only for colour, so that ``kefulint check "…"`` starts fast."""
from __future__ import annotations

import sys
from typing import TextIO

from kefulint.text.mask import mask_text

_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(results, show_matches: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    color = out.isatty() if hasattr(out, "isatty") else False
    if color:
        import click

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    total = flagged = 0
    for msg, res in results:
        total += 1
        if not res.findings:
            continue
        flagged += 1
        shown = msg.text if show_matches else mask_text(msg.text, [(f.start, f.end) for f in res.findings if f.sensitive])
        if color:
            shown = _marked(shown, res.findings)
        out.write(f"{style(msg.id, bold=True)}  {shown}\n")
        for f in res.findings:
            sev = f.severity.value
            fatal = "  ⚠ 开除项" if f.fatal else ""
            out.write(f"  {style(f'{sev:<7}', fg=_COLOR[sev])} {style(f.rule, bold=True)}  [{f.category}]  "
                      f"{f.points} 分{fatal}\n")
            out.write(f"          {f.message}：「{f.shown_match(show_matches)}」\n")
            out.write(style(f"          建议：{f.suggestion}", fg="green") + "\n")
        out.write(style(f"  合计 {res.points} 分", bold=True) + "\n")
        if res.needs_rewrite:
            out.write(style("  需要人工改写：没有能让这条回复合规的自动修改 (needs rewriting)", fg="red") + "\n")
        elif res.edits:
            out.write(style(f"  建议文本 suggested：{res.shown_suggested_text(show_matches)}", fg="green") + "\n")
    out.write(style(f"{total} 条消息，{flagged} 条有问题 ({total} messages, {flagged} with findings)", dim=True) + "\n")


def _marked(text: str, findings) -> str:
    """The findings' spans in reverse video (spans of one message may nest or overlap)."""
    import click

    covered = [None] * len(text)
    for f in findings:
        for i in range(f.start, min(f.end, len(text))):
            if covered[i] is None:
                covered[i] = f.severity.value
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and covered[j] == covered[i]:
            j += 1
        piece = text[i:j]
        out.append(click.style(piece, fg=_COLOR[covered[i]], reverse=True) if covered[i] else piece)
        i = j
    return "".join(out)
