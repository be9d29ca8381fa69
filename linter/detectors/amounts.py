"""Invoice amounts: an invoice written for more than the buyer paid (开票金额 1200, 实付 860;
实付326，开个整数400; 合计实付3650元 … 写成伍仟元整)."""
from __future__ import annotations

import regex

from ..text.compiled import compiled
from . import Detector, Hit

_CN_NUM = "零〇一二两三四五六七八九十百千万壹贰贰叁肆伍陆柒捌玖拾佰仟萬"
_DIGIT_VALUE = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
                "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_UNIT_VALUE = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# an amount: digits (spaces between them allowed), or Chinese numerals with units
# (a list's number is none: 1. 2、 3) before words)
_AMOUNT = rf"(\d(?:[ \t]?\d)*(?:\.\d+)?(?!\d|[.．、)）]\s*[^\d\s])|[{_CN_NUM}]{{2,}})\s*(?:元|块|万)?"
# the words that bring in what the buyer paid
_PAID_WORDS = "实际拍的|实际拍了|你拍的|您拍的|加起来|加在一起|加一起|合起来|你买了|您买了|你买|您买|实际按|您拍了|你拍了|拍的是|一共|总共|共计|实际您付|实际你付|您只付|你只付|转我|您买的是|你买的是|买的是|下单那个|下单的|你这单|您这单|这单才|这单|实付|实际支付|实际付款|实际只付|实际付|只付了|付了|支付了|付款金额|订单金额|实收|合计实付|合计|总价|到手价|实付款"
# a count is no amount paid (一共2双, 总共3件)
_PAID = compiled(rf"(?:{_PAID_WORDS})[^\d{_CN_NUM}]{{0,4}}{_AMOUNT}(?![\d件双个套张盒瓶袋箱次天斤份号期单台只条])")
_BILLED = compiled(
    rf"(?:开票金额|发票金额|票面|开成|写成|写到|开个整数|开个|开到|按(?=[^\d{_CN_NUM}]{{0,2}}\d[\d.]*\s*(?:元|块)?开)|给您开|帮您开|给你开|帮你开|给您写|帮您写|给你写|金额写|发票写|票上写|金额给您写|开票|(?<![打离展召拉])开)[^\d{_CN_NUM}满]{{0,4}}{_AMOUNT}"
)
# the amount said first: 金额按你说的1200开了, 1500的票
_BILLED_BEFORE = compiled(rf"{_AMOUNT}的?(?:开了|开给你|开给您|给你开|给您开|的票|整开)")
# a paid amount and the billed one in one breath: 399的开到1000
_PAID_THEN_BILLED = compiled(rf"{_AMOUNT}的(?:东西|单子|订单)?(?:开到|开成|写成)\s*{_AMOUNT}")

# a unit price, compared only with the unit price the invoice is to show (实际单价3899元 … 单价可以统一按4200元整开):
# a unit price is no total (单价3899，共10台 and a bill of 38990 are the same)
_UNIT_WORDS = "实际单价|成交单价|实付单价|单价实际|到手单价|实际成交价"
_UNIT_PAID = compiled(rf"(?:{_UNIT_WORDS})[^\d{_CN_NUM}]{{0,4}}{_AMOUNT}")
_UNIT_BILLED = compiled(rf"单价[^\d，,。；;]{{0,8}}?(?:按|开成|写成|开到|写到)[^\d{_CN_NUM}]{{0,3}}{_AMOUNT}")

# counts: an invoice for more pieces than were bought (买了三本，开成十本; 发票写椅子12把，实际您拿8把)
_QTY = rf"(\d+|[{_CN_NUM}]+)\s*([台件本把个套箱盒瓶双条只支袋桶份])"
_QTY_WORDS = "实际先发|这次先发|实际发|只发了|买了|买的是|拍了|拍的是|拿了|实际拿|实际您拿|实际你拿|您拿|你拿|实际要|实际只要|其实只要|实际收到"
_BOUGHT_QTY = compiled(rf"(?:{_QTY_WORDS})\s*{_QTY}")
_BILLED_QTY = regex.compile(rf"(?:开成|写成|数量写|数量开|票上写|发票写|发票就写|票写|按)[\p{{Han}}]{{0,6}}?\s*{_QTY}")


