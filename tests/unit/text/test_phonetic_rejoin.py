"""The phonetic layer (pinyin, initials, homophones from the shipped table) and the rejoining of
contact details written in pieces."""
from __future__ import annotations

import builtins
import importlib

import pytest
from kefulint.text import phonetic
from kefulint.text.rejoin import rejoin


def test_pinyin_mixes_and_full_pinyin():
    v = phonetic.pinyin_variants("货到付款")
    assert {"huodaofukuan", "货到付kuan", "huodao付款"} <= v
    assert "货到付款" not in v


def test_initials_use_the_common_reading():
    assert phonetic.initials("信用卡") == {"xyk"}
    assert phonetic.initials("支付宝") == {"zfb"}
    assert phonetic.initials("卡") == set()  # one character is no abbreviation


def test_homophones_change_one_character_at_a_time():
    h = phonetic.homophones("发票")
    assert "发飘" in h
    assert all(sum(a != b for a, b in zip(w, "发票", strict=True)) == 1 for w in h)


def test_no_pypinyin_at_run_time(monkeypatch):
    real = builtins.__import__

    def guard(name, *args, **kwargs):
        if name.startswith("pypinyin"):
            raise ImportError("pypinyin is a build-time tool only")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", guard)
    phonetic._table.cache_clear()
    importlib.reload(phonetic)
    assert phonetic.initials("花呗") == {"hb"}


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("邮箱 shop_lulu 圈a foxmail 点 com", "shop_lulu@foxmail.com"),
        ("w w w . miaomiao-shop . com 上下单", "www.miaomiao-shop.com"),
        ("邮箱前缀是 bobo_design。后缀 163.com", "bobo_design@163.com"),
        ("lanxin_cs🌟@🌟163.com 图片发这", "lanxin_cs@163.com"),
        ("nini_kf，新浪的", "nini_kf@sina.com"),
        ("vx：lan下划线lan1998", "lan_lan1998"),
        ("我微信前面是 lele_。后面接 shop520", "lele_shop520"),
        ("abc at 163 dot com", "abc@163.com"),
        ("laotie.dongbei (at) gmail (dot) com", "laotie.dongbei@gmail.com"),
        ("水单发 finance 在 hxjj 点 net", "finance@hxjj.net"),
        ("1 3 5 x 0 9 8 8 x 2 6 4 1（把x去掉就是号码）", "13509882641"),
        ("guoyuan#qq.com", "guoyuan@qq.com"),
        ("这个号码倒过来念：1 2 6 3 8 5 0 9 7 3 1", "13790583621"),
        ("卡号拆开给你：6228，4800，3152，7760，819", "6228 4800 3152 7760 819"),
        ("打这个📞 一五二 📞 八八六零 📞 三一四九", "一五二八八六零三一四九"),
        ("或者您发到 bele_cs # qq.com 也行", "bele_cs@qq.com"),
        ("薇-信：l.a.o.m.a_2 0 1 8", "laoma_2018"),
        ("能，jiajia.wang 后面接个艾特 gmail.com", "jiajia.wang@gmail.com"),
        ("卡是中行的。\n号码我分两条发：6013 8210\n0029 4471 236", "6013 8210 0029 4471 236"),
        ("发件到 dianpu8899，后缀是一六三点康姆", "163.com"),
        ("发票问题发邮件到 invoice#yangshengshop.cn", "invoice@yangshengshop.cn"),
    ],
)
def test_rejoin(text, joined):
    out, omap = rejoin(text)
    assert joined in out
    assert len(omap) == len(out) and all(0 <= i < len(text) for i in omap)


@pytest.mark.parametrize("text", ["下午3点半到", "https://locate.apple.com/cn/", "订单 2024 已发货", "第一次买", "我在家", "色号#12 偏红"])
def test_rejoin_leaves_ordinary_text(text):
    assert rejoin(text) is None


def test_letters_standing_for_digits_with_their_key():
    assert rejoin("电话13S 0O12 7788（S是5 O是0）")[0].startswith("电话135 0012 7788")
    assert "9308812" in rejoin("小企鹅搜 93O8812 7（O是零）")[0]
    assert rejoin("款式S码和M码") is None  # no key given: letters stay letters


def test_digits_said_in_english_and_spelled_at_in_brackets():
    assert "135, 0288, 7716" in rejoin("call我 one three five, 0288, 7716")[0]
    assert rejoin("someone phoned") is None  # words that hold a digit word are not digits
    assert "design_qh@163.com" in rejoin("design_qh（圈a）163点com")[0]
    assert "xiaoyu@163" in rejoin("xiaoyu 圈a 163 点 康姆")[0]


def test_a_mail_host_after_the_address_words_is_no_link():
    from kefulint import Linter

    cats = {f.category for f in Linter.default().check("邮箱就是Q号后面加qq点com：40932178").findings}
    assert "contact.email" in cats and "offplatform.link" not in cats


def test_a_circled_a_is_an_at_sign(linter):
    """ⓐ stands for @ (petlove ⓐ 126 . com): an e-mail address, not a site petlovea126.com; other circled
    letters stay letters, and a circled a among Chinese is no address."""
    from kefulint.text.normalize import Normalized

    assert Normalized("petlove ⓐ 126 . com").folded == "petlove @ 126 . com"
    assert Normalized("ⓑ蓝色").folded == "b蓝色"
    found = {f.rule for f in linter.check("邮箱 petlove ⓐ 126 . com，视频发这里").findings}
    assert found == {"contact.email"}
    assert not linter.check("选项ⓐ红色 ⓑ蓝色").findings
