"""Confirming a candidate: gap between characters, allow lists, unless / near / not_near words,
jieba word boundaries and allowed numbers. An empty reason confirms it."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..text.view import MessageView
from . import frames
from .match import Candidate
from .state import EngineState

if TYPE_CHECKING:
    from ..rules.model import Rule  # the rules' type only: the model is imported when a rule is decoded


# an exclusion word right after one of these is denied, not said: 不是您本人的订单, 未经您同意, 您不同意取消的话
_DENIED = re.compile(r"(?:不是|并非|并不是|未经|未经过|没经过|没有经过|没有|不|没)$")


# a denying exclusion word between an if and its then is a condition, not what is said: 您要不加钱就只能一次性付清
_IF = ("要", "如果", "要是", "若", "假如")
_THEN = ("就", "的话")


def _condition(compact: str, word: str, i: int) -> bool:
    return word[0] in "不没" and compact.endswith(_IF, 0, i) and compact.startswith(_THEN, i + len(word))


# a clause after the candidate's that offers another way to pay (用储蓄卡就不加钱, 一次付清就没有
# 额外费用) says what that way costs: its exclusion word clears nothing of the first clause
_ALTERNATIVE_OPENING = ("用", "选", "换", "改", "走", "直接", "如果", "要是", "储蓄卡", "借记卡",
                        "一次付清", "一次性付", "全款", "直接付", "余额")
_ALTERNATIVE_THEN = ("就", "的话", "可以")


# a later clause that opens with another attribute of the invoice says what becomes of that one: 品名开成
# “摄影器材配件”，金额还是按订单实付 (the name is changed, the amount kept; 品名写“图书”，金额按实付 only
# describes the invoice)
_OTHER_ATTRIBUTE = ("金额", "票面金额", "品名", "抬头")
_BUT = ("但是", "但", "不过", "只是", "而")
_KEPT = ("还是", "照样", "照旧", "不变", "还按", "仍")  # said as kept, against the change before it


def _alternative(view: MessageView, cs: int, ce: int, i: int, word: str) -> bool:
    compact = view.norm.compact
    lo = frames.clause_bounds(view, i, i + len(word))[0]
    own_lo, own_hi = frames.clause_bounds(view, cs, ce)
    if lo < own_hi:
        return False
    if compact.startswith(_ALTERNATIVE_OPENING, lo) and any(t in compact[lo:i + len(word)] for t in _ALTERNATIVE_THEN):
        return True
    start = lo + next((len(b) for b in _BUT if compact.startswith(b, lo)), 0)
    other = next((a for a in _OTHER_ATTRIBUTE if compact.startswith(a, start)), None)
    return (other is not None and other not in compact[own_lo:own_hi]
            and any(k in compact[start:i] for k in _KEPT))


def _clears(compact: str, word: str, offset: int = 0, view: MessageView | None = None, span: tuple[int, int] = (0, 0)) -> bool:
    """Whether ``word`` occurs in the reply at least once not denied by the words just before it,
    not a denial made the condition of an if-clause (不加钱就只能…) and not said of another way
    to pay in a later clause (分期要加3%，用全款就不加钱); ``compact`` starts at ``offset``
    of the view's compact text."""
    i = compact.find(word)
    while i >= 0:
        end = i + 1 if word[0] == "是" else i  # 不是您本人: the word's own 是 is denied
        if (not _DENIED.search(compact, max(0, end - 4), end) and not _condition(compact, word, i)
                and not (view is not None and _alternative(view, span[0], span[1], offset + i, word))):
            return True
        i = compact.find(word, i + 1)
    return False


# a reply that repeats the buyer's question and answers it no: 评价有返现吗？没有的亲，我们不做这个
_ASKED = ("吗", "么", "嘛")
_ANSWER_NO = ("没有", "没的", "木有", "并没有", "不是", "不能", "不可以", "不行", "不会", "不支持", "不做", "不搞", "不提供")


