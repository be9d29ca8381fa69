"""``kefulint rules``: list rulesets and rules, or show one rule with its examples."""
from __future__ import annotations

import click

from ..common import build_linter, linter_options

_SPEAKER = {"buyer": "买家", "agent": "客服"}


def _example(ex) -> str:
    if ex.conversation:
        return " / ".join(f"{_SPEAKER[role]}{'' if at is None else f' @{at:g}s'}: {text}"
                          for role, text, at in ex.conversation)
    ctx = f"  (买家: {' / '.join(ex.context)})" if ex.context else ""
    return f"{ex.text}{ctx}"


@click.command()
@click.argument("rule_id", required=False)
@linter_options
def rules(rule_id, config_path, rulesets, disable, platform):
    """List enabled rules with points, or show RULE_ID with its examples. 列出规则或查看单条规则。"""
    from rich.console import Console
    from rich.table import Table

    linter = build_linter(config_path, rulesets, disable, platform)
    console = Console(highlight=False)
    if rule_id:
        matches = [r for r in linter.rules if r.id == rule_id]
        if not matches:
            raise click.UsageError(f"no enabled rule '{rule_id}' (see `kefulint rules`)")
        r = matches[0]
        console.print(f"[bold]{r.id}[/]  ruleset {r.ruleset}  category {r.category}  kind {r.kind}")
        console.print(f"severity {r.severity.value}  points {r.points}" + ("  fatal 开除项" if r.fatal else ""))
        console.print(f"message:    {r.message}")
        console.print(f"suggestion: {r.suggestion}")
        if r.reference:
            console.print(f"reference:  {r.reference}")
        for label, examples in (("bad 违规示例", r.bad), ("good 合规示例", r.good)):
            console.print(f"[bold]{label}[/]")
            for ex in examples:
                console.print(f"  - {_example(ex)}", markup=False)
        return
    table = Table(title=f"{len(linter.rules)} rules")
    for col in ("ruleset", "id", "category", "severity", "points", "message"):
        table.add_column(col)
    for r in linter.rules:
        table.add_row(r.ruleset, r.id, r.category, r.severity.value, str(r.points), r.message)
    console.print(table)
