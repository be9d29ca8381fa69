"""``kefulint rules``: list rulesets and rules, or show one rule with its examples.

On a terminal: a table. Piped (``kefulint rules | grep contact.mobile``): plain tab-separated
lines, never cut. ``--format json`` / ``jsonl`` for programs. The conversation-level rules of
``kefulint scan`` (``service.*``) are listed and shown like any other."""
from __future__ import annotations

import json
import sys

import click

from ..common import build_linter
from ..options import linter_options

RULES_SCHEMA = "kefulint.rules/1"
COLUMNS = ("ruleset", "id", "category", "severity", "points", "message")


_SPEAKER = {"buyer": "买家", "agent": "客服"}


def _example(ex) -> dict:
    if ex.conversation:
        return {"conversation": [{"role": role, "text": text, "at": at} for role, text, at in ex.conversation]}
    return {"text": ex.text, "context": list(ex.context)}


def _example_line(ex: dict) -> str:
    if "conversation" in ex:
        turns = []
        for t in ex["conversation"]:
            at = "" if t["at"] is None else f" @{t['at']:g}s"
            turns.append(f"{_SPEAKER.get(t['role'], t['role'])}{at}: {t['text']}")
        return " / ".join(turns)
    ctx = f"  (买家: {' / '.join(ex['context'])})" if ex["context"] else ""
    return f"{ex['text']}{ctx}"


def _record(r) -> dict:
    return {"id": r.id, "kind": r.kind, "category": r.category, "ruleset": r.ruleset, "severity": r.severity.value,
            "points": r.points, "message": r.message, "suggestion": r.suggestion, "reference": r.reference,
            "fatal": r.fatal, "sensitive": r.sensitive, "fix": r.fix, "yields_to": list(r.yields_to),
            "bad": [_example(e) for e in r.bad], "good": [_example(e) for e in r.good]}


@click.command()
@click.argument("rule_id", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="Output format; text is a table on a terminal, tab-separated lines when piped. 输出格式")
@linter_options
def rules(rule_id, fmt, config_path, rulesets, disable, platform):
    """List enabled rules with points, or show RULE_ID with its examples. 列出规则或查看单条规则。

    \b
    kefulint rules | grep contact.        # one tab-separated line per rule when piped
    kefulint rules --format json          # {"schema", "count", "rules": [...]}
    kefulint rules service.greeting
    """
    linter = build_linter(config_path, rulesets, disable, platform)
    records = [_record(r) for r in linter.rules]
    if rule_id:
        found = [r for r in records if r["id"] == rule_id]
        if not found:
            from kefulint.errors import nearest

            close = nearest(rule_id, [r["id"] for r in records])
            hint = close if "did you mean" in close else " (see `kefulint rules`)"
            raise click.UsageError(f"no enabled rule '{rule_id}'{hint}")
        records = found
    if fmt == "json":
        payload = records[0] if rule_id else {"schema": RULES_SCHEMA, "count": len(records), "rules": records}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for r in records:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif rule_id:
        _show(records[0])
    elif sys.stdout.isatty():
        _table(records)
    else:
        click.echo("\t".join(COLUMNS))
        for r in records:
            click.echo("\t".join(str(r[c]) for c in COLUMNS))


def _show(r: dict) -> None:
    click.echo(f"{r['id']}  ruleset {r['ruleset']}  category {r['category']}  kind {r['kind']}")
    click.echo(f"severity {r['severity']}  points {r['points']}" + ("  fatal 开除项" if r["fatal"] else ""))
    click.echo(f"message:    {r['message']}")
    click.echo(f"suggestion: {r['suggestion']}")
    if r["reference"]:
        click.echo(f"reference:  {r['reference']}")
    if r["yields_to"]:
        click.echo(f"yields to:  {', '.join(r['yields_to'])} (dropped where a finding of these is in the same reply 同一条回复中有此类问题时不另计)")
    for label, key in (("bad 违规示例", "bad"), ("good 合规示例", "good")):
        if r[key]:
            click.echo(label)
        for ex in r[key]:
            click.echo(f"  - {_example_line(ex)}")


def _table(records: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(records)} rules")
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(*(str(r[c]) for c in COLUMNS))
    Console(highlight=False).print(table)
