"""JSON and YAML template files: every string value is a reply (or, with ``[lint] keys``, the
string values under those keys, at any depth). Keys themselves are never replies.

Both are walked with their positions: JSON by a token scan of the text (after ``json`` has
checked it), YAML through the events of PyYAML's C parser, whose marks are character offsets.
A value written with escapes or folded over lines maps each character back to the file by
aligning it with its source. Labels (the key path of a reply) are kept as tuples and only
turned into text for a finding.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection

import yaml

from . import directives
from .source import ReadError, Reply, SourceFile, pieces, verbatim

# json's own string decoder (public in CPython's json.decoder, not declared in typeshed)
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


# --- JSON -----------------------------------------------------------------------------------


def _json_string(text: str, start: int) -> tuple[str, Reply, int]:
    """Decode the string token at ``start`` (its opening quote): (value, reply, end)."""
    value, end = _scanstring(text, start + 1)
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


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]')


def read_json(source: SourceFile, keys: Collection[str]) -> None:
    text = source.text
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReadError("JSON nested too deeply") from None
    replies = source.replies
    keys = frozenset(keys)
    # a frame: [path, is_object, key_or_index, expecting_key, under a wanted key]
    stack: list[list] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        ch = token[0]
        if ch == '"':
            if stack and stack[-1][1] and stack[-1][3]:
                stack[-1][2] = _scanstring(text, m.start() + 1)[0] if "\\" in token else token[1:-1]
                continue
            if stack:
                frame = stack[-1]
                if not (frame[4] or frame[2] in keys):
                    continue
                path = (*frame[0], frame[2])
            elif keys:
                continue
            else:
                path = ()
            if "\\" in token:
                value, reply, _ = _json_string(text, m.start())
            else:
                value = token[1:-1]
                reply = None
            stripped = value.strip()
            if not stripped:
                continue
            if reply is None and len(stripped) == len(value):
                replies.append(Reply(value, ((0, m.start() + 1),), label=path))
            else:
                replies.append(_strip(reply or verbatim(value, m.start() + 1), value, label=path))
        elif ch == "{" or ch == "[":
            if stack:
                frame = stack[-1]
                path, wanted = (*frame[0], frame[2]), frame[4] or frame[2] in keys
            else:
                path, wanted = (), not keys
            stack.append([path, ch == "{", None if ch == "{" else 0, True, wanted])
        elif ch == "}" or ch == "]":
            stack.pop()
        elif ch == ":":
            stack[-1][3] = False
        else:  # a comma
            frame = stack[-1]
            if frame[1]:
                frame[3] = True
            else:
                frame[2] += 1


def _strip(reply: Reply, value: str, label: tuple) -> Reply:
    """The reply without surrounding blanks, keeping its mapping."""
    lead = len(value) - len(value.lstrip())
    text = value.strip()
    if lead == 0 and len(text) == len(value):
        return Reply(text, reply.segments, label=label)
    offsets = [(reply.file_offset(lead + i)) for i in range(len(text))]
    return _from_offsets(text, offsets, label)


def _from_offsets(text: str, offsets: list[int], label: tuple) -> Reply:
    segments: list[tuple[int, int]] = []
    for i, off in enumerate(offsets):
        if not segments or segments[-1][1] + (i - segments[-1][0]) != off:
            segments.append((i, off))
    return Reply(text, tuple(segments) or ((0, 0),), label=label)


# --- YAML -----------------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


def _yaml_reply(text: str, event, label: tuple) -> Reply | None:
    value = event.value
    stripped = value.strip()
    if not stripped:
        return None
    s, e = event.start_mark.index, event.end_mark.index
    lead = len(value) - len(value.lstrip())
    style = event.style
    if style is None and text[s:e] == value:
        return verbatim(stripped, s + lead, label=label)
    if style in ("'", '"') and text[s + 1 : e - 1] == value:
        return verbatim(stripped, s + 1 + lead, label=label)
    # block scalars, folded lines, escapes: align each character with the scalar's source
    offsets: list[int] = []
    cursor = s + (1 if style in ("'", '"') else 0)
    for ch in value:
        if ch == " " and text[cursor : cursor + 1] in ("\r", "\n"):  # a line break folded into a space
            offsets.append(cursor)
            cursor += 2 if text.startswith("\r\n", cursor) else 1
            while cursor < e and text[cursor] in " \t":  # the next line's indentation
                cursor += 1
            continue
        found = text.find(ch, cursor, min(e, cursor + 64))
        if found < 0:
            offsets.append(max(s, min(cursor, e - 1)))  # inside the scalar, never past the file's end
        else:
            offsets.append(found)
            cursor = found + 1
    return _from_offsets(stripped, offsets[lead : lead + len(stripped)], label)


_RESOLVER = yaml.resolver.Resolver()


def _is_str(event) -> bool:
    tag = event.tag
    if tag is None or tag == "!":
        if event.implicit[0]:  # a plain scalar: 12, true, ~ ... are not text
            return _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit) == _STR_TAG
        return True
    return tag == _STR_TAG


_DOC, _MAP, _SEQ = 0, 1, 2


def read_yaml(source: SourceFile, keys: Collection[str]) -> None:
    text = source.text
    spans: list[tuple[int, int]] | None = [] if "kefulint:" in text else None  # for comment lookup
    # a frame: [kind, path, key or index, expecting a key, inside a complex key, under a wanted key]
    keys = frozenset(keys)
    stack: list[list] = []
    replies = source.replies
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            kind = type(event)
            if isinstance(event, yaml.ScalarEvent):
                if spans is not None and event.start_mark is not None and event.end_mark is not None:
                    spans.append((event.start_mark.index, event.end_mark.index))
                frame = stack[-1]
                if frame[0] == _MAP and frame[3]:
                    frame[2] = event.value
                    frame[3] = False
                    continue
                if not frame[4] and (frame[5] or frame[2] in keys) and _is_str(event):
                    reply = _yaml_reply(text, event, (*frame[1], frame[2]) if frame[0] != _DOC else ())
                    if reply is not None:
                        replies.append(reply)
                _advance(frame)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                frame = stack[-1]
                is_key = frame[4] or (frame[0] == _MAP and frame[3])
                if frame[0] == _MAP and frame[3]:
                    frame[2] = None  # a complex key: its value gets no key name
                path = () if is_key or frame[0] == _DOC else (*frame[1], frame[2])
                wanted = frame[5] or frame[2] in keys
                if kind is yaml.MappingStartEvent:
                    stack.append([_MAP, path, None, True, is_key, wanted])
                else:
                    stack.append([_SEQ, path, 0, False, is_key, wanted])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                _advance(stack[-1])
            elif kind is yaml.AliasEvent:  # the anchor's value was read where it stands
                if stack[-1][0] == _MAP and stack[-1][3]:
                    stack[-1][2] = None
                _advance(stack[-1])
            elif kind is yaml.DocumentStartEvent:
                stack = [[_DOC, (), None, False, False, not keys]]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ReadError(f"{where}invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ReadError(f"invalid YAML: {exc}") from None
    if spans is not None:
        _yaml_directives(source, spans)


def _advance(frame: list) -> None:
    """After a node: a mapping switches between key and value, a sequence counts on."""
    if frame[0] == _MAP:
        frame[3] = not frame[3]
    elif frame[0] == _SEQ:
        frame[2] += 1


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
