"""Fixes that leave a reply a buyer can read: the clause (the span between two punctuation marks)
holding a violation is replaced by the rule's standard phrase, or removed; a standard phrase is
never pasted into the middle of a sentence, and an invitation to another channel is never left
standing behind a mask.

This module only proposes edits, from the least change to the most: (1) each clause (each
sentence, for an invitation to another channel) replaced by its standard phrase, personal data
that is no invitation masked in place, (2) the same removed, (3) each sentence replaced by its
standard phrase. A standard sentence is written once: a clause whose phrase the edit just before
already wrote, with nothing but marks between, joins that edit; one whose phrase an earlier edit
wrote or the reply already says is removed. The engine
(:mod:`.assemble`) lints every proposal again and keeps the first with no finding at ``error``;
when none passes, no fix is offered and the reply needs rewriting by a person.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from ..text.mask import mask_sensitive

# An invitation to another channel (a phone number, a WeChat id, a link, a payment outside the
# platform) is fixed by taking the clause out, never by masking the number and leaving the invitation.
CHANNEL_CATEGORIES = ("contact.", "offplatform.")

_CLAUSE_MARKS = "，,、。.！!？?；;…~～\n\r"
_SENTENCE_MARKS = "。.！!？?；;…\n\r"
_SENTENCE_ENDS = "。.！!？?；;…~～"
_QIN = re.compile(r"^亲[，,～~！!\s]*")
_QUESTION = ("吗", "呢", "么", "？", "?")


class Edit(NamedTuple):
    """Replace ``text[start:end]`` of the original reply by ``replacement``."""

    start: int
    end: int
    replacement: str


class Target(NamedTuple):
    """A finding as the fixer sees it."""

    start: int
    end: int
    action: str  # "mask" (in place), "clause" / "sentence" (standard phrase, else removal), "remove"
    suggestion: str
    sensitive: bool
    rank: tuple  # higher wins when one phrase must stand for several findings


def action_for(fix: str | None, category: str, severity_is_error: bool, safe_only: bool) -> str | None:
    """How a finding is fixed, or None when it is not. ``fix`` is the rule's declared safe fix;
    ``safe_only`` (``lint --fix``) keeps to declared fixes and channel invitations, while a
    suggestion shown to a person (``suggested_text``) may also rewrite any other error.

    An invitation to another channel takes its whole sentence: the number, the keyword before it
    and the "add me" after it (加我微信 … ，发您实拍图) are one invitation however it is punctuated."""
    if category.startswith(CHANNEL_CATEGORIES):
        return "sentence"
    if fix == "mask":
        return "mask"
    if fix == "remove":
        return "remove"
    if fix == "suggestion" or (severity_is_error and not safe_only):
        return "clause"
    return None


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with non-overlapping ``edits`` applied (an edit overlapping an earlier one is skipped)."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            continue
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


# --- clauses and sentences ----------------------------------------------------------------


def _is_mark(text: str, i: int, marks: str) -> bool:
    ch = text[i]
    if ch not in marks:
        return False
    if ch == ",":  # 1,000: not a comma between two letters or digits
        return not (0 < i < len(text) - 1 and _ascii_word(text[i - 1]) and _ascii_word(text[i + 1]))
    if ch == ".":  # 3.5, shop.example.com, 微.信: a full stop only before a space or at the end
        return i == len(text) - 1 or text[i + 1].isspace()
    if ch in "\n\r" and marks is _SENTENCE_MARKS:  # a line that ends without a full stop runs on
        before = text[:i].rstrip()
        return not before or before[-1] in _SENTENCE_ENDS
    return True


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def spans(text: str, marks: str) -> list[tuple[int, int]]:
    """The pieces of ``text`` between ``marks``, without the marks and the white space around them."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for i in range(n + 1):
        if i == n or _is_mark(text, i, marks):
            s, e = start, i
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
            start = i + 1
    return out


