"""privacy.third_party by a name: a surname after the words that bring in a third person, with a
place, phone or order nearby; everyday words that start with a surname character are no names."""
from __future__ import annotations

import os

import pytest
from kefulint import Linter, Settings
from kefulint.detectors.person import common_words


@pytest.fixture(scope="module")
def linter():
    return Linter.from_settings(Settings())


def leaks(linter, text):
    return any(f.category == "privacy.third_party" for f in linter.check(text).findings)


@pytest.mark.parametrize("text", [
    "上一位退这件的是北京朝阳区的周婷婷，她也说偏小",
    "同一个公司地址下单的还有一位冯雪，手机后四位7789",
    "你跟1栋那个李桂香一个德行",
    "您这单跟杭州的王芳下单的地址电话一模一样",
])
def test_a_name_with_a_place_or_number_leaks(linter, text):
    assert leaks(linter, text)


@pytest.mark.parametrize("text", [
    "收到的黄色，是北京仓发的",
    "一个区的范围内都是可以的哦",
    "订单显示是武汉的地址",
    "这款是史上最温和的配方，北京仓发货",
    "王先生您好，您的订单已发往北京朝阳区",
    "周婷婷您好，您的地址是朝阳区",
])
def test_everyday_words_and_the_buyer_are_no_leak(linter, text):
    assert not leaks(linter, text)


def test_the_name_is_masked_in_the_report(linter):
    f = next(f for f in linter.check("上一位退这件的是北京朝阳区的周婷婷，她也说偏小").findings
             if f.rule == "tmall.named-person-full")
    assert f.sensitive and "婷婷" not in f.masked_match


def test_the_shipped_word_list_is_what_the_script_builds():
    import jieba
    from kefulint.rules.schema import shared_vocabulary

    surnames = set(shared_vocabulary().words("surname", lambda *_: ""))
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        from_dict = {w for w, f, *_ in map(str.split, fh) if 2 <= len(w) <= 3 and w[0] in surnames and int(f) >= 100}
    assert from_dict <= common_words() and {"黄色", "周末", "范围", "武汉", "史上"} <= common_words()
