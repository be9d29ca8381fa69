"""The shortcuts of normalize.py hold: its tables are built on first use, and a text of letters and
digits only (str.isalnum) holds no noise, so the noise class need not be searched."""
from __future__ import annotations

import subprocess
import sys

from kefulint.text import normalize


def test_no_noise_character_is_a_letter_or_digit():
    noise = normalize._noise_bmp()
    assert not [ch for ch in map(chr, range(0x10000)) if ch.isalnum() and noise.match(ch)]


def test_importing_normalize_builds_no_table():
    code = ("import kefulint.text.normalize as n, sys; "
            "sys.exit(n._fold_tables.cache_info().currsize + n._noise.cache_info().currsize)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_fold_table_is_still_there():
    assert normalize.FOLD[ord("Ａ")] == "a"


def test_numerals_and_folding_together():
    for text, folded in [("一三八零零一三八零零零", "13800138000"), ("電話一三八零零一三八零零零", "电话13800138000"),
                         ("第一次", "第一次"), ("ＡＢＣ一二三四", "abc1234"), ("𝟏𝟑𝟖", "138")]:
        assert normalize.Normalized(text).folded == folded


def test_t2s_table_is_every_line_of_the_file():
    from kefulint.text.packagedata import data_file

    with open(data_file("t2s.tsv"), encoding="utf-8") as fh:
        pairs = [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]
    assert normalize._load_t2s() == {ord(trad): simp for trad, simp in pairs}


def test_cantonese_tone_marks_and_look_alike_letters_fold():
    for text, folded in [("小店唔开发票嘅", "小店不开发票的"), ("关咗单", "关了单"), ("kòu kòu", "kou kou"),
                         ("wēi xìn", "wei xin"), ("1О0З76", "100376"), ("叩叩：1O2938475", "叩叩:102938475"),
                         ("13l0", "1310"), ("幺三八 洞四二七 幺九六五", "138 0427 1965"), ("山洞口", "山洞口"), ("lol 10 o", "lol 10 o"), ("wo2o", "wo2o")]:
        assert normalize.Normalized(text).folded == folded, text


def test_the_warm_up_finds_what_the_compiled_class_finds(monkeypatch):
    import re

    built = normalize._fold_tables()
    monkeypatch.setattr(normalize, "_MARKED_WARM_UP", 1 << 30)
    tables = normalize._FoldTables(built.fold, built.foldable, built.expanding, built._marked)
    compiled = re.compile(normalize.marked_class(built._marked))
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x30000)))
    for text in ["亲，您好，请问有什么可以帮您？", "威信號 linlin_0420，加我要備註訂單哦", "ＡＢＣ一二三四①②", "𝟏𝟑𝟖🌟", "", every]:
        assert tables.find_marked(text) == compiled.findall(text)
    assert tables.find_marked == tables._warm_up  # still warming up


def test_numerals_become_digits_when_the_text_has_four_of_them_with_one_chinese():
    """Counting the digits and numerals that the class search lists stands for the look of
    _enough_numerals (a text with no foldable character)."""
    import random

    rng = random.Random(14)
    alphabet = "0123456789一二三四五六七八九零〇两幺洞死酒巴亲号 -，、.x"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        expected = text
        if normalize._cn_digit().search(text) and normalize._enough_numerals().match(text):
            expected = normalize._cn_numerals_to_digits(text)
        assert normalize.Normalized(text).folded == expected, text


def test_digits_at_most_bounds_the_digits_of_the_folded_text():
    import random

    rng = random.Random(15)
    alphabet = "0123456789一二三零两幺洞死酒ol亲号 -，.１２①𝟏🌟頠ＡQ"
    for _ in range(20_000):
        norm = normalize.Normalized("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))
        assert norm.digits_at_most >= sum(ch in "0123456789" for ch in norm.folded), norm.original


def test_a_few_characters_folded_one_at_a_time_fold_as_the_table_does():
    """A text with a few different foldable characters is folded by a str.replace of each (and of
    its full-width punctuation); the result is what the table folds it to in one pass."""
    tables = normalize._fold_tables()
    tables.derive()  # the sets a fold reads, made when a text first needs them
    texts = ["加我VX：abc，谢谢！", "帳號ＱＱ１２３４５", "訂單已發貨，請查收～", "ＡＢＣ（测试）？", "帐户和帳戶",
             "⼾口本", "Ａ" + "，" * 3 + "Ｂ", "這個產品質量很好，價格實惠，發貨速度快！", "ＱＱ；ＷＸ｜ＶＸ",
             "親，這個訂單已經給您發貨了，請您註意查收，謝謝您的耐心等待，歡迎再來選購喔！"]
    for text in texts:
        foldable = tables.foldable.intersection(text)
        folded, fold_map = normalize._fold(text, tables, foldable)
        assert fold_map is None
        assert folded == text.translate(tables.fold), text  # none of them holds a Chinese numeral
    # a traditional character folds through the variants in one step (帳 -> 账, not 帐): no chain left
    assert "帳".translate(tables.fold) == "账" and "帳" not in tables.chained and "Ａ" not in tables.chained
    assert len(tables.foldable.intersection(texts[-1])) > normalize._FOLD_BY_REPLACE  # folded the table's way


def test_the_fold_sets_are_made_when_a_text_first_needs_them():
    """A plain reply, or one with digits only, folds nothing: the sets a fold reads are not made for it."""
    tables = normalize._new_fold_tables()
    assert tables.foldable is None and tables.expanding is None and tables.chained is None
    full = normalize._fold_tables()
    full.derive()
    tables.derive()
    assert (tables.foldable, tables.expanding, tables.chained) == (full.foldable, full.expanding, full.chained)
