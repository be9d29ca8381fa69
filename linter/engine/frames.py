"""Intent frames: words of two or more classes close together, in either order, not negated.

A frame says what a family of sentences means (refusal + credit card, transfer verb + private
account, reward + review) instead of listing the sentences. The words come from the shared
vocabularies; their hits come from the one automaton pass every message already gets, so a frame
costs nothing until all of its slots have a hit.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache

from ..text.compiled import compiled
from ..text.view import clause_break

Span = tuple[int, int]  # compact start, end

# What ends a clause (text.view.clause_break): a negation scopes over its own clause only.
# A space between two Chinese words ends a clause too: chat replies use it for a comma
# (信用卡不行 你直接支付宝转我); spaced-out characters (私 下 付 款) do not, one character apart;
# so does a space after a sentence-final particle (别拍了 zfb转我).
# (the regexes of this module are compiled when a frame first needs them, not by a cold start)


@cache
def sentence_break() -> re.Pattern:
    return compiled(r"[。！!？?\n]")


@cache
def _word_break() -> re.Pattern:
    return compiled(r"[，,。；;！!？?\n、]")  # no word runs over one of these


NEGATION_BEFORE = 8  # compact characters between a negation and the frame it clears
# A frame listed after another (不会要求您私下转账或扫码付款, 不加微信、QQ) is in reach of the
# negation before the list: this many compact characters, within its clause
LISTED_REACH = 24


@cache
def _listed() -> re.Pattern:
    return compiled(r"(?:或者?|或是|、|及|以及|和|与)\s*$")


# A bare 不 or 没 inside a frame negates the frame word right after it (at most this many compact
# characters on), and 不了 the one before it (多开不了); a prohibition (不能, 禁止, 不允许) inside
# a frame clears it wherever it stands
INNER_NEGATION = 4
_LOCAL_NEGATIONS = frozenset({"不", "没", "没有", "别", "莫", "勿", "免", "无", "避免", "以免", "防止"})
_PROHIBITIONS = ("别", "莫", "勿")  # a frame that starts with one of these is itself a prohibition
_REFUSING = re.compile("[不没无禁]")  # a slot word that refuses by itself
# A hedge after a claim or an offer takes it back (保证有效…不敢保证); an insult or a banned phrase is
# neither, and a refusal after it takes nothing back (穷就别买这么贵的锅，分期我们不做)
UNHEDGED = ("etiquette.",)
# categories whose frames refuse: a refusal after one says the same again (去别家看看吧，我们这价格真做不了)
REFUSALS = ("invoice.refusal", "payment.cod", "payment.credit_card")
# categories whose frames may run over numbered list items: a contact or a shop given in steps
# (1. 打开绿色软件 2. 搜号 … 3. 加我) is one instruction; COD, credit and invoice offers in a list stay item by item
STEPWISE = ("contact.", "offplatform.link")
PHRASE_WINDOW = 3  # a frame this tight reads as one phrase: it does not run over 、


@cache
def _id_patterns():
    """An account-like word: a letter first, a digit, "_" or "-" somewhere, 6-20 characters, not
    part of a link or an address; and a tracking number (a few letters and a long run of digits),
    which is none. Compiled on first use (``regex`` loads slowly: a cold start without a frame
    token does not pay for it)."""
    import regex

    return (regex.compile(r"(?<![a-z0-9_.@/-])[a-z][a-z0-9_-]{4,18}[a-z0-9](?![a-z0-9_@-]|\.[a-z])"),
            regex.compile(r"[a-z]{1,4}\d{8,}"))


@cache
def _quoted() -> re.Pattern:
    """A short name in quotes ('劳保用品', “宠物医疗器械”, 『营养咨询服务费』): what a reply proposes to
    write somewhere. Straight quotes open and close alike; the name holds no quote, break or clause mark."""
    return compiled(r"""['"“‘「『《]([^'"“”‘’「」『』《》\n，,。；;！!？?]{2,12})['"”’」』》]""")


_MODEL_WORDS = ("型号", "款号", "货号", "model")
_CLAUSE_BREAKS = frozenset("，,。；;！!？?\n")


def _model_number(folded: str, start: int) -> bool:
    """Whether the account-like word at ``start`` is named a model or item number in its clause
    (型号 ZKTeco xFace600, 货号：ab-2031): a product's code, not an account."""
    before = folded[max(0, start - 16):start]
    at = max(before.rfind(word) for word in _MODEL_WORDS)
    return at >= 0 and _CLAUSE_BREAKS.isdisjoint(before[at:])