def cn_amount(text: str) -> float | None:
    """The value of an amount in digits or Chinese numerals (伍仟 -> 5000, 两千五 -> 2500)."""
    text = text.replace(" ", "").replace("\t", "")
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    total, section, digit = 0, 0, None
    last_unit = 1
    for ch in text:
        if ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        elif ch in _UNIT_VALUE:
            unit = _UNIT_VALUE[ch]
            section += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
        elif ch in "万萬":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10000
        else:
            return None
    if digit is not None:  # 两千五: the last digit counts in the next lower unit
        section += digit * (last_unit // 10 if last_unit >= 10 and text[-1] in _DIGIT_VALUE and len(text) > 1 else 1)
    return float(total + section)


def find_invoice_inflation(view, options, keywords):
    if not keywords:
        return
    folded = view.folded
    for m in _PAID_THEN_BILLED.finditer(folded):
        paid_value, billed = cn_amount(m.group(1)), cn_amount(m.group(2))
        if paid_value and billed and billed > paid_value * (1 + options["tolerance_percent"] / 100):
            yield Hit(m.start(2), m.end(2), f"开票金额 {billed:g} 高于实付 {paid_value:g}")
            return
    yield from _inflated_count(folded)
    unit_paid = [v for m in _UNIT_PAID.finditer(folded) if (v := cn_amount(m.group(1))) is not None]
    if unit_paid:
        unit = max(unit_paid)
        for m in _UNIT_BILLED.finditer(folded):
            value = cn_amount(m.group(1))
            if value is not None and value > unit * (1 + options["tolerance_percent"] / 100):
                yield Hit(m.start(1), m.end(1), f"发票单价 {value:g} 高于实际单价 {unit:g}")
                return
    paid = [v for m in _PAID.finditer(folded) if (v := cn_amount(m.group(1))) is not None]
    if not paid:
        return
    most = max(paid)
    for m in (*_BILLED.finditer(folded), *_BILLED_BEFORE.finditer(folded)):
        value = cn_amount(m.group(1))
        if value is not None and value > most * (1 + options["tolerance_percent"] / 100):
            yield Hit(m.start(1), m.end(1), f"开票金额 {value:g} 高于实付 {most:g}")


def _inflated_count(folded: str):
    if "送" in folded or "赠" in folded:
        return  # a gift is on the invoice too (买二送一，开三盒)
    bought: dict[str, float] = {}
    for m in _BOUGHT_QTY.finditer(folded):
        value = cn_amount(m.group(1))
        if value is not None:
            bought[m.group(2)] = max(value, bought.get(m.group(2), 0))
    if not bought:
        return
    for billed in _BILLED_QTY.finditer(folded):
        value, unit = cn_amount(billed.group(1)), billed.group(2)
        if value is not None and unit in bought and value > bought[unit]:
            yield Hit(billed.start(1), billed.end(2), f"发票数量 {value:g}{unit} 多于实际 {bought[unit]:g}{unit}")
            return


def _prepare(options: dict) -> dict:
    # nothing without a paid amount, and none without one of its words: they are letters, all
    # kept in the compact text (a common keyword such as 发票 would otherwise wake the rule)
    return {**options, "paid_words": compiled(_PAID_WORDS + "|的开到|的开成|的写成|" + _QTY_WORDS + "|" + _UNIT_WORDS)}


DETECTORS = (
    Detector(
        "invoice_inflation",
        "发票金额高于实付金额（开票金额与实付金额对比）",
        find_invoice_inflation,
        options={"keywords": (list, []), "tolerance_percent": (int, 0)},
        phrase_options=("keywords",),
        needs_keywords=True,
        compact_prefilter="paid_words",
        prepare=_prepare,
    ),
)
