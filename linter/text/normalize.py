"""Normalization: the search forms every rule matches against, with offset maps back to the
original text.

Two views of one message, both computed once and shared by every rule:

* ``folded``   -- the message with look-alikes folded: full-width to half-width, upper to lower
  case, traditional to simplified, circled/dingbat digits to digits, Chinese numerals to digits
  inside number runs, and a few emoji that stand in for a character (⭐ -> 星, ❤ -> 心).
  Mostly one character for one character; a few characters expand (⑬ -> 13).
* ``compact``  -- ``folded`` without noise (spaces, punctuation, symbols, emoji, zero-width
  characters), so that ``私 下 付 款`` and ``微.信`` read as ``私下付款`` and ``微信``.

Phrases and regexes match ``compact``; detectors that need separators (ids, links, e-mails,
numbers) read ``folded``. Every span is mapped back to the ORIGINAL text.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from .compiled import compiled
from .packagedata import data_file

# --- the fold table ---------------------------------------------------------------------------


def _load_t2s() -> dict[int, str]:
    with open(data_file("t2s.tsv"), encoding="utf-8") as fh:
        text = fh.read()
    # the comment lines at the top cut off in one step, the rest looked at line by line only when
    # it holds one (a cold start folds its first text)
    head = 0
    while text.startswith("#", head):
        head = text.find("\n", head) + 1 or len(text)
    body = text[head:]
    if "\n#" in body or body.startswith("#"):
        body = "".join(line for line in body.splitlines(keepends=True) if not line.startswith("#"))
    n = body.count("\n")
    # the usual file, every line one character, a tab, one character: read by slices, C loops
    if len(body) == 4 * n and body[1::4] == "\t" * n and body[3::4] == "\n" * n:
        return dict(zip(map(ord, body[0::4]), body[2::4], strict=True))
    table: dict[int, str] = {}
    for line in body.splitlines():
        if not line:
            continue
        trad, simp = line.split("\t")
        table[ord(trad)] = simp
    return table


def _circled(first: int, last: int, start_value: int) -> dict[int, str]:
    return {cp: str(start_value + i) for i, cp in enumerate(range(first, last + 1))}


# Emoji that the fold reads as a character (⭐ -> 星, ❤ -> 心) also serve as mere separators
# inside a word: 好🌟评🌟返🌟现, 信♥用♥卡 (text/rejoin.py drops them between Chinese characters).
STAND_IN_EMOJI = frozenset("🔝🚫📮🥇🧧💳🧠⭐🌟★☆❤♥💗💓💖💕🧡💛💙💜🖤🤍💚🟢🟩💬💯🐷🐶🐕🎵🎶🍠🐧📞☎📱✉📧🈶🉑🐟🍑")

# Emoji and symbols that stand in for a character in evasions; every other emoji is noise.
_STAND_INS = {
    "⭐": "星", "🌟": "星", "★": "星", "☆": "星",
    "❤": "心", "♥": "心", "💗": "心", "💓": "心", "💖": "心", "💕": "心", "🧡": "心", "💛": "心",
    "💙": "心", "💜": "心", "🖤": "心", "🤍": "心",
    "💚": "绿", "🟢": "绿", "🟩": "绿", "💬": "泡泡", "💯": "100%", "🆔": ":", "➕": "+", "＋": "+", "🐧": "企鹅", "📞": "电话", "☎": "电话",
    "📱": "手机", "✉": "邮箱", "📧": "邮箱", "🈶": "有", "🉑": "可",
    "✌": "v",  # ✌信 for V信
    "❌": "不行", "✖": "不行", "🙅": "不行", "🚫": "不行",  # 货到付款❌ (✖️), 🙅信用卡🙅: the cross and the no-gesture refuse
    "🧧": "红包", "📮": "邮箱", "🥇": "第一", "🔝": "top", "💳": "卡", "🧠": "脑子", "🐷": "猪", "🐶": "狗", "🐕": "狗", "🎵": "抖音", "🎶": "音", "🍠": "薯", "🐟": "鱼", "🍑": "桃",
    # variants the simplified table leaves apart but that mean the same here
    "帐": "账", "乾": "干", "䒑": "艹", "唄": "呗",
    # Cantonese function words read as their Mandarin ones (唔开发票 = 不开发票, 关咗 = 关了);
    # none of them is a Mandarin word of its own
    "咗": "了", "唔": "不", "冇": "没", "嘅": "的", "喺": "在", "佢": "他", "俾": "给", "畀": "给",
    "嗰": "那", "睇": "看", "嚟": "来", "哋": "们", "揾": "找", "攞": "拿", "乜": "什么", "啲": "些",
    # Cyrillic letters that pass for Latin ones or digits in evasions (1О0З76 = 10376)
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "Х": "x", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "З": "3", "з": "3",
}


def _build_fold() -> dict[int, str]:
    import unicodedata

    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "
    # a traditional character folds through the variants too (帳 -> 帐 -> 账)
    variants = {ch: repl for ch, repl in _STAND_INS.items() if len(repl) == 1 and "\u4e00" <= ch <= "\u9fff"}
    table.update({cp: variants.get(value, value) for cp, value in _load_t2s().items()})
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    for cp in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[cp] = chr(cp - 0xFEE0 + 32)
    for i in range(26):  # circled letters Ⓐ..Ⓩ ⓐ..ⓩ
        table[0x24B6 + i] = chr(ord("a") + i)
        table[0x24D0 + i] = chr(ord("a") + i)
    # but a circled a is the look-alike of @ (petlove ⓐ 126 . com): an e-mail's, never a word's letter
    table[0x24B6] = table[0x24D0] = "@"
    table.update(_circled(0x2460, 0x2473, 1))  # ①..⑳
    table.update(_circled(0x2474, 0x2487, 1))  # ⑴..⒇
    table.update(_circled(0x2488, 0x249B, 1))  # ⒈..⒛
    table.update(_circled(0x24EB, 0x24F4, 11))  # ⓫..⓴
    table.update(_circled(0x24F5, 0x24FE, 1))  # ⓵..⓾
    table.update(_circled(0x2776, 0x277F, 1))  # ❶..❿
    table.update(_circled(0x2780, 0x2789, 1))  # ➀..➉
    table.update(_circled(0x278A, 0x2793, 1))  # ➊..➓
    table[0x24EA] = "0"  # ⓪
    table[0x24FF] = "0"  # ⓿
    table[0x1F10B] = "0"
    table[0x1F10C] = "0"
    for base in (0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6):  # mathematical digits
        for i in range(10):
            table[base + i] = str(i)
    for cp in range(0x1D400, 0x1D6A4):  # mathematical letters (𝐡𝐞𝐱𝐢𝐧𝐠, 𝚆𝚇, 𝓌𝓍): bold, italic, script, monospace...
        nf = unicodedata.normalize("NFKC", chr(cp))
        if len(nf) == 1 and nf.isascii() and nf.isalpha():
            table[cp] = nf.lower()
    for cp in range(0x2160, 0x2180):  # Roman numerals that are one letter (ⅴⅹ for vx, Ⅽ, Ⅿ)
        nf = unicodedata.normalize("NFKC", chr(cp))
        if len(nf) == 1 and nf.isascii():
            table[cp] = nf.lower()
    for i, cp in enumerate(range(0x2080, 0x208A)):  # subscript digits
        table[cp] = str(i)
    for i, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹"):
        table[ord(ch)] = str(i)
    for ch, repl in _STAND_INS.items():
        table[ord(ch)] = repl
    # the numerals of cheques and invoices read as everyday ones (销量第壹, 伍仟元整); 陆 and 拾 stay
    # (大陆, 收拾), and in a number run every numeral is a digit anyway
    for ch, repl in zip("壹贰貳叁參肆伍柒捌玖佰仟", "一二二三三四五七八九百千", strict=True):
        table[ord(ch)] = repl
    # keycap digits (1️⃣ = 1 + U+FE0F + U+20E3): the marks go, so the digits make one number
    table[0x20E3] = ""
    table[0xFE0F] = ""
    # Latin letters with tone marks or accents read as the plain letter (kòu kòu, wēi xìn)
    for cp in range(0xC0, 0x250):
        letter = unicodedata.normalize("NFD", chr(cp))[0]
        if letter.isascii() and letter.isalpha() and cp not in table:
            table[cp] = letter.lower()
    # Kangxi radicals that look like common characters (⼀ ⼆ ⼝ ...): fold to the character.
    for cp in range(0x2F00, 0x2FD6):
        nf = unicodedata.normalize("NFKC", chr(cp))
        if len(nf) == 1:
            table[cp] = nf
    return table


# Full-width punctuation is noise either way; folding it would only cost time. These few matter
# to links, e-mails and ids, so they fold: ． ＠ ＿ － ＋ ： ／ ％
_KEPT_PUNCT = frozenset("．＠＿－＋：／％")


def _char_class(chars) -> str:
    return re.escape("".join(sorted(chars)))  # one call: re.escape escapes character by character


# Characters of the fold's class looked through one by one before the class is compiled: compiling
# a class of ~4,300 characters costs ~5 ms, as much as testing ~100,000 characters against a set.
_MARKED_WARM_UP = 20_000


class _FoldTables:
    """The fold table and the sets read from it, built once (see _fold_tables)."""

    __slots__ = ("_left", "_marked", "chained", "expanding", "find_marked", "fold", "foldable")

    def __init__(self, fold: dict[int, str], foldable: frozenset[str] | None, expanding: frozenset[str] | None,
                 marked: frozenset[str]) -> None:
        self.fold = fold  # code point -> what it folds to
        # the characters the fold changes (full-width punctuation aside), those of them that fold to
        # more (or fewer) than one character, and those that fold to a character that folds again
        # (帳 -> 帐 -> 账: folded one at a time, in place, they could be folded twice; the table folds
        # each character of a text once); None until ``derive`` makes them, when a text first has a
        # character other than a digit to look at: a cold check of a plain reply needs none of them
        self.foldable = foldable
        self.expanding = expanding
        self.chained: frozenset[str] | None = None
        # the foldable characters of the BMP, the digits and Chinese numerals and every astral
        # character, in one class (a bitmap and one range): most messages hold none of the first and
        # the last, and one search then settles all three (and counts the numerals). ``find_marked(text)``
        # lists them in order, as the compiled class's findall, which it becomes after a warm-up
        self._marked = marked
        self._left = _MARKED_WARM_UP
        self.find_marked: Callable[..., list[str]] = self._warm_up

    def derive(self) -> frozenset[str]:
        """Makes ``foldable``, ``expanding`` and ``chained`` (those not given); returns ``foldable``."""
        fold = self.fold
        if self.foldable is None:
            self.foldable = frozenset(map(chr, fold)) - _UNMARKED_PUNCT
        if self.expanding is None:
            self.expanding = frozenset(chr(cp) for cp, repl in fold.items() if len(repl) != 1)
        self.chained = frozenset(chr(cp) for cp, repl in fold.items() if len(repl) == 1 and ord(repl) in fold)
        return self.foldable

    def _warm_up(self, text: str) -> list[str]:
        self._left -= len(text)
        if self._left < 0:
            self.find_marked = compiled(marked_class(self._marked)).findall
            return self.find_marked(text)
        marked = self._marked
        return [ch for ch in text if ch in marked or ch > "\uffff"]


def marked_class(marked: frozenset[str]) -> str:
    """The class ``find_marked`` compiles: ``marked`` (characters of the BMP) and every astral character."""
    return "[" + _char_class(marked) + "\U00010000-\U0010FFFF]"


# full-width punctuation the fold leaves out of ``foldable`` (see _KEPT_PUNCT)
_UNMARKED_PUNCT = frozenset(chr(cp) for cp in range(0xFF01, 0xFF5F)
                            if not chr(cp).isalnum() and chr(cp) not in _KEPT_PUNCT)


@cache
def _unmarked_punct() -> re.Pattern:
    """_UNMARKED_PUNCT as a class, compiled when a text is first folded one character at a time."""
    return compiled(f"[{_char_class(_UNMARKED_PUNCT)}]")


_TABLES: _FoldTables | None = None  # _fold_tables() once built, read without a call by every Normalized


@cache
def _fold_tables() -> _FoldTables:
    """Built on first use (reading t2s.tsv costs a few ms): importing kefulint does not pay for it."""
    global _TABLES
    _TABLES = _new_fold_tables()
    return _TABLES


def _new_fold_tables() -> _FoldTables:
    fold = _build_fold()
    # A regex class of BMP characters compiles to a bitmap and tests fast; one astral character in
    # a class makes `re` test every character linearly (~100x slower), so astral ones are looked
    # for with a single range (_ASTRAL) and confirmed with the set.
    bmp = frozenset(map(chr, filter(0x10000 .__gt__, fold))) - _UNMARKED_PUNCT | frozenset(_CN_DIGIT_CHARS + "0123456789")
    return _FoldTables(fold, None, None, bmp)


def __getattr__(name: str):
    if name == "FOLD":  # the fold table, built on first use
        return _fold_tables().fold
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")

# Chinese numerals that become digits inside a number run.
CN_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "洞": "0", "拐": "7", "勾": "9",
    "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2", "贰": "2", "三": "3", "叁": "3",
    "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6", "七": "7", "柒": "7",
    "八": "8", "捌": "8", "九": "9", "玖": "9",
}
# Characters a voice input writes for a digit (死 for 四, 酒 for 九, 妖 for 幺): digits only in the
# middle of a run, right before a numeral (一三零 死七二八 三九零五), never at its start or end.
SOUND_DIGITS = {
    "死": "4", "思": "4", "寺": "4", "酒": "9", "久": "9", "舞": "5", "午": "5", "武": "5", "吾": "5",
    "溜": "6", "留": "6", "期": "7", "妻": "7", "巴": "8", "爸": "8", "扒": "8", "衣": "1", "依": "1",
    "妖": "1", "腰": "1", "尔": "2", "伞": "3", "散": "3", "灵": "0", "铃": "0", "玲": "0", "陵": "0",
}
_CN_TRANS = str.maketrans(CN_DIGITS | SOUND_DIGITS)
_CN_DIGIT_CHARS = "".join(k for k in CN_DIGITS if k not in "洞拐勾")
_DIGIT_CLASS = "0-9" + _CN_DIGIT_CHARS
# A separator inside a number: spaces, dashes, dots, emoji, zero-width ... but never a digit,
# a letter, a CJK character or a clause break (，。：). At most three in a row.
SEP_CLASS = r"[^\w\n，,。；;！!？?、：:（）()\[\]【】《》“”\"'‘’¥$￥%％@]"
# 洞, 拐 and 勾 (radio speech for 0, 7 and 9) continue a run and start one only before two numerals (山洞, 拐弯, 打勾); a numeral before
# 十/百/千/万 counts (13958762210 二十四小时开机) and ends the run before it; a sound-alike only
# continues one when a numeral follows within twelve sound-alikes and separators (幺伞扒 思吾溜妻 扒久灵幺)
_SOUND_CLASS = "".join(SOUND_DIGITS)
# the regexes of numerals are compiled when a text first has a numeral to fold: a cold start of
# a reply without one does not pay for them (~1.3 ms)


@cache
def _cn_run() -> re.Pattern:
    return compiled(
        # a numeral right after 前/后 that digits follow names the part (前三186, 后四1790), it is not one
        # 腰 / 妖 for 幺 may start a run when two numerals follow (打 腰三八 零六四四), and so may 洞 / 拐 / 勾
        # (幺三八，两两五七，洞九四六: a group that starts with 0, 7 or 9; 山洞, 拐弯 and 打勾 have none after them)
        # (the first character is taken by one class, then told apart by look-behinds: a pattern that
        # starts with a class lets `re` skip the positions it cannot start at, ~3x faster on a reply)
        rf"[0-9{_CN_DIGIT_CHARS}腰妖衣洞拐勾](?:(?<=[0-9])|(?<=[{_CN_DIGIT_CHARS}])(?:(?<![前后].)|(?![0-9]))"
        rf"|(?<=[腰妖衣洞拐勾])(?=[{_DIGIT_CLASS}]{{2}}))"
        rf"(?:{SEP_CLASS}{{0,3}}(?:[{_DIGIT_CLASS}洞拐勾](?![十百千万])|[{_SOUND_CLASS}](?=(?:[{_SOUND_CLASS}]|{SEP_CLASS}){{0,12}}[{_DIGIT_CLASS}])))+"
    )


@cache
def _cn_digit() -> re.Pattern:
    return compiled(f"[{_CN_DIGIT_CHARS}]")


MIN_CN_RUN_DIGITS = 4
_LETTER_IN_NUMBER = re.compile(r"(?<=\d)[ol](?=\d)")


def _letter_digit(m: re.Match) -> str:
    return "0" if m.group() == "o" else "1"


@cache
def _enough_numerals() -> re.Pattern:
    """Matches at the start of a text with MIN_CN_RUN_DIGITS numerals or more (possessive: no
    backtracking; one match instead of listing them all)."""
    return compiled(f"(?:[^{_DIGIT_CLASS}]*+[{_DIGIT_CLASS}]){{{MIN_CN_RUN_DIGITS}}}")


# --- noise ------------------------------------------------------------------------------------
# Everything that is not a letter or a digit is dropped from the compact form: white space,
# punctuation, symbols, emoji, zero-width and combining marks. "+" stays: "+v" and "+我" are how
# agents write 加v / 加我.
@cache
def _noise_class() -> str:
    with open(data_file("noise_bmp.txt"), encoding="utf-8") as fh:
        text = fh.read()
    parts = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            a, b = (int(x, 16) for x in line.split("-"))
            parts.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
    # astral characters are emoji and symbols almost always; astral letters (rare CJK) count too
    return "".join(parts)


# The noise classes are compiled on first use: a message of letters, digits and the usual marks
# (，。？！~ and spaces) never needs them (see Normalized).
@cache
def _noise() -> re.Pattern:
    return compiled(f"(?:[{_noise_class()}]|[\U00010000-\U0010FFFF])+")


def _noise_bmp() -> re.Pattern:
    """Whether there is any noise at all: two character-class searches (a bitmap and one range)
    scan far faster than _noise(), whose two branches are tried at every position. Kept in
    _NOISE_BMP once made, read there without a call (a third of the replies ask)."""
    global _NOISE_BMP
    _NOISE_BMP = compiled(f"[{_noise_class()}]")
    return _NOISE_BMP


_NOISE_BMP: re.Pattern | None = None


@cache
def _keep() -> re.Pattern:
    return compiled(f"[^{_noise_class()}\U00010000-\U0010FFFF]")


def is_noise(ch: str) -> bool:
    return _keep().match(ch) is None


class Normalized:
    """The search forms of one text; see the module docstring."""

    __slots__ = ("_compact_map", "_fold_map", "compact", "digits_at_most", "folded", "original")

    def __init__(self, original: str) -> None:
        self.original = original
        # foldable characters, digits, Chinese numerals and astral characters, in one class search
        marked = (_TABLES or _fold_tables()).find_marked(original)
        if not marked:  # the common case: nothing to fold
            folded, fold_map, astral = original, None, False
        else:
            tables = _TABLES or _fold_tables()
            top = max(marked)
            astral = top > "\uffff"
            # digits only (no character up to "9" folds): nothing to fold, no numeral to turn
            if top <= "9":
                folded, fold_map = original, None
            # isdisjoint makes no set: most marked characters are digits and numerals, none foldable
            elif not astral and (tables.foldable or tables.derive()).isdisjoint(marked):
                folded, fold_map = original, None
                # marked: the text's digits and numerals, every one of them (as _enough_numerals
                # counts them); a Chinese numeral among them sorts after the digits
                if len(marked) >= MIN_CN_RUN_DIGITS:
                    folded = _cn_numerals_to_digits(folded)
            else:
                folded, fold_map = _fold(original, tables, (tables.foldable or tables.derive()).intersection(marked))
                if not astral:  # folding can make one: 頠 -> 𬱟 (traditional to simplified)
                    astral = _ASTRAL.search(folded) is not None
        # 1o29384 75, 13l0: a letter o or l between digits is 0 or 1 (looked for only when there is
        # an o or l: the look-behind search costs as much as the rest of a clean reply's folding)
        if ("o" in folded or "l" in folded) and _LETTER_IN_NUMBER.search(folded):
            folded = _LETTER_IN_NUMBER.sub(_letter_digit, folded)
        self.folded = folded
        self._fold_map = fold_map  # folded index -> original index; None means identity
        # no more digits 0-9 than this in ``folded`` (the engine's gates count them only past it):
        # a text the fold left as it is has every digit among the marked characters
        self.digits_at_most = len(marked) if folded is original else len(folded)
        # str.replace of the usual marks is ~3x cheaper than a regex pass; the regex then runs
        # only when something else is left (emoji, symbols, other punctuation). No noise left: every
        # character a letter or a digit (what the noise class leaves out of the BMP, "+" aside;
        # str.isalnum is one C loop, the class search a regex call), or none in the class. The two
        # commonest marks first: a reply with no other (most) is told so by one isalnum
        out = folded.replace("，", "").replace("。", "")
        bare = out.isalnum()
        if not bare:
            out = out.replace("？", "").replace("！", "").replace("~", "").replace(" ", "")
            bare = out.isalnum() or (_NOISE_BMP or _noise_bmp()).search(out) is None
        if bare and not (astral and _ASTRAL.search(out)):
            self.compact = out
        else:
            self.compact = _noise().sub("", out)
        self._compact_map: list[int] | None = None

    # offsets ------------------------------------------------------------------------------
    def folded_to_original(self, i: int) -> int:
        return i if self._fold_map is None else self._fold_map[i]

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of folded[start:end] (end exclusive)."""
        if self._fold_map is None:
            return start, end
        if start >= end:
            o = self._fold_map[start] if start < len(self._fold_map) else len(self.original)
            return o, o
        return self._fold_map[start], self._fold_map[end - 1] + 1

    @property
    def compact_map(self) -> list[int]:
        """compact index -> folded index."""
        if self._compact_map is None:
            if len(self.compact) == len(self.folded):
                self._compact_map = list(range(len(self.folded)))
            else:
                # kept characters are the ranges between noise runs; extend by ranges (C speed)
                cmap: list[int] = []
                pos = 0
                for m in _noise().finditer(self.folded):
                    cmap.extend(range(pos, m.start()))
                    pos = m.end()
                cmap.extend(range(pos, len(self.folded)))
                self._compact_map = cmap
        return self._compact_map

    def compact_to_folded(self, i: int) -> int:
        cmap = self.compact_map
        return cmap[i] if i < len(cmap) else len(self.folded)

    def compact_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of compact[start:end] (end exclusive)."""
        cmap = self.compact_map
        fs = cmap[start]
        fe = cmap[end - 1] + 1
        return self.folded_span(fs, fe)

    def compact_gap(self, start: int, end: int) -> int:
        """Largest run of dropped noise characters between two kept characters of a match."""
        cmap = self.compact_map
        if end - start < 2 or cmap[end - 1] - cmap[start] == end - 1 - start:
            return 0  # nothing dropped inside the match (the usual case)
        return max(cmap[i + 1] - cmap[i] - 1 for i in range(start, end - 1))


# Up to this many different foldable characters in a text are folded one str.replace each; more
# (a paragraph in traditional characters) with the table, which looks up every character of the text
# (~25,000 instructions for a reply of 35 characters, against ~600 per replace)
_FOLD_BY_REPLACE = 12


def _fold(text: str, tables: _FoldTables, foldable: frozenset[str]) -> tuple[str, list[int] | None]:
    """``foldable``: the foldable characters of ``text`` (the caller looked). Full-width punctuation
    is not among them (a text with nothing else to fold keeps it, see _KEPT_PUNCT); once the text
    is folded, it is folded too, as the table does."""
    if tables.chained is None:
        tables.derive()
    expanding, chained = tables.expanding, tables.chained
    assert expanding is not None and chained is not None  # derive made them
    if not foldable:
        folded = text  # astral characters, none of them foldable
        fold_map = None
    elif not expanding.isdisjoint(foldable):
        fold = tables.fold
        parts: list[str] = []
        fold_map = []
        for i, ch in enumerate(text):
            repl = fold.get(ord(ch), ch)
            parts.append(repl)
            fold_map.extend([i] * len(repl))
        folded = "".join(parts)
    elif len(foldable) <= _FOLD_BY_REPLACE and chained.isdisjoint(foldable):
        fold = tables.fold
        folded = text
        # one character for one, none of them folding to another of them
        for ch in foldable.union(_unmarked_punct().findall(text)):
            folded = folded.replace(ch, fold[ord(ch)])
        fold_map = None
    else:
        folded = text.translate(tables.fold)
        fold_map = None
    if _cn_digit().search(folded) and _enough_numerals().match(folded):
        folded = _cn_numerals_to_digits(folded)
    if fold_map is not None:
        fold_map.append(len(text))
    return folded, fold_map


def _cn_numerals_to_digits(folded: str) -> str:
    """Chinese numerals become digits only inside a number run (一三八 零零一三 八零零零, 1三8),
    never in words (第一次, 一下, 两件). A shorter run of three counts when it is one group of a
    number cut by single stops (一五八、二六七四、〇九三一)."""
    out = None
    # a sound-alike inside a run of numerals is one of its digits (腰三五，七七零八，二九四一: a group of
    # three); not beside digits (冲锋衣100%: 衣 before digits is no 1 of a number of four)
    runs = [(m.start(), m.end(), _run_digits(m.group())) for m in _cn_run().finditer(folded)]
    for i, (start, end, digits) in enumerate(runs):
        if digits < MIN_CN_RUN_DIGITS and not (digits == 3 and _in_group_chain(folded, runs, i)):
            continue
        if out is None:
            out = list(folded)
        out[start:end] = folded[start:end].translate(_CN_TRANS)
    return folded if out is None else "".join(out)


def _run_digits(run: str) -> int:
    """The digits of a run: its digits and numerals, and its sound-alikes where it has no digit."""
    if any("0" <= ch <= "9" for ch in run):
        return sum(1 for ch in run if "0" <= ch <= "9" or ch in CN_DIGITS)
    return sum(1 for ch in run if ch in CN_DIGITS or ch in SOUND_DIGITS)


_GROUP_STOPS = frozenset("、，,。 ")


# The words that bring in the next part of a number read out in parts (一三八，后面是零六七二); text.numruns
# joins the parts' digits with them too.
NEXT_PART_WORDS = r"后面|后边|后头|后几位|后\d{1,2}位|后半段?|剩下的?|然后|接着|再加上?|加上"


# The labels of a number's middle or last part (前三位是一三七，中间是四八二六，最后零五九三): a group of three
# numerals before one is part of the number; text.numruns joins labelled parts with them.
LATER_PART_WORDS = r"中间|尾号|尾数|尾巴|末尾|结尾|最后"


# what stands between the first part of a number and the next one: 一八八 你先记一下 后头是五三零二
@cache
def _next_part() -> re.Pattern:
    return compiled(rf"[\s，,。.、;；!！~～]*(?:你先记一下|您先记一下|记一下)?[\s，,。]*(?:再)?(?:{NEXT_PART_WORDS}|{LATER_PART_WORDS})"
                    r"(?:几位|\d位|[一二三四五六七八九]位)?(?:的|是|为|就是)?[\s:：]*")


def _in_group_chain(folded: str, runs: list, i: int) -> bool:
    """Whether run ``i`` has a neighbour of 3+ numerals one stop away (groups of a number), or is
    the first part of a number read out in parts (一三八，后面是零六七二)."""
    start, end, _ = runs[i]
    if i + 1 < len(runs):
        s, _, d = runs[i + 1]
        if s == end + 1 and folded[end] in _GROUP_STOPS and d >= 3:
            return True
        if d >= 3 and s - end <= 14 and _next_part().fullmatch(folded, end, s):
            return True
    if i > 0:
        _, e, d = runs[i - 1]
        if start == e + 1 and folded[e] in _GROUP_STOPS and d >= 3:
            return True
    return False


@lru_cache(maxsize=65536)
def fold_phrase(phrase: str) -> str:
    """The compact search form of a rule phrase (what it must look like in ``compact``). Memoized
    (a pure function): building a Linter folds ~30,000 phrases, ~6,000 of them different."""
    return Normalized(phrase).compact
