"""gitignore-style globs for ``[lint] include`` / ``exclude``."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(pattern: str, rel: str) -> bool:
    """gitignore-style: a pattern without '/' matches a file or directory name at any depth;
    one with '/' is anchored at the config's directory; a trailing '/' matches directories
    only; a directory that matches takes everything below it."""
    dir_only = pattern.endswith("/")
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    parts = rel.split("/")
    candidates = range(1, len(parts)) if dir_only else range(1, len(parts) + 1)
    regex = _glob_regex(pattern)
    if anchored:
        return any(regex.match("/".join(parts[:n])) for n in candidates)
    return any(regex.match(parts[n - 1]) for n in candidates)
