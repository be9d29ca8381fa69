"""Ids that follow a keyword: QQ numbers after 扣扣/QQ号, WeChat ids after 微信/薇信/vx."""
from __future__ import annotations

import regex

from ..text.compiled import compiled
from . import Detector, Hit
from ._util import MIN_NUMBER_DIGITS, folded_words

# What may stand between a keyword and the id: punctuation, 号/号码/是/搜/id ... (folded text)
_FILLER = regex.compile(
    r"(?:[\s:：=+\-~～（）()\[\]【】“”\"'·,，/|\p{S}\p{M}\p{Cf}]|号码?|账号|群号?|是|为|搜索?|加我|id|的|同手机号?|同电话|手机号|同号|就是|我的)*"
)
_WECHAT_ID = compiled(r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])")
_NOT_IDS = frozenset({"wechat", "weixin", "payment", "iphone", "android", "online"})
# an id typed in spaced pieces after the keyword (微❤：bei ling 二零一八, vx: xiao mei 1988, v信：r g _ 8 8 6 2):
# a letter first, pieces one space apart, 6 to 20 characters and two letters or more when joined
_SPACED_ID = compiled(r"[a-z][a-z0-9_]{0,9}(?: [a-z0-9_]{1,10}){1,9}(?![a-z0-9_-])")
# ... only where the id is labelled as one (a colon, 号, 是): wx zhuan zhang ye xing is pinyin for 转账
_LABEL = compiled(r"[:：=]|号|是")


def find_qq(view, options, keywords):
    lo, hi = options["min_digits"], options["max_digits"]
    allow = options["allow_compact"]
    cues = options["cues_compact"]
    skip = (lambda s, e: view.word_covering(s, e, allow) is not None) if allow else None
    for run in view.number_runs:
        if run.letter_before or run.letter_after or run.digits[0] == "0":
            continue
        if not lo <= len(run.digits) <= hi:
            continue
        cs, ce = view.folded_to_compact(run.start, run.end)
        hit = view.word_near(cs, ce, options["keywords_compact"], options["window"], options["after"], skip=skip)
        if not hit and cues and view.word_near(cs, ce, cues, 3, 0, inside=False):
            # 您下个QQ，我发起远程协助帮您看APP设置。我的号是 3 0 7 7…: a cue right before the
            # number (我的号是, 群号) reaches back to a keyword further away
            hit = view.word_near(cs, ce, options["keywords_compact"], options["cue_window"], 0, skip=skip)
        if hit:
            yield Hit(run.start, run.end, f"关键词「{hit}」附近的 {len(run.digits)} 位数字")


def _after_han(folded: str, i: int) -> bool:
    return i > 0 and "\u4e00" <= folded[i - 1] <= "\u9fff"


def find_wechat(view, options, keywords):
    folded = view.folded
    apart = options["apart_compact"]
    for ks, ke, phrase in keywords:
        fs, fe = view.compact_to_folded(ks, ke)
        if apart and phrase in apart and _after_han(folded, fs):
            continue  # 墨绿 zx-2024: a colour, not 💚 (read as 绿) standing apart
        filler = _FILLER.match(folded, fe, min(len(folded), fe + options["gap"]))
        pos = filler.end()
        m = _WECHAT_ID.match(folded, pos)
        if m and m.group() not in _NOT_IDS:
            yield Hit(m.start(), m.end(), f"关键词「{phrase}」后的微信号")
            continue
        m = _SPACED_ID.match(folded, pos) if _LABEL.search(filler.group()) else None
        if m and 6 <= len(joined := m.group().replace(" ", "")) <= 20 and sum(ch.isalpha() for ch in joined) >= 2:
            yield Hit(m.start(), m.end(), f"关键词「{phrase}」后分开写的微信号")
            continue
        for run in view.number_runs:
            if run.start == pos and 6 <= len(run.digits) <= 11 and not run.letter_after:
                yield Hit(run.start, run.end, f"关键词「{phrase}」后的号码")
                break


DETECTORS = (
    Detector(
        "qq",
        "QQ号/QQ群号：关键词附近的5-11位数字",
        find_qq,
        options={
            "keywords": (list, []),
            "window": (int, 16),
            "after": (int, 4),
            "min_digits": (int, 5),
            "max_digits": (int, 11),
            "allow": (list, []),
            "cues": (list, []),
            "cue_window": (int, 60),
        },
        min_digits=MIN_NUMBER_DIGITS,
        min_run_option="min_digits",  # a run shorter than the rule's min_digits is never a QQ number
        prepare=lambda o: folded_words(folded_words(folded_words(o), "allow"), "cues"),
    ),
    Detector(
        "wechat_id",
        "微信号：微信关键词（含变体）后的微信号或手机号",
        find_wechat,
        # apart: keywords that count only where no Chinese character stands right before them (绿, what
        # 💚 and 🟢 are read as, but also the end of 墨绿)
        options={"keywords": (list, []), "gap": (int, 10), "apart": (list, [])},
        phrase_options=("keywords",),
        needs_keywords=True,
        prepare=lambda o: folded_words(o, "apart"),
    ),
)
