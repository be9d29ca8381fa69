"""Where a key sits in a TOML file. ``tomllib`` gives values without positions; config errors
name the line, so the text is searched for the key inside its table."""
from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _split_dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('"').strip("'") for part in name.split("."))


def line_of(text: str, table: tuple[str, ...], key: str | None, inner: str | None = None) -> int:
    """1-based line of ``key`` inside ``[table]`` (or of ``inner`` inside that key's inline
    table); the table header's line, or 1, when the key cannot be found."""
    current: tuple[str, ...] = ()
    header_line = 1
    key_line = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            current = _split_dotted(header.group(1))
            if current == table:
                header_line = number
            elif key is not None and not key_line and current[: len(table) + 1] == (*table, key):
                key_line = number
            continue
        if key is None or key_line:
            continue
        m = re.match(r"\s*([A-Za-z0-9_.\"'-]+)\s*=", line)
        if not m:
            continue
        path = current + _split_dotted(m.group(1))
        if path == (*table, key) or path[: len(table) + 1] == (*table, key):
            key_line = number
            if len(path) > len(table) + 1 and inner is not None and path[len(table) + 1] == inner:
                return number
    if not key_line:
        return header_line
    if inner is None:
        return key_line
    pattern = re.compile(r"(^|[\s{,])[\"']?" + re.escape(inner) + r"[\"']?\s*=")
    for number in range(key_line, len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
        if number > key_line and _HEADER.match(lines[number - 1]):
            break
    return key_line
