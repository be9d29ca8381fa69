"""Putting spelled and split contact details back together, so the detectors can read them.

Agents write an address so that a filter misses it: ``shop_lulu 圈a foxmail 点 com``,
``h u a x i n _ c a r d @ 1 2 6 . c o m``, ``lanxin_cs🌟@🌟163.com``, ``lan下划线lan1998``,
``邮箱前缀是 bobo_design。后缀 163.com``, ``nini_kf，新浪的``. :func:`rejoin` returns the
text with such pieces joined (``shop_lulu@foxmail.com``) and, for every character of it, the
index of the original character it came from, so a finding on the assembled text points at the
right place of the original. Nothing here decides whether anything is a violation: the engine
runs its detectors on the assembled text and keeps what they find.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import regex

from .compiled import compiled
from .domains import MAIL_HOSTS, MAIL_PROVIDERS
from .normalize import STAND_IN_EMOJI

# full-width ASCII to ASCII and capitals to lower case, one character for one (offsets stay)
_LIGHT = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_LIGHT.update({cp: chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)})
_LIGHT.update({cp: chr(cp - 0xFEE0 + 32) for cp in range(0xFF21, 0xFF3B)})
_LIGHT[0x3000] = " "
_LIGHT[0x24B6] = _LIGHT[0x24D0] = "@"  # Ⓐ ⓐ: the look-alike of @, as normalize folds them

_TOK = r"[a-z0-9][a-z0-9_.\-]*"
# emoji, symbols and marks standing between the parts of an address
_NOISE_IN_ADDRESS = regex.compile(r"(?<=[a-z0-9_@.\-])[ \t]*[\p{So}\p{Sk}\p{Cf}\p{M}\u2600-\u27bf]+[ \t]*(?=[a-z0-9_@.\-])")
# spelled symbols between Latin or digit parts
_SPELLED = compiled(
    r"(?<=[a-z0-9_])(?:\s*(?:后面(?:接|加|跟)个?)?[(（【\[]?(点|圈a|小老鼠|圈|艾特|下划线|底杠|底线|横杠|杠)[)）】\]]?\s*|\s+(dot|at|在|quan a|dian)\s+|\s*[(\[【（](dot|at)[)\]】）]\s*)(?=[a-z0-9])"
)
# a stand-in for @ right before a mail host or a company's own domain, without a word about it:
# guoyuan#qq.com, invoice#yangshengshop.cn
_HASH_BEFORE_HOST = compiled(
    r"(?<=[a-z0-9_.\-][a-z0-9_])[ \t]*[#＃][ \t]*(?=(?:" + "|".join(sorted({regex.escape(h) for h in MAIL_HOSTS}, key=len, reverse=True))
    + r"|[a-z0-9][a-z0-9\-]+\.(?:com|cn|net|org|cc|top|vip|shop|com\.cn|net\.cn))(?![a-z0-9.]))"
)
# a mail provider's number said in Chinese numerals before its dot: 后缀是一六三点康姆
_SAID_PROVIDER = compiled(r"(?:一六三|幺六三)(?=\s*(?:点|\.|dot))|(?:一二六|幺二六)(?=\s*(?:点|\.|dot))")
_PROVIDER_DIGITS = {"一六三": "163", "幺六三": "163", "一二六": "126", "幺二六": "126"}
# a number sent in two messages pasted as two lines, said so: "号码我分两条发：6013 8210\n0029 4471 236"
_SENT_IN_PARTS = compiled(r"分(?:两|2|几)(?:条|次|段|行)|分开发|拆开")
_LINE_BETWEEN_DIGITS = compiled(r"(?<=[0-9])[ \t]*[\n，,、][ \t]*(?=[0-9])")
# a number the reply says to read backwards: "这个号码倒过来念：1 2 6 3 8 5 0 9 7 3 1"
_BACKWARDS = compiled(r"(?:倒过来|反过来|倒着)(?:念|读|看|写)?[^0-9a-z]{0,6}([0-9](?:[ \t\-]?[0-9]){6,})")
# "com" said aloud: 点 康姆
_SAID_COM = regex.compile(r"(?<=[a-z0-9]\s*(?:\.|点)\s*)(康姆|康木|抗姆|康母)")
# letters standing for digits, with the key given: "13S 0O12 7788（S是5 O是0）", "93O8812（O是零）"
_LETTER_KEY = compiled(r"(?<![a-z])([a-z])\s*(?:是|=|就是|代表)\s*([0-9零〇一二三四五六七八九])")
# letters put between digits to be taken out again: "1 3 5 x 0 9 8 8 x 2 6 4 1（把x去掉）"
_LETTER_DROP = compiled(r"把?\s*([a-z])\s*(?:去掉|删掉|不算|不要|忽略|删了|拿掉)")
# digits said in English or pinyin: "one three five, 0288, 7716"
_EN_DIGIT = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
             "seven": "7", "eight": "8", "nine": "9",
             # and in pinyin: "yao san ba, ling ling si qi"
             "ling": "0", "dong": "0", "yao": "1", "yi": "1", "er": "2", "san": "3", "si": "4", "wu": "5", "liu": "6",
             "qi": "7", "ba": "8", "jiu": "9"}
_EN_WORD = "(?:" + "|".join(sorted(_EN_DIGIT, key=len, reverse=True)) + ")"
_EN_RUN = compiled(rf"(?<![a-z]){_EN_WORD}(?:[ \t,，-]*{_EN_WORD}){{2,}}(?![a-z])")
_KEY_DIGIT = {"零": "0", "〇": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
              "八": "8", "九": "9"}
_SPELLED_AS = {"点": ".", "dot": ".", "dian": ".", "圈a": "@", "小老鼠": "@", "quan a": "@", "圈": "@", "艾特": "@", "at": "@", "在": "@",
               "下划线": "_", "底杠": "_", "底线": "_", "横杠": "-", "杠": "-"}
# letters written apart: "w w w", "h u a x i n"
_SPACED = compiled(r"(?<![a-z0-9])(?:[a-z0-9_@.\-][ \t]){3,}[a-z0-9_@.\-](?![a-z0-9])")
# an id written a character at a time between dots or dashes: "m.a.o.l.i.a.n.g.6.6"
_DOTTED = compiled(r"(?<![a-z0-9_.\-@])(?:[a-z0-9][.·\-]){4,}[a-z0-9](?=_|(?![a-z0-9.\-@]))")
_AROUND_MARK = compiled(r"(?<=[a-z0-9])[ \t]+(?=[.@_])|(?<=[.@_])[ \t]+(?=[a-z0-9])")
_PROVIDERS = MAIL_PROVIDERS
_PROVIDER = "|".join(sorted((regex.escape(p) for p in _PROVIDERS), key=len, reverse=True))
# an id followed by the provider it lives at: "nini_kf，新浪的", "taozi_2020，163 的"
_AT_PROVIDER = compiled(
    rf"(?<![a-z0-9_@.])([a-z][a-z0-9_.\-]{{2,}})[\s，,、]*(?:是|在|后面跟|后面是|后面加|后面接)?\s*(?:那个)?\s*({_PROVIDER})\s*(?:那家)?(?:的|邮箱)"
    rf"|(?<![a-z0-9_@.])([a-z][a-z0-9_.\-]{{2,}})\s+在\s+({_PROVIDER})(?![a-z0-9])"
    # and "petlove.shop.cs 后面加 gmail 点 com", "yuexiang.kz ，后面加 at foxmail 点 com"
    rf"|(?<![a-z0-9_@.])([a-z][a-z0-9_.\-]{{2,}})[ \t]*[，,、]?[ \t]*(?:后面|后缀)(?:加|接|跟|是)?个?[ \t]*(?:at[ \t]+|@|艾特)?[ \t]*"
    rf"({_PROVIDER})[ \t]*(?:\.|点|dot)[ \t]*(?:com|cn|net)(?![a-z])"
)
# the provider named first, then the id: "网易163那个，前面是jiafang777"
_PROVIDER_THEN_ID = compiled(
    rf"({_PROVIDER})\s*(?:那个|的)?[\s，,、]*(?:前面|前缀|用户名|名字)(?:是|为)?[:：]?\s*([a-z][a-z0-9_.\-]{{2,}})(?![a-z0-9_@.])"
)
# an address given in two labelled parts: "前缀是 bobo_design。后缀 163.com", "前面是 lele_。后面接 shop520",
# "前半截是 mianli2019。后面接163", "前缀 xiedian_zj。后面 @yeah.net"
_PARTS = compiled(
    rf"(?:前面|前缀|开头|前半(?:段|截|部分)?|前几位|用户名|收件人|店名拼音|拼音|发件到|发邮件到|邮件发到|邮箱是|邮箱)(?:部分)?(?:是|为)?[:：]?\s*({_TOK})"
    rf"[^a-z0-9]{{0,24}}?(?:后面|后缀|后半(?:段|截|部分)?|后几位|剩下的?)(?:部分)?(?:接|是|为|就是|跟|跟个|加)?[:：]?\s*"
    rf"(?:网易|腾讯)?(?:那个|的)?\s*(?:@|艾特|圈a|小老鼠)?\s*(_?{_TOK}|{_PROVIDER})"
)


# Emoji that read as characters (normalize.STAND_IN_EMOJI) are dropped between two Chinese characters.
_STAND_IN_BETWEEN = regex.compile(
    "(?<=\\p{Han})[" + "".join(sorted(STAND_IN_EMOJI)) + "]\ufe0f?(?=\\p{Han})"
    # and between the groups of a number said in numerals: 一五二 📞 八八六零 📞 三一四九
    "|(?<=[零〇一二两三四五六七八九])[ \t]*[" + "".join(sorted(STAND_IN_EMOJI)) + "]\ufe0f?[ \t]*(?=[零〇一二两三四五六七八九])"
)

# "把#换成@" (换成那个圈a): the address is written with a stand-in for @
_STAND_IN_AT = compiled(
    r"(?:把|将)?\s*([#＃*&%$]|[^\w\s，,。（）()“”\"'])\s*(?:换成|改成|替换成|替换为|改为|当作|代表)\s*(?:那个)?\s*(?:[@＠]|圈a|圈圈a|小老鼠|艾特)"
)


# What some of the patterns above cannot match without: a plain ``re`` search (or ``in``) first, the
# pattern's own pass (1-4 microseconds each, the provider patterns ~15) only where it may match.
# Most replies that get here hold a cue (www, com, 前面 …) and none of these.
_STAND_IN_WORDS = re.compile("换成|改成|替换成|替换为|改为|当作|代表")  # _STAND_IN_AT's verbs
_DROP_WORDS = re.compile("去掉|删掉|不算|不要|忽略|删了|拿掉")  # _LETTER_DROP's
_ANY_PROVIDER = re.compile("|".join(re.escape(p) for p in _PROVIDERS))  # every branch of _AT_PROVIDER and _PROVIDER_THEN_ID names one


def _sub(pattern: re.Pattern | regex.Pattern, repl: Callable[[Any], str], text: str, omap: list[int]):
    # pattern: made by the package's ``compiled`` (stdlib re) or, for \p{...} and variable-width
    # look-behinds, by the regex module
    out: list[str] = []
    nmap: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        nmap.extend(omap[pos : m.start()])
        new = repl(m)
        out.append(new)
        if new:
            first, last = omap[m.start()], omap[m.end() - 1]
            nmap.extend([first] * (len(new) - 1) + [last])
        pos = m.end()
    if pos == 0:
        return text, omap
    out.append(text[pos:])
    nmap.extend(omap[pos:])
    return "".join(out), nmap


def _join_parts(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    if second in _PROVIDERS:
        return f"{first}@{_PROVIDERS[second]}"
    if "@" not in first and "." in second and not first.endswith((".", "_", "-")) and not second.startswith("www"):
        return f"{first}@{second}"
    return first + second


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _m: value


def rejoin(text: str) -> tuple[str, list[int]] | None:
    """The text with spelled or split addresses joined, and the original index of each of its
    characters; None when nothing was joined."""
    light = text.translate(_LIGHT)
    omap = list(range(len(text)))
    out = light
    stand_in = _STAND_IN_AT.search(out) if _STAND_IN_WORDS.search(out) else None
    if stand_in:
        mark = regex.escape(stand_in.group(1).translate(_LIGHT))
        out, omap = _sub(regex.compile(rf"(?<=[a-z0-9_.\-])\s*{mark}\s*(?=[a-z0-9])"), lambda m: "@", out, omap)
    for letter, key in {m.group(1): m.group(2) for m in _LETTER_KEY.finditer(out)}.items():
        pattern = regex.compile(rf"(?<=[0-9][ \t]?){letter}|{letter}(?=[ \t]?[0-9])")
        out, omap = _sub(pattern, _constant(_KEY_DIGIT.get(key, key)), out, omap)
    for letter in {m.group(1) for m in _LETTER_DROP.finditer(out)} if _DROP_WORDS.search(out) else ():
        pattern = regex.compile(rf"(?<=[0-9][ \t]?){letter}[ \t]?(?=[0-9])")
        out, omap = _sub(pattern, _constant(""), out, omap)
    out, omap = _sub(_EN_RUN, lambda m: "".join(_EN_DIGIT[w] for w in regex.findall(_EN_WORD, m.group())), out, omap)
    out, omap = _sub(_NOISE_IN_ADDRESS, lambda m: "", out, omap)
    if not STAND_IN_EMOJI.isdisjoint(out):  # both branches of _STAND_IN_BETWEEN hold one
        out, omap = _sub(_STAND_IN_BETWEEN, lambda m: "", out, omap)
    if "#" in out or "＃" in out:
        out, omap = _sub(_HASH_BEFORE_HOST, _constant("@"), out, omap)
    if ("分" in out or "拆开" in out) and _SENT_IN_PARTS.search(out):
        out, omap = _sub(_LINE_BETWEEN_DIGITS, _constant(" "), out, omap)
    backwards = _BACKWARDS.search(out) if "过来" in out or "倒着" in out else None
    if backwards:
        start, end = backwards.span(1)
        group = backwards.group(1)
        where = [omap[start + i] for i, ch in enumerate(group) if ch.isdigit()]  # the span stays in order
        out, omap = out[:start] + "".join(ch for ch in reversed(group) if ch.isdigit()) + out[end:], omap[:start] + where + omap[end:]
    if "六三" in out or "二六" in out:
        out, omap = _sub(_SAID_PROVIDER, lambda m: _PROVIDER_DIGITS[m.group()], out, omap)
    if "姆" in out or "康木" in out or "康母" in out:
        out, omap = _sub(_SAID_COM, lambda m: "com", out, omap)
    out, omap = _sub(_SPELLED, lambda m: _SPELLED_AS[m.group(1) or m.group(2) or m.group(3)], out, omap)
    out, omap = _sub(_SPACED, lambda m: regex.sub(r"[ \t]", "", m.group()), out, omap)
    out, omap = _sub(_DOTTED, lambda m: regex.sub(r"[.·\-]", "", m.group()), out, omap)
    out, omap = _sub(_AROUND_MARK, lambda m: "", out, omap)
    if "后" in out or "剩下" in out:  # _PARTS's second label
        out, omap = _sub(_PARTS, _join_parts, out, omap)
    if _ANY_PROVIDER.search(out):
        out, omap = _sub(_PROVIDER_THEN_ID, lambda m: f"{m.group(2)}@{_PROVIDERS[m.group(1)]}", out, omap)
        out, omap = _sub(_AT_PROVIDER, lambda m: f"{m.group(1) or m.group(3) or m.group(5)}@{_PROVIDERS[m.group(2) or m.group(4) or m.group(6)]}", out, omap)
    if out == light:
        return None
    return out, omap