def _cover(pieces: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The smallest run of pieces covering ``start..end`` (a point covers the piece it is in)."""
    end = max(end, start + 1)
    hit = [p for p in pieces if p[0] < end and p[1] > start]
    if not hit:
        return start, end
    return min(start, hit[0][0]), max(end, hit[-1][1])


def _only_marks(text: str) -> bool:
    return all(ch.isspace() or ch in _CLAUSE_MARKS for ch in text)


# --- proposals ----------------------------------------------------------------------------


class _Group(NamedTuple):
    start: int
    end: int
    action: str
    top: Target
    sensitive: bool


_STRENGTH = {"mask": 0, "remove": 1, "clause": 2, "sentence": 3}


def _groups(text: str, targets: Sequence[Target], level: int) -> list[_Group]:
    """Regions to rewrite: each target widened to its clause or sentence, overlapping regions
    merged (and neighbouring ones, for removal). Level 1 masks in place; level 2 widens masks to their clause;
    level 3 widens everything to its sentence."""
    pieces = {"clause": spans(text, _CLAUSE_MARKS), "sentence": spans(text, _SENTENCE_MARKS)}
    regions: list[list[Any]] = []  # [start, end, action, target, sensitive]
    for t in targets:
        action = t.action
        if level >= 2 and action == "mask":
            action = "clause"
        if level >= 3:
            action = "sentence"
        if action == "mask":
            start, end = t.start, t.end
        else:
            start, end = _cover(pieces["sentence" if action == "sentence" else "clause"], t.start, t.end)
        regions.append([start, end, action, t, t.sensitive])
    regions.sort(key=lambda r: (r[0], r[1]))
    merged: list[list[Any]] = []
    for r in regions:
        if merged:
            last = merged[-1]
            # removals side by side are one removal (each would take the mark between them)
            touching = r[0] < last[1] or (
                level == 2 and r[2] != "mask" and last[2] != "mask" and _only_marks(text[last[1] : r[0]]))
            if touching:
                last[1] = max(last[1], r[1])
                if _STRENGTH[r[2]] > _STRENGTH[last[2]]:
                    last[2] = r[2]
                if r[3].rank > last[3].rank:
                    last[3] = r[3]
                last[4] = last[4] or r[4]
                continue
        merged.append(r)
    return [_Group(*m) for m in merged]


def _fit(phrase: str, text: str, start: int, end: int) -> str:
    """The standard phrase fitted to its place: no second 亲 inside a reply, no doubled mark."""
    phrase = phrase.strip()
    if text[:start].strip():
        rest = _QIN.sub("", phrase, count=1)
        if rest:
            phrase = rest
    after = text[end : end + 1]
    if after and _is_mark(text, end, _CLAUSE_MARKS):
        phrase = phrase.rstrip(_CLAUSE_MARKS)
    return phrase


def _said(phrase: str) -> str:
    """What a standard phrase says, without the salutation and the closing mark: 「亲，发票只能…哦」
    written at the start of a reply and 「发票只能…哦」 fitted into its middle say the same."""
    return _QIN.sub("", phrase.strip(), count=1).rstrip(_CLAUSE_MARKS) or phrase.strip()


def _removal(text: str, start: int, end: int, floor: int = 0) -> Edit:
    """Take ``text[start:end]`` out with one of the marks beside it (the weaker one), so that no
    doubled or dangling mark is left. Nothing before ``floor`` (an earlier edit's end) is taken."""
    p = start
    while p > floor and text[p - 1].isspace():
        p -= 1
    prev = p - 1 if p > floor and _is_mark(text, p - 1, _CLAUSE_MARKS) else None
    q = end
    while q < len(text) and text[q].isspace():
        q += 1
    nxt = q if q < len(text) and _is_mark(text, q, _CLAUSE_MARKS) else None
    if prev is None and nxt is None:
        return Edit(start, end, "")
    if nxt is None or (prev is not None and not (text[prev] in _SENTENCE_MARKS and text[nxt] not in _SENTENCE_MARKS)):
        assert prev is not None  # both None returned above
        return Edit(prev, end, "")  # keep the mark that follows
    stop = nxt + 1
    while stop < len(text) and text[stop].isspace():
        stop += 1
    return Edit(start, stop, "")


def _mask(text: str, group: _Group) -> Edit:
    piece = text[group.start : group.end]
    return Edit(group.start, group.end, mask_sensitive(piece) if group.sensitive else "*" * len(piece))


def _replacement(text: str, start: int, end: int, suggestion: str) -> Edit:
    """``text[start:end]`` replaced by the standard phrase fitted to its place."""
    phrase = _fit(suggestion, text, start, end)
    # (the phrase's own question mark gave way to the reply's: a question is still a question)
    if text[end : end + 1] in ("？", "?") and not suggestion.strip().endswith(_QUESTION):
        end += 1  # the question went with the clause; the standard phrase is a statement
        phrase += "。" if text[end:].strip() else ""
    return Edit(start, end, phrase)


def _rewrite(text: str, groups: list[_Group], prefer_removal: bool) -> tuple[Edit, ...]:
    edits: list[Edit] = []
    for g in groups:
        if g.action == "mask":
            edits.append(_mask(text, g))
            continue
        floor = edits[-1].end if edits else 0
        if g.action == "remove" or prefer_removal:
            edits.append(_removal(text, g.start, g.end, floor))
            continue
        edit = _replacement(text, g.start, g.end, g.top.suggestion)
        said = _said(edit.replacement)
        if not said:
            edits.append(_removal(text, g.start, g.end, floor))
        elif any(said in _said(e.replacement) for e in edits if e.replacement) or said in text[: g.start] + text[g.end :]:
            # a sentence already written (by an earlier edit, or standing in the reply) is not
            # written again: an edit that just wrote it, with nothing but marks between, is
            # stretched over this clause too (亲， and the closing mark fitted to the new end);
            # otherwise the clause goes
            last = edits[-1] if edits else None
            if last is not None and _said(last.replacement) == said and _only_marks(text[last.end : g.start]):
                edits[-1] = _replacement(text, last.start, g.end, g.top.suggestion)
            else:
                edits.append(_removal(text, g.start, g.end, floor))
        else:
            edits.append(edit)
    return tuple(edits)


def proposals(text: str, targets: Sequence[Target]) -> Iterator[tuple[Edit, ...]]:
    """Candidate edit sets for ``targets``, the least change first (see the module docstring)."""
    if not targets:
        return
    seen: set[tuple[Edit, ...]] = set()
    for level, prefer_removal in ((1, False), (2, True), (3, False)):
        edits = _rewrite(text, _groups(text, targets, level), prefer_removal)
        if edits and edits not in seen:
            seen.add(edits)
            yield edits
