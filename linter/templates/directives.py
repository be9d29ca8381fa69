"""Suppression comments: ``kefulint: disable=RULE[,RULE]`` and
``kefulint: disable-next-line=RULE``.

Where a comment stands decides what it covers (the same as ESLint's comments):

* ``disable=`` after a reply on the same line: that line's reply;
* ``disable=`` on a line of its own: from there to the end of the file;
* ``disable-next-line=``: the reply on the next line holding one.

RULE is a rule id, a category, a ruleset name or ``all``.
"""
from __future__ import annotations

import re

from .source import Directive

END_OF_FILE = 1 << 30
PATTERN = re.compile(
    r"kefulint:\s*(disable-next-line|disable)\s*=\s*([A-Za-z0-9_.*-]+(?:\s*,\s*[A-Za-z0-9_.*-]+)*)"
)


def parse(comment: str) -> tuple[str, tuple[str, ...]] | None:
    m = PATTERN.search(comment)
    if not m:
        return None
    return m.group(1), tuple(r.strip() for r in m.group(2).split(",") if r.strip())


def make(comment: str, line: int, column: int, own_line: bool, content_lines: list[int]) -> Directive | None:
    """The directive in ``comment`` (found at ``line``/``column``), or None. ``content_lines``
    are the sorted line numbers that hold reply text, to resolve "next line"."""
    parsed = parse(comment)
    if parsed is None:
        return None
    kind, rules = parsed
    if kind == "disable":
        first, last = (line, END_OF_FILE) if own_line else (line, line)
    else:
        following = next((n for n in content_lines if n > line), line + 1)
        first = last = following
    return Directive(line=line, column=column, kind=kind, rules=rules, first=first, last=last,
                     text=comment.strip())


def matches(token: str, rule: str, category: str) -> bool:
    if token in ("all", "*"):
        return True
    return token in (rule, category) or rule.startswith(token + ".") or category.startswith(token + ".")
