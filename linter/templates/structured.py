"""JSON and YAML template files: every string value is a reply (or, with ``[lint] keys``, the
string values under those keys, at any depth). Keys themselves are never replies.

Both are walked with their positions: JSON by a small scanner over the text (after ``json``
has checked it), YAML through PyYAML's node graph, whose marks are character offsets. A value
written with escapes or folded over lines maps each character back to the file by aligning
it with the source of its node.
"""
from __future__ import annotations

import json
import re

import yaml

from . import directives
from .source import ReadError, Reply, SourceFile, pieces, verbatim

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
_WS = re.compile(r"[ \t\n\r]*")
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


def _label(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _wanted(path: tuple, keys: tuple[str, ...]) -> bool:
    return not keys or any(isinstance(p, str) and p in keys for p in path)


# --- JSON -----------------------------------------------------------------------------------


def _json_string(text: str, start: int) -> tuple[str, Reply, int]:
    """Decode the string token at ``start`` (its opening quote): (value, reply, end)."""
    value, end = json.decoder.scanstring(text, start + 1)
    raw = text[start + 1 : end - 1]
    if "\\" not in raw:
        return value, verbatim(value, start + 1), end
    parts: list[tuple[str, int]] = []
    pos = 0
    for m in _ESCAPE.finditer(raw):
        parts.append((raw[pos : m.start()], start + 1 + pos))
        parts.append((json.loads(f'"{m.group(0)}"'), start + 1 + m.start()))
        pos = m.end()
    parts.append((raw[pos:], start + 1 + pos))
    return value, pieces(parts), end


def read_json(source: SourceFile, keys: tuple[str, ...]) -> None:
    text = source.text
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReadError("JSON nested too deeply") from None

    def ws(pos: int) -> int:
        return _WS.match(text, pos).end()

    def value(pos: int, path: tuple) -> int:
        pos = ws(pos)
        ch = text[pos]
        if ch == "{":
            pos = ws(pos + 1)
            if text[pos] == "}":
                return pos + 1
            while True:
                key, end = json.decoder.scanstring(text, pos + 1)
                pos = ws(ws(end) + 1)  # past the colon
                pos = ws(value(pos, (*path, key)))
                if text[pos] == "}":
                    return pos + 1
                pos = ws(pos + 1)  # past the comma
        if ch == "[":
            pos = ws(pos + 1)
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = ws(value(pos, (*path, index)))
                index += 1
                if text[pos] == "]":
                    return pos + 1
                pos = pos + 1
        if ch == '"':
            string, reply, end = _json_string(text, pos)
            if string.strip() and _wanted(path, keys):
                source.replies.append(_strip(reply, string, label=_label(path)))
            return end
        return _NUMBER.match(text, pos).end()

    try:
        value(0, ())
    except RecursionError:
        raise ReadError("JSON nested too deeply") from None


def _strip(reply: Reply, value: str, label: str) -> Reply:
    """The reply without surrounding blanks, keeping its mapping."""
    lead = len(value) - len(value.lstrip())
    text = value.strip()
    if lead == 0 and len(text) == len(value):
        return Reply(text, reply.segments, label=label)
    offsets = [(reply.file_offset(lead + i)) for i in range(len(text))]
    return _from_offsets(text, offsets, label)


def _from_offsets(text: str, offsets: list[int], label: str) -> Reply:
    segments: list[tuple[int, int]] = []
    for i, off in enumerate(offsets):
        if not segments or segments[-1][1] + (i - segments[-1][0]) != off:
            segments.append((i, off))
    return Reply(text, tuple(segments) or ((0, 0),), label=label)


# --- YAML -----------------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


def _yaml_reply(text: str, node: yaml.ScalarNode, label: str) -> Reply | None:
    value = node.value
    stripped = value.strip()
    if not stripped:
        return None
    s, e = node.start_mark.index, node.end_mark.index
    lead = len(value) - len(value.lstrip())
    if node.style is None and text[s:e] == value:
        return verbatim(stripped, s + lead, label=label)
    if node.style in ("'", '"') and text[s + 1 : e - 1] == value:
        return verbatim(stripped, s + 1 + lead, label=label)
    # block scalars, folded lines, escapes: align each character with the node's source
    offsets: list[int] = []
    cursor = s + (1 if node.style in ("'", '"') else 0)
    for ch in value:
        found = text.find(ch, cursor, min(e, cursor + 64))
        if found < 0:
            offsets.append(cursor)
        else:
            offsets.append(found)
            cursor = found + 1
    return _from_offsets(stripped, offsets[lead : lead + len(stripped)], label)


def read_yaml(source: SourceFile, keys: tuple[str, ...]) -> None:
    text = source.text
    try:
        documents = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ReadError(f"{where}invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ReadError(f"invalid YAML: {exc}") from None
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()

    def walk(node, path: tuple) -> None:
        if id(node) in seen:  # an alias: the anchor's value was already read
            return
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
            if node.tag == _STR_TAG and _wanted(path, keys):
                reply = _yaml_reply(text, node, _label(path))
                if reply is not None:
                    source.replies.append(reply)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))
        elif isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                if isinstance(key, yaml.ScalarNode):
                    spans.append((key.start_mark.index, key.end_mark.index))
                    walk(item, (*path, key.value))
                else:
                    walk(item, path)

    for document in documents:
        if document is not None:
            walk(document, ())
    _yaml_directives(source, spans)


def _yaml_directives(source: SourceFile, spans: list[tuple[int, int]]) -> None:
    text = source.text
    if "kefulint:" not in text:
        return
    spans.sort()
    starts = sorted({source.position(r.file_offset(0))[0] for r in source.replies})
    for m in re.finditer(r"(?:^|(?<=\s))#[^\n]*?kefulint:[^\n]*", text, re.MULTILINE):
        inside = any(s <= m.start() < e for s, e in spans)
        if inside:
            continue
        line, column = source.position(m.start())
        own_line = not text[source.line_starts[line - 1] : m.start()].strip()
        d = directives.make(m.group(0), line, column, own_line, starts)
        if d is not None:
            source.directives.append(d)
