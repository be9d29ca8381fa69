"""Number runs in the folded text: digits with separators between them (1 3 8-0013-8000,
3✨8✨7), and numbers split over two sentences (前面是2064。后面是19375)."""
from __future__ import annotations

import re
from typing import NamedTuple

from .compiled import compiled
from .normalize import LATER_PART_WORDS, NEXT_PART_WORDS, SEP_CLASS


class NumberRun(NamedTuple):
    """A run of digits; a named tuple, not a frozen dataclass: a message with numbers makes a few,
    and a frozen dataclass sets each of its fields through object.__setattr__ (~10,000
    instructions a run against ~1,500)."""

    digits: str
    start: int  # folded index of the first digit
    end: int  # folded index after the last digit
    joined: bool = False
    letter_before: bool = False  # an ASCII letter stands right before (SF1234..., JD00...)
    letter_after: bool = False


_RUN = compiled(rf"[0-9](?:{SEP_CLASS}{{0,3}}[0-9])*")
_NON_DIGIT = compiled(r"[^0-9]")
# What may stand between the two halves of a split number.
_JOIN = compiled(
    rf"(?:开头|打头)?(?:的|是)?[\s,，。.;；!！~～]*(?:{NEXT_PART_WORDS})的?"
    r"(?:\d{1,2}位)?(?:数字|号码)?(?:是|为|接)?[:：]?\s*"
)
# a phone word right before a number (手机是188, 电话：, 跟wx同号，139)
_PHONE_LABEL = r"(?:手机|电话|号码|手机号|电话号码?|同号)(?:是|为|号)?[:：，,]?\s*$"
# Labelled parts further apart: "前十位是 6228…，……后九位是 2807…" (a label before each part).
_FIRST_PART = compiled(
    r"(?:前面|前边|前头|前几位|前\d{1,2}位|前[一二三四五六七八九十]{1,3}位?|前半段?|前缀|开头)[^0-9]{0,4}$"
    # or the channel it is the number of: "我手机是188 你先记一下 后头是5302 再后头4716", "跟wx同号，139 后面四位…"
    r"|" + _PHONE_LABEL
)
# (the label may be followed by a few words before its digits: "后半段我分开发，防止被系统屏蔽：6610")
_LATER_PART = compiled(r"(?:后面|后边|后头|后几位|后\d{1,2}位|后[一二三四五六七八九十]{1,3}位|后半段?|剩下的?|后缀|接着|"
                       + LATER_PART_WORDS + r")[^0-9。！？!?\n]{0,16}$")
# The last digits labelled as such, said before the first ones
_TAIL_LABEL = compiled(
    r"(?:尾号|尾数|后四位|最后四位|末四位|后\d{1,2}位|后[一二三四五六七八九十]{1,3}位|后几位)[^0-9]{0,4}$"
)


def _leads(pattern: re.Pattern) -> re.Pattern:
    """A class of the first characters of the alternatives of ``pattern``'s leading group: where
    none of them is, the pattern cannot match: one class search skips the pattern's try at every
    position of a text without such a character (the patterns end with ``$``)."""
    source = pattern.pattern
    assert source.startswith("(?:")
    depth, alternatives, start = 0, [], 3
    for i in range(3, len(source)):
        ch = source[i]
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch in "|)" and not depth:
            alternatives.append(source[start:i])
            start = i + 1
            if ch == ")":
                break
    firsts = {alt[0] for alt in alternatives}
    assert all(c.isalnum() and not c.isascii() for c in firsts), firsts  # literal characters only
    return compiled("[" + "".join(sorted(firsts)) + "]")


_LATER_LEADS = _leads(_LATER_PART)
_TAIL_LEADS = _leads(_TAIL_LABEL)
# A number's first part marked after it: "135开头，中间2708，尾号6149"
_FIRST_AFTER = compiled(r"(?:开头|打头)")
_FAR_JOIN = 80  # characters between two labelled parts


def _brought_in(between: str) -> bool:
    """Whether ``between`` brings in a number's next part right away: "。后面是", "，然后"."""
    return len(between) <= 12 and any(c in between for c in "后剩然接加") and _JOIN.fullmatch(between) is not None


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


# Letters that name a contact channel may stand right before its number (tel13800138000,
# QQ2837461950); other letters make the digits part of a code (SF1234567890, JD0012...).
_CHANNEL_LETTERS = frozenset({"tel", "call", "phone", "mobile", "qq", "q", "kou", "koukou", "vx", "wx", "v", "whatsapp", "line"})
_LETTERS_BEFORE = compiled(r"(?<![a-z])[a-z]{1,8}$")
# A number cut into short groups by single stops: 138。1234。5678
_STOPS = frozenset("。，,、;；")


