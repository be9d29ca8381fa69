"""Bank cards and accounts (Luhn + BIN prefixes, or account words nearby), resident ID numbers
(checksum), and bare numbers/ids used as answers to a buyer's question."""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from importlib import resources

from ..text.compiled import compiled
from . import Detector, Hit
from ._util import MIN_NUMBER_DIGITS, folded_words, keyword_near_run
from .phone import area_code_apart


@lru_cache(maxsize=1)
def _bins() -> dict[int, frozenset[str]]:
    """card length -> BIN prefixes (length 0: any length), from navyxie/bankcardinfo (ISC)."""
    table: dict[int, set[str]] = {}
    text = resources.files("kefulint").joinpath("data/bank_bin.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            prefix, length, _bank, _kind = line.split("\t")
            table.setdefault(int(length) if length.isdigit() else 0, set()).add(prefix)
    return {length: frozenset(prefixes) for length, prefixes in table.items()}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def known_bin(digits: str) -> bool:
    bins = _bins()
    prefixes = bins.get(len(digits), frozenset()) | bins.get(0, frozenset())
    return any(digits[:k] in prefixes for k in (6, 8, 5, 7, 9, 10, 4, 3))


def card_number(digits: str) -> bool:
    """Whether ``digits`` read as a bank card on their own: 15 to 19 digits, Luhn-valid, a known BIN."""
    return 15 <= len(digits) <= 19 and luhn_ok(digits) and known_bin(digits)


def find_bank(view, options, keywords):
    for run in view.number_runs:
        if run.letter_before or run.letter_after:
            continue
        digits = run.digits
        near = keyword_near_run(view, run, options["keywords_compact"], options["window"], options["after"])
        if near and len(digits) <= 12 and area_code_apart(view, run):
            continue  # 0755-2368 1190 then 对公转账: a landline, the account not given
        if options["min_account"] <= len(digits) <= 25 and near:
            yield Hit(run.start, run.end, f"关键词「{near}」附近的 {len(digits)} 位账号")
        elif card_number(digits):
            yield Hit(run.start, run.end, f"Luhn 校验通过、卡BIN {digits[:6]}")


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_ok(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not 1900 <= int(value[6:10]) <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17].upper()


def with_check_letter(folded: str, digits: str, end: int) -> tuple[str, int]:
    """The ``digits`` of a run that ends at ``end`` of ``folded``, and where it ends, with the X
    that follows 17 of them taken in (an ID number's check letter; folded, so lower case)."""
    if len(digits) == 17 and end < len(folded) and folded[end] == "x":
        return digits + "X", end + 1
    return digits, end


def find_id_number(view, options, keywords):
    folded = view.folded
    for run in view.number_runs:
        if run.letter_before:
            continue
        value, end = with_check_letter(folded, run.digits, run.end)
        if end == run.end and run.letter_after:
            continue
        if id_number_ok(value):
            yield Hit(run.start, end, "身份证号（校验位正确）")


_UNIT_AFTER = compiled(r"\s*(?:元|块|件|个|天|号|月|年|点|%|cm|mm|kg|斤|码|g|ml|米|单|箱|瓶|次|分|岁|w|万|k)")


def find_bare_number(view, options, keywords):
    folded = view.folded
    for run in view.number_runs:
        if run.letter_before or run.letter_after:
            continue
        if options["min_digits"] <= len(run.digits) <= options["max_digits"] and not _UNIT_AFTER.match(folded, run.end):
            yield Hit(run.start, run.end, f"直接回复的 {len(run.digits)} 位号码")


_BARE_ID = compiled(r"(?<![a-z0-9_.@-])[a-z][a-z0-9_-]{5,19}(?![a-z0-9_.@-])")


def find_bare_id(view, options, keywords):
    for m in _BARE_ID.finditer(view.folded):
        token = m.group()
        if any(ch.isdigit() or ch in "_-" for ch in token):
            yield Hit(m.start(), m.end(), "直接回复的账号")


DETECTORS = (
    Detector(
        "bank_account",
        "银行卡号/对公账号：账户关键词附近的长数字，或 Luhn 校验通过且卡BIN已知的15-19位数字",
        find_bank,
        options={"keywords": (list, []), "window": (int, 14), "after": (int, 10), "min_account": (int, 12)},
        min_digits=MIN_NUMBER_DIGITS,
        prepare=folded_words,
        min_run=12,
    ),
    Detector("id_number", "18位居民身份证号（日期与校验位正确）", find_id_number, min_digits=MIN_NUMBER_DIGITS, min_run=17),
    Detector(
        "bare_number",
        "单独给出的号码（用于买家索要联系方式后的回复）",
        find_bare_number,
        options={"min_digits": (int, 5), "max_digits": (int, 12)},
        min_digits=MIN_NUMBER_DIGITS,
    ),
    # an id holds a digit, "_" or "-" after its first letter, so a letter stands right before one
    Detector("bare_id", "单独给出的账号（字母开头，含数字或下划线）", find_bare_id,
              prefilter_chars="0123456789_-", prefilter="[a-z][0-9_-]"),
)