def token_spans(view, token: str) -> list[Span]:
    """Compact spans of a frame token in the message (see Frame)."""
    out = []
    if token == "#quoted":
        for m in _quoted().finditer(view.folded):
            out.append(view.folded_to_compact(m.start(1), m.end(1)))
    elif token == "#id":
        account, tracking = _id_patterns()
        folded = view.folded
        for m in account.finditer(folded):
            word = m.group()
            if any(c.isdigit() or c in "_-" for c in word) and not tracking.fullmatch(word) \
                    and not _model_number(folded, m.start()):
                out.append(view.folded_to_compact(m.start(), m.end()))
    else:
        least = 5 if token == "#number" else 1
        for run in view.number_runs:
            if len(run.digits) >= least and not (run.letter_before or run.letter_after):
                out.append(view.folded_to_compact(run.start, run.end))
    return out


def match(slots: Sequence[Sequence[Span]], window: int, ordered: bool = False) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Spans where every slot has a hit close enough. Unordered: each slot's hit lies within
    ``window`` characters (the gap between the two) of a hit of slot 0, before or after it.
    Ordered: the slots' hits follow each other as listed, each within ``window`` of the one
    before. One span per slot-0 hit; the nearest partners are chosen."""
    found: list[tuple[int, int, tuple[Span, ...]]] = []
    first, rest = slots[0], slots[1:]
    for s0, e0 in first:
        start, end = s0, e0
        prev_e = e0
        parts: list[Span] = [(s0, e0)]
        for hits in rest:
            best = None
            for s, e in hits:
                if ordered:
                    if s < prev_e:
                        continue
                    gap = s - prev_e
                else:
                    if s < e0 and e > s0:  # the same characters cannot fill two slots
                        continue
                    gap = s - e0 if s >= e0 else s0 - e
                if gap <= window and (best is None or gap < best[0]):
                    best = (gap, s, e)
            if best is None:
                break
            start, end = min(start, best[1]), max(end, best[2])
            prev_e = best[2]
            parts.append((best[1], best[2]))
        else:
            found.append((start, end, tuple(parts)))
    return found


# A topic named first (关于您提到的货到付款，…, 至于信用卡：…) is what the rest of its sentence speaks
# of: a frame whose first word follows such a marker may find its other words anywhere after it in
# that sentence, up to this many compact characters on (long replies explain before they refuse)
TOPIC_REACH = 60


@cache
def _topic_marker() -> re.Pattern:
    # (关于您提到的, or what the buyer asked or noted, without 关于: 您问的“货到了再付钱”那种方式; 您说的
    # stays a hedge: 您说的“最好的”这个我们不敢承诺)
    return compiled(r"(?:(?:关于|至于|对于|针对|说到)(?:(?:您|你)(?:说|提到|问|讲|提|关心|想要)的)?"
                      r"|(?:您|你)(?:问|备注里写|备注)的)(?:这个|那个)?$")


def topic_before(view, cs: int) -> Span | None:
    """The topic marker right before compact[cs:] (关于您提到的), if any."""
    m = _topic_marker().search(view.norm.compact, max(0, cs - 10), cs)
    return (m.start(), cs) if m else None


def topic_match(view, slots: Sequence[Sequence[Span]]) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Frame spans whose first word is a topic (see TOPIC_REACH): the span starts at the marker,
    which is a part of it (a 您说的 there reports the topic, it negates nothing)."""
    found: list[tuple[int, int, tuple[Span, ...]]] = []
    for s0, e0 in slots[0]:
        topic = topic_before(view, s0)
        if topic is None:
            continue
        limit = min(e0 + TOPIC_REACH, clause_bounds(view, s0, e0, sentence_break())[1])
        parts: list[Span] = [topic, (s0, e0)]
        end = e0
        for hits in slots[1:]:
            after = [(s, e) for s, e in hits if s >= e0 and e <= limit]
            if not after:
                break
            best = min(after)
            end = max(end, best[1])
            parts.append(best)
        else:
            found.append((topic[0], end, tuple(parts)))
    return found


