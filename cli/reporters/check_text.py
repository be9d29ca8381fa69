"""Human-readable output of ``check`` (rich). Imported only when printing."""
from __future__ import annotations

from kefulint.text.mask import mask_text
from rich.console import Console
from rich.text import Text

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(results, show_matches: bool, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    total = 0
    flagged = 0
    for msg, res in results:
        total += 1
        if not res.findings:
            continue
        flagged += 1
        shown = msg.text if show_matches else mask_text(msg.text, [(f.start, f.end) for f in res.findings if f.sensitive])
        text = Text(shown)
        for f in res.findings:
            text.stylize("reverse " + _STYLE[f.severity.value], f.start, f.end)
        console.print(Text(f"{msg.id}  ", style="bold") + text)
        for f in res.findings:
            head = Text(f"  {f.severity.value:<7} ", style=_STYLE[f.severity.value])
            head.append(f"{f.rule}", style="bold")
            head.append(f"  [{f.category}]  {f.points} 分" + ("  ⚠ 开除项" if f.fatal else ""))
            console.print(head)
            console.print(f"          {f.message}：「{f.shown_match(show_matches)}」")
            console.print(Text(f"          建议：{f.suggestion}", style="green"))
        console.print(Text(f"  合计 {res.points} 分", style="bold"))
    console.print(
        Text(f"{total} 条消息，{flagged} 条有问题 ({total} messages, {flagged} with findings)", style="dim")
    )