def _letter_before(folded: str, start: int) -> bool:
    if start == 0 or not _is_letter(folded[start - 1]):
        return False
    m = _LETTERS_BEFORE.search(folded, max(0, start - 9), start)
    return not (m and m.group() in _CHANNEL_LETTERS)


# after a phone word a number's first group may be longer ("电话幺三九零二八六，四四七一")
_PHONE_BEFORE = compiled(_PHONE_LABEL)


def _said_phone(folded: str, start: int) -> bool:
    return bool(_PHONE_BEFORE.search(folded, max(0, start - 8), start))


_new_tuple = tuple.__new__


def number_runs(folded: str) -> list[NumberRun]:
    runs = []
    size = len(folded)
    for m in _RUN.finditer(folded):
        start, end = m.span()
        run = m.group()
        prev = folded[start - 1] if start else ""
        nxt = folded[end] if end < size else ""
        # a NumberRun made as a tuple (its __new__ with keywords is a Python call per run), the
        # letters either side looked at in place ("" for none: no letter); the fields in order:
        # digits (most runs are digits only: no call of ``regex``, see _leads, to drop nothing),
        # start, end, joined, letter_before, letter_after
        runs.append(_new_tuple(NumberRun, (
            run if run.isdigit() and run.isascii() else _NON_DIGIT.sub("", run),
            start,
            end,
            False,
            prev.isascii() and prev.isalpha() and _letter_before(folded, start),
            nxt.isascii() and nxt.isalpha(),
        )))
    joined: list[NumberRun] = []
    for i, first in enumerate(runs):
        for second in runs[i + 1 : i + 3]:
            between = folded[first.end : second.start]
            near = _brought_in(between)
            later = max(first.end, second.start - 10)
            if near or (
                len(between) <= _FAR_JOIN
                and _LATER_LEADS.search(folded, later, second.start)
                and _LATER_PART.search(folded, later, second.start)
                and (_FIRST_PART.search(folded, max(0, first.start - 10), first.start)
                     or _FIRST_AFTER.match(folded, first.end))
            ):
                joined.append(
                    NumberRun(
                        digits=first.digits + second.digits,
                        start=first.start,
                        end=second.end,
                        joined=True,
                        letter_before=first.letter_before,
                        letter_after=second.letter_after,
                    )
                )
            elif (
                len(between) <= _FAR_JOIN // 2
                and _TAIL_LEADS.search(folded, max(0, first.start - 10), first.start)
                and _TAIL_LABEL.search(folded, max(0, first.start - 10), first.start)
                and _FIRST_PART.search(folded, max(first.end, second.start - 10), second.start)
            ):  # the tail said first: "尾号3306，前面是188 9071"
                joined.append(NumberRun(
                    digits=second.digits + first.digits, start=first.start, end=second.end, joined=True,
                    letter_before=second.letter_before, letter_after=first.letter_after,
                ))
    # groups of 3-4 digits chained by single stops (the detectors still validate the number)
    i = 0
    while i < len(runs):
        j = i
        while (
            j + 1 < len(runs) and 3 <= len(runs[j + 1].digits) <= 4
            and (3 <= len(runs[j].digits) <= 4 or (j == i and len(runs[j].digits) <= 8 and _said_phone(folded, runs[i].start)))
            and folded[runs[j].end] in _STOPS
            and (runs[j + 1].start - runs[j].end == 1
                 or (runs[j + 1].start - runs[j].end == 2 and folded[runs[j].end + 1] == " "))
        ):
            j += 1
        if j > i:
            joined.append(NumberRun(
                digits="".join(r.digits for r in runs[i : j + 1]), start=runs[i].start, end=runs[j].end,
                joined=True, letter_before=runs[i].letter_before, letter_after=runs[j].letter_after,
            ))
        i = j + 1
    # a third part: labelled ("135开头，中间2708，尾号6149"), or brought in after a pair or a chain of groups
    # ("159，2738。后面是6041"): the run right after the pair's second
    if joined:
        after = {run.end: k for k, run in enumerate(runs)}
        for pair in list(joined):
            k = after.get(pair.end)
            third = runs[k + 1] if k is not None and k + 1 < len(runs) else None
            if third is None or third.start - pair.end > _FAR_JOIN // 2:
                continue
            if _LATER_PART.search(folded, max(pair.end, third.start - 10), third.start) or _brought_in(
                folded[pair.end : third.start]
            ):
                joined.append(NumberRun(
                    digits=pair.digits + third.digits, start=pair.start, end=third.end, joined=True,
                    letter_before=pair.letter_before, letter_after=third.letter_after,
                ))
    return runs + joined