def clause_bounds(view, cs: int, ce: int, breaks: re.Pattern | None = None) -> Span:
    """The compact span of the clause(s) (or sentences, with ``breaks`` sentence_break()) that hold
    compact[cs:ce]: from the end of the last break that ends at or before it to the start of the
    first break that starts at or after it. The breaks of a message are found once (MessageView.breaks):
    no break runs over a kept character, so none straddles the span's ends."""
    starts, ends = view.breaks(breaks or clause_break())
    norm = view.norm
    cmap = norm.compact_map
    fs = cmap[cs]
    fe = cmap[ce - 1] + 1 if ce > cs else fs
    i = bisect_right(ends, fs)
    left = ends[i - 1] if i else 0
    j = bisect_left(starts, fe)
    right = starts[j] if j < len(starts) else len(norm.folded)
    return bisect_left(cmap, left), bisect_right(cmap, right - 1)


def _coordinated(compact: str, e: int, ss: int) -> bool:
    """Whether the frame word at compact[ss:] is the second of two words joined by 或者 / 和 (the
    list words of _listed) right after a bare negation that ends at ``e`` (没法拆开或者多开: 多开 is
    negated as 拆开 is)."""
    return 0 < ss - e <= INNER_NEGATION + 4 and _listed().search(compact, e + 1, ss) is not None


def a_not_a(norm, i: int) -> bool:
    """Whether compact[i] is the 不/没 of a verb asked as "A not A" (送没送到, 开不开): the same
    character on both sides, with nothing between them in the text (要买就买 不买拉倒 is two clauses).
    Such a 不 negates nothing and starts no refusal."""
    compact = norm.compact
    return (0 < i < len(compact) - 1 and compact[i] in "不没" and compact[i - 1] == compact[i + 1]
            and norm.compact_map[i + 1] - norm.compact_map[i - 1] == 2)


def crosses_clause(norm, cs: int, ce: int) -> bool:
    """Whether a word hit in the compact form runs over a clause break (添加，点一下 is no 加点)."""
    if ce - cs < 2:
        return False
    cmap = norm.compact_map
    fs, fe = cmap[cs], cmap[ce - 1]
    return fe - fs >= ce - cs and _word_break().search(norm.folded, fs, fe) is not None


def _gap_after(norm, e: int) -> bool:
    """Whether a space or a mark stands between compact[e - 1] and compact[e] as written."""
    cmap = norm.compact_map
    return cmap[e] != cmap[e - 1] + 1