def _echoed_question(view: MessageView, cs: int, ce: int) -> bool:
    compact = view.norm.compact
    for asked in _ASKED:  # a reply without a question word echoes no question: no sentence bounds needed
        if asked in compact:
            break
    else:
        return False
    lo, hi = frames.clause_bounds(view, cs, ce, frames.sentence_break())
    return compact.endswith(_ASKED, lo, hi) and compact.startswith(_ANSWER_NO, hi)


def _sentence(view: MessageView, cs: int, ce: int) -> tuple[str, int]:
    """The compact text of the sentence(s) that hold compact[cs:ce], and where it starts: an exclusion word in another
    sentence clears nothing (如果您还想要，可以重新拍下 after 我已经帮您把订单关闭了。)."""
    lo, hi = frames.clause_bounds(view, cs, ce, frames.sentence_break())
    return view.norm.compact[lo:hi], lo


class Confirming(EngineState):
    """The confirm step of :class:`~kefulint.engine.Linter`."""

    def _reject_reason(self, ri: int, rule: Rule, cand: Candidate, view: MessageView) -> str:
        if cand.rejected:
            return cand.rejected
        cs, ce = cand.cstart, cand.cend
        if cand.source != rule.detector and not rule.frame and ce - cs > 1 and view.norm.compact_gap(cs, ce) > rule.max_gap:
            return "字符间隔过大 (gap between characters too large)"
        compact = view.norm.compact
        if (cand.source != rule.detector and ce < len(compact) and compact[ce].isdigit()
                and ce - cs >= 3 and compact[ce - 3:ce].isdigit()):
            # (a word that ends in a digit or two, 加1 / 补2, stands for any amount)
            return "数字未完 (a word that ends in a number, inside a longer one: 率100 in 回报率1000)"
        if ce - cs > 2 and cand.source != rule.detector and frames.a_not_a(view.norm, cs):
            return "正反问的「不」(A-not-A: 开不开发票都是这个价)"
        words = self._words[ri]
        for allow in (words.allow, self._global_allow):
            found = view.word_covering(cs, ce, allow) if allow else None
            if found:
                return f"白名单「{found}」(allow)"
        if words.unless:
            # a reply to the buyer's turn (好的 / 可以 after a request) is judged as a whole: a
            # refusal anywhere in it clears it; any other rule, by its own sentence (looked for
            # only when one of the words is in the reply at all: most candidates have none)
            present = [w for w in words.unless if w in compact]
            if present:
                whole = bool(rule.context and rule.context.buyer)
                sentence, offset = (compact, 0) if whole else _sentence(view, cs, ce)
                for w in present:
                    if w in sentence and _clears(sentence, w, offset, None if whole or ce <= cs else view, (cs, ce)):
                        return f"整句排除词「{w}」(unless)"
        # (an insult asked as a question stays one: 您是眼瞎吗？不是吧)
        if ce > cs and not rule.category.startswith("etiquette.") and _echoed_question(view, cs, ce):
            return "复述买家的问题后否定 (the buyer's question echoed, then answered no)"
        if rule.not_near:
            found = view.word_near(cs, ce, words.not_near, rule.not_near.before, rule.not_near.after, inside=False, same_clause=True)
            if found:
                return f"附近有排除词「{found}」(not_near)"
        if rule.near and not view.word_near(cs, ce, words.near, rule.near.before, rule.near.after):
            return "附近没有必需词 (near)"
        if rule.negation and not rule.frame and ce > cs:
            word = self._negation(view, cs, ce, ((cs, ce),))
            if word:
                return f"否定/保留「{word}」(negation)"
        if cand.source != rule.detector and not rule.frame and frames.crosses_list(view.norm, cs, ce):
            return "跨越顿号 (runs over an enumeration comma)"
        if rule.boundary == "word" and not view.is_word(cs, ce):
            return "不是完整词 (jieba word boundary)"
        if self._allow_numbers:
            digits = re.sub(r"\D", "", view.norm.folded[view.norm.compact_map[cs] : view.norm.compact_map[ce - 1] + 1]) if ce > cs else ""
            if digits and digits in self._allow_numbers:
                return "白名单号码 (allow_numbers)"
        return ""
