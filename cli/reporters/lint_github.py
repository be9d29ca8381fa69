"""``lint --format github``: GitHub Actions workflow commands, shown as annotations on the
exact line of the pull request."""
from __future__ import annotations

from typing import TextIO

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(run, show_matches: bool, out: TextIO) -> None:
    for f in run.findings:
        match = f.shown_match(show_matches)
        message = f"{f.message}「{match}」" if match else f.message
        if f.suggestion:
            message += f"\n建议：{f.suggestion}"
        props = (f"file={_prop(f.path)},line={f.line},col={f.column},endLine={f.end_line},"
                 f"endColumn={f.end_column},title={_prop('kefulint ' + f.rule)}")
        out.write(f"::{_LEVEL[f.severity.value]} {props}::{_data(message)}\n")