def negated(view, span: Span, slot_spans: Sequence[Span], negations: Sequence[tuple[int, int, str]],
            hedges: Sequence[tuple[int, int, str]], refusal: bool = False) -> str | None:
    """The negation or hedge that clears a frame: a negation in the frame's clause at most
    ``NEGATION_BEFORE`` characters before it (``LISTED_REACH`` for the second item of a list: 或,
    、, 和) or between its words (a bare 不 / 没 there only right before a frame word, or 不了 right
    after one), unless a 的话 between them makes the negation a condition's (不想加的话直接微信转我);
    a hedge after it in its sentence (这个我们真的不能做 may follow a comma)."""
    cs, ce = span
    compact = view.norm.compact
    lo, _hi = clause_bounds(view, cs, ce)
    hi = clause_bounds(view, cs, ce, sentence_break())[1] if hedges else ce
    reach = NEGATION_BEFORE
    if negations and cs:
        fs = view.norm.compact_map[cs]
        if _listed().search(view.norm.folded, max(0, fs - 4), fs):
            reach = LISTED_REACH
    refusing = any(_REFUSING.search(compact, ss, se) for ss, se in slot_spans)
    for s, e, word in negations:
        if s < max(lo, cs - reach) or e > ce:
            continue
        if any(s < se and e > ss for ss, se in slot_spans):
            continue  # part of a slot word (不发 in a refusal frame), not a negation of it
        if any(0 <= s - se <= 2 and _REFUSING.search(compact, ss, se) for ss, se in slot_spans):
            continue  # it carries on the frame's own refusal (不接受任何形式的额度支付)
        if e <= cs and "的话" in compact[e:cs]:
            continue  # the negation is the condition's, the frame its consequence: 不想加的话直接微信转我
        if e <= cs and word in _LOCAL_NEGATIONS and compact.startswith(_PROHIBITIONS, cs):
            continue  # a prohibition is no statement a bare 不 can deny: 不买别瞎问 still says 别瞎问
        if s >= cs and word in _LOCAL_NEGATIONS and e < ce and _gap_after(view.norm, e):
            continue  # 不 with a space or a mark after it ends a question (中评能改一下不 改完我补您)
        if s >= cs and refusing and not any(not crosses_clause(view.norm, min(s, ss), max(e, se)) for ss, se in slot_spans):
            continue  # inside a refusal, a negation in a clause of its own gives a reason (由于物流无法代收，因此本店不支持)
        if s >= cs and word in _LOCAL_NEGATIONS and not any(
            ((0 <= ss - e <= INNER_NEGATION or _coordinated(compact, e, ss))
             and not crosses_clause(view.norm, e - 1, ss + 1))
            or (se == s and compact.startswith("不了", s))
            for ss, se in slot_spans
        ):
            continue  # inside the frame 不/没 negate the word right after them only, in their clause (包邮不了 要么加5块; 快递不送，要加6块)
        return word
    for ss, se in slot_spans:
        if "的话" in compact[se:se + 3] and _REFUSING.search(compact, max(ss, se - 2), se):
            return "的话"  # a refusal put as a condition (花呗没开通的话，银行卡付也行) refuses nothing
    for s, e, word in hedges:
        if not refusing and cs <= s and e <= ce and not any(s < se and e > ss for ss, se in slot_spans):
            return word  # a hedge between the frame's words (返现我们不做的，如实评价就好)
        if s >= ce and e <= hi:
            if any(compact[ss:se] == compact[s:e] for ss, se in slot_spans):
                continue  # the frame's own word said again (COD不支持 偏远地区更不支持) hedges nothing
            if (refusing or refusal) and _REFUSING.search(compact, s, e):
                continue  # nor does a refusal after a refusal (花呗分期不行，不支持哦), or after a refusing rule's frame
            return word
    return None


def warned(view, span: Span, warnings: Sequence[tuple[int, int, str]]) -> str | None:
    """A warning in the frame's sentence, before or after it (本店客服不会以任何理由让您加微信、QQ或
    扫码付款，如有此类信息请立即举报！)."""
    lo, hi = clause_bounds(view, span[0], span[1], sentence_break())
    for s, e, word in warnings:
        if s >= lo and e <= hi:
            return word
    return None


@cache
def _list_item() -> re.Pattern:
    return compiled(r"\n\s*(?:\d{1,2}|[①-⑩]|[一二三四五六七八九十])[.、)）．:：]")


def crosses_item(norm, cs: int, ce: int) -> bool:
    """Whether compact[cs:ce] runs from one numbered line of a list into the next (1. 在线支付：包邮
    … 2. 货到付款：另加10元 are two items, not one promise broken)."""
    if "\n" not in norm.folded:
        return False
    cmap = norm.compact_map
    return _list_item().search(norm.folded, cmap[cs], cmap[ce - 1]) is not None


def crosses_list(norm, cs: int, ce: int) -> bool:
    """Whether compact[cs:ce] runs over an enumeration comma (微信、支付宝 is no 微信支付)."""
    if ce - cs < 2 or "、" not in norm.folded:
        return False
    cmap = norm.compact_map
    return "、" in norm.folded[cmap[cs] : cmap[ce - 1]]
