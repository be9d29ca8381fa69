"""Messages for ``check``: texts on the command line, ``-`` for stdin, ``.txt`` (one message a
line) and ``.jsonl`` (objects with id, text and optional context) files.

Lines end at ``\n`` only (JSON Lines, and U+2028 inside a reply stays in it). An argument that
names no file but looks like a path (``drafts.txt``, ``./x``), and a directory, are errors: a
typo must not be checked as the text of a reply and pass. So is a file that is no text (gzip, a
ZIP archive such as .xlsx, NUL bytes): its bytes must not be checked as replies and pass."""
from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from typing import NamedTuple

from kefulint.text.roles import UnknownRole, role_of


class Message(NamedTuple):  # named tuples: a cold check imports no dataclasses (see Settings)
    id: str
    text: str
    context: list = []  # noqa: RUF012  (shared; never mutated)


class Problem(NamedTuple):
    where: str
    what: str
    unread: bool = False  # nothing of the input could be read: the check exits 2, whatever else it read


_FILE_SUFFIX = re.compile(r"\.(txt|jsonl|ndjson|json|csv|tsv|md|ya?ml|xlsx|log)(\.gz)?$", re.IGNORECASE)
_PATH_CHARS = re.compile(r"[\w.~/\\:+-]+", re.ASCII)


def path_problem(arg: str) -> str | None:
    """Why ``arg`` cannot be checked (a directory, or a path that does not exist), or None when it
    is a readable file, ``-`` or the text of a reply."""
    if arg == "-" or os.path.isfile(arg):
        return None
    if os.path.isdir(arg):
        return ("is a directory; check reads .txt (one reply a line) and .jsonl files "
                "(kefulint lint checks a directory of reply templates)")
    if _PATH_CHARS.fullmatch(arg) and (
        _FILE_SUFFIX.search(arg) or arg.startswith(("./", "../", "/", "~/", ".\\"))
        or (os.path.dirname(arg) and os.path.isdir(os.path.dirname(arg)))
    ):
        return f"no such file (to check it as the text of a reply: --text {arg!r})"
    return None


def _from_lines(lines, source: str, problems: list[Problem]) -> Iterator[Message]:
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
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


def read_messages(args: tuple[str, ...], problems: list[Problem], texts: tuple[str, ...] = ()) -> Iterator[Message]:
    """Messages from the arguments (files, ``-`` or reply texts) and from ``texts`` (``--text``)."""
    for n, arg in enumerate(args, start=1):
        if arg == "-":
            data = sys.stdin.buffer.read()
            yield from _from_lines(_lines(_decode(data, "-", problems)), "-", problems)
        elif os.path.isfile(arg):
            try:
                with open(arg, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                problems.append(Problem(arg, f"cannot read: {exc.strerror}", unread=True))
                continue
            yield from _from_lines(_lines(_decode(data, arg, problems)), arg, problems)
        else:
            yield Message(f"arg{n}" if len(args) > 1 else "arg", arg)
    for n, text in enumerate(texts, start=1):
        yield Message(f"text{n}" if len(texts) > 1 else "text", text)


def _lines(text: str) -> list[str]:
    # str.splitlines() would also break at U+2028, U+2029, \x1c.. inside a reply
    return text.split("\n")


def _decode(data: bytes, source: str, problems: list[Problem]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Notepad's "Unicode")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            problems.append(Problem(source, "UTF-16 with undecodable bytes; undecodable bytes replaced"))
            return data.decode("utf-16", errors="replace")
    why = _not_text(data, source)
    if why:
        problems.append(Problem(source, why, unread=True))
        return ""
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


_FIRST_BLOCK = 8192  # where a NUL byte marks a binary file


def _not_text(data: bytes, source: str) -> str | None:
    """Why ``data`` is no text that check reads, told by its first bytes (UTF-16 with a byte-order
    mark, which holds NUL bytes, is read before): compressed, a ZIP archive such as an .xlsx
    workbook, UTF-16 without a byte-order mark, or binary. None for text (UTF-8, GB18030)."""
    if data.startswith(b"\x1f\x8b"):
        unzip = f"zcat {source if source != '-' else 'FILE'} | kefulint check -"
        return ("is gzip-compressed, not text (压缩文件，请先解压): kefulint scan reads .gz chat logs; "
                f"to check its replies, decompress it first: {unzip}")
    if data.startswith(b"PK\x03\x04"):
        return ("is a ZIP archive such as an .xlsx workbook, not text (Excel 或压缩包，不是文本): "
                "kefulint lint reads reply templates from .xlsx; check reads .txt and .jsonl")
    if data.count(b"\x00") * 4 >= len(data) > 0:
        return "looks like UTF-16 without a byte-order mark; save it as UTF-8 (请另存为 UTF-8)"
    if b"\x00" in data[:_FIRST_BLOCK]:
        return ("is binary (NUL bytes), not text (二进制文件，不是文本): check reads UTF-8, GB18030 "
                "and UTF-16 with a byte-order mark")
    return None
