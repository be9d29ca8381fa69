"""``lint --format text``: one line per finding, ``path:line:col: severity rule message``."""
from __future__ import annotations

from collections import Counter
from typing import TextIO

import click
from kefulint.finding import Severity

_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(run, show_matches: bool, out: TextIO) -> None:
    color = out.isatty() if hasattr(out, "isatty") else False
    for report in run.files:
        for f in report.findings:
            where = click.style(f"{f.path}:{f.line}:{f.column}:", bold=True) if color else f"{f.path}:{f.line}:{f.column}:"
            sev = click.style(f.severity.value, fg=_COLOR[f.severity.value]) if color else f.severity.value
            match = f.shown_match(show_matches)
            shown = f"「{match}」" if match else ""
            label = f" [{f.label}]" if f.label else ""
            points = f" {f.points}分" if f.points else ""
            if f.fix is not None:
                fixable = " (可用 --unsafe-fixes 修正 unsafe fix)" if f.unsafe else " (可自动修正 fixable)"
            else:
                fixable = " (需要人工改写 needs rewriting)" if f.needs_rewrite else ""
            out.write(f"{where} {sev} {f.rule} {f.message}{shown}{label}{points}{fixable}\n")
            if f.suggestion:
                out.write(f"    建议：{f.suggestion}\n")
    out.writelines(f"跳过 skipped: {path}: {why}\n" for path, why in run.skipped)
    out.write(summary_line(run) + "\n")


def summary_line(run) -> str:
    findings = run.findings
    counts = Counter(f.severity for f in findings)
    by = {s.value: counts[s] for s in Severity}
    suppressed = sum(r.suppressed for r in run.files)
    baselined = sum(r.baselined for r in run.files)
    return (
        f"读取 {run.read} 个文件，跳过 {len(run.skipped)} 个，无法读取 {run.unreadable} 个；检查 {run.replies} 条回复；"
        f"问题 {len(findings)} 个（error {by['error']}，warning {by['warning']}，info {by['info']}），"
        f"已抑制 {suppressed}，基线内 {baselined}\n"
        f"(read {run.read} files, skipped {len(run.skipped)}, unreadable {run.unreadable}; linted {run.replies} "
        f"replies; {len(findings)} findings; {suppressed} suppressed, {baselined} in baseline)"
    )
