"""Evasions crossed (issue 10, kinds 3 and 4): every spelling of the channel with every separator
and every way of writing the number or id must be caught — not a list of sentences, the product
of the ways agents vary each part."""
from __future__ import annotations

import itertools

import pytest
from kefulint import Linter

WECHAT = ["微信", "薇信", "威信", "V信", "vx", "VX", "wx", "微❤", "薇❤️", "v❤", "➕v", "加v", "威x", "维信",
          "wei xin", "weixin", "绿泡泡", "💚信", "徽信", "微.信", "微 信"]
SEPARATORS = ["：", ":", " ", "号 ", "号：", "是 ", "搜 ", "🆔", "-> "]
IDS = ["kiki_home2021", "lele-shop88", "abc_12345", "tutu520520", "Mumu_Shop"]
QQ = ["QQ", "qq", "扣扣", "Q号", "企鹅号", "🐧", "q q", "Ｑ Ｑ", "抠抠", "QQ群", "扣群", "球球", "kou kou"]
QQ_NUMBERS = ["2837461950", "2 8 3 7 4 6 1 9 5 0", "二八三七四六一九五零", "②⑧③⑦④⑥①⑨⑤⓪", "2837-4619-50", "２８３７４６１９５０"]
PHONES = ["13812345678", "138 1234 5678", "138-1234-5678", "一三八一二三四五六七八", "①③⑧①②③④⑤⑥⑦⑧",
          "１３８１２３４５６７８", "138\u200b1234\u200b5678", "1 3 8 1 2 3 4 5 6 7 8", "幺三八幺二三四五六七八", "138。1234。5678"]
LEADS = ["电话", "手机", "打我", "📱", "call我", "联系方式", "tel", ""]


@pytest.fixture(scope="module")
def linter():
    return Linter.default()


def _missed(linter, texts, category):
    return [t for t in texts if category not in {f.category for f in linter.check(t).findings}]


def test_wechat_spellings_separators_ids(linter):
    texts = [f"加我{w}{s}{i}，发你实拍" for w, s, i in itertools.product(WECHAT, SEPARATORS, IDS)]
    assert _missed(linter, texts, "contact.wechat") == []


def test_qq_spellings_and_number_forms(linter):
    texts = [f"{q}{s}{n} 加我" for q, s, n in itertools.product(QQ, ["：", "", " ", "号"], QQ_NUMBERS)]
    assert _missed(linter, texts, "contact.qq") == []


def test_phone_number_forms(linter):
    texts = [f"{lead}{p}" for lead, p in itertools.product(LEADS, PHONES)]
    assert _missed(linter, texts, "contact.phone") == []


@pytest.mark.parametrize("text", ["SF1234567890123 已发出", "价格 128，256，512 三档", "型号 QX20394857 有货",
                                  "订单号 2024111112345678", "JD0012345678901 已签收"])
def test_codes_and_prices_stay_clean(linter, text):
    assert {f.category for f in linter.check(text).findings} == set()


PAY = ["发个红包给我", "发个🧧给我", "红包发我", "🧧发我"]
CARD_FEE = ["信用卡付款加3个点", "💳付款加3个点", "信💳付款加3个点", "xin yong ka 付款加3个点"]


def test_emoji_that_stand_for_a_red_packet_or_a_card(linter):
    assert _missed(linter, [f"{p}就行，不用重新拍" for p in PAY], "offplatform.payment") == []
    assert _missed(linter, CARD_FEE, "payment.credit_card") == []
    clean = ["新年快乐🧧🧧", "💳和花呗都能用，不加钱", "领个🧧券再拍更划算"]
    assert [t for t in clean if linter.check(t).findings] == []


def test_an_address_at_a_provider_named_without_its_domain(linter):
    texts = [f"邮箱{sep}lily_2020{at}{host}" for sep in ("：", " ", "是") for at in ("@", " @ ", "艾特")
             for host in ("qq", "163", "126", "gmail", "foxmail")]
    assert _missed(linter, texts, "contact.email") == []
    clean = ["@163邮箱都可以登录", "联系@小王 处理", "艾特qq同学一下"]
    assert [t for t in clean if linter.check(t).findings] == []


def test_mathematical_letters_read_as_plain_ones(linter):
    texts = ["𝚆𝚇同步哈 𝚕𝚒𝚗𝚐𝚢𝚊𝚗𝟿𝟿", "薇信：𝐡𝐞𝐱𝐢𝐧𝐠𝟓𝟓 加的时候说是天猫的", "𝓥𝓧: 𝓱𝓮𝔁𝓲𝓷𝓰55"]
    assert _missed(linter, texts, "contact.wechat") == []
    assert not linter.check("𝐍𝐞𝐰 𝐀𝐫𝐫𝐢𝐯𝐚𝐥 新款到货啦").findings
