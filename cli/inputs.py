"""Messages for ``check``: texts on the command line, ``-`` for stdin, ``.txt`` (one message a
line) and ``.jsonl`` (objects with id, text and optional context) files."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from kefulint.text.roles import UnknownRole, role_of


@dataclass
class Message:
    id: str
    text: str
    context: list = field(default_factory=list)


@dataclass
class Problem:
    where: str
    what: str


def _from_lines(lines, source: str, problems: list[Problem]) -> Iterator[Message]:
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if source.endswith(".jsonl") or (source == "-" and line.lstrip().startswith("{")):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(f"{source}:{lineno}", f"invalid JSON: {exc.msg}"))
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                problems.append(Problem(f"{source}:{lineno}", "expected an object with a string 'text'"))
                continue
            ctx = obj.get("context") or []
            if not isinstance(ctx, list):
                problems.append(Problem(f"{source}:{lineno}", "'context' must be a list"))
                continue
            roles = [t["role"] for t in ctx if isinstance(t, dict) and "role" in t and role_of(t["role"]) is None]
            if roles:
                problems.append(Problem(f"{source}:{lineno}", f"context: {UnknownRole(roles[0])}"))
                continue
            yield Message(str(obj.get("id", f"{source}:{lineno}")), obj["text"], ctx)
        else:
            yield Message(f"{source}:{lineno}", line)


def read_messages(args: tuple[str, ...], problems: list[Problem]) -> Iterator[Message]:
    for n, arg in enumerate(args, start=1):
        if arg == "-":
            data = sys.stdin.buffer.read()
            yield from _from_lines(_decode(data, "-", problems).splitlines(), "-", problems)
        elif os.path.isfile(arg):
            try:
                with open(arg, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                problems.append(Problem(arg, f"cannot read: {exc.strerror}"))
                continue
            yield from _from_lines(_decode(data, arg, problems).splitlines(), arg, problems)
        else:
            yield Message(f"arg{n}" if len(args) > 1 else "arg", arg)


def _decode(data: bytes, source: str, problems: list[Problem]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            problems.append(Problem(source, "not UTF-8 or GB18030; undecodable bytes replaced"))
            return data.decode("utf-8", errors="replace")
