"""``lint --format text``: one line per finding, ``path:line:col: severity rule message``."""
from __future__ import annotations

from typing import TextIO

import click

_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(run, show_matches: bool, out: TextIO) -> None:
    from ..commands.lint import summary_line

    color = out.isatty() if hasattr(out, "isatty") else False
    for report in run.files:
        for f in report.findings:
            where = click.style(f"{f.path}:{f.line}:{f.column}:", bold=True) if color else f"{f.path}:{f.line}:{f.column}:"
            sev = click.style(f.severity.value, fg=_COLOR[f.severity.value]) if color else f.severity.value
            match = f.shown_match(show_matches)
            shown = f"「{match}」" if match else ""
            label = f" [{f.label}]" if f.label else ""
            points = f" {f.points}分" if f.points else ""
            fixable = " (可自动修正 fixable)" if f.fix is not None else ""
            out.write(f"{where} {sev} {f.rule} {f.message}{shown}{label}{points}{fixable}\n")
            if f.suggestion:
                out.write(f"    建议：{f.suggestion}\n")
    out.writelines(f"跳过 skipped: {path}: {why}\n" for path, why in run.skipped)
    out.write(summary_line(run) + "\n")
