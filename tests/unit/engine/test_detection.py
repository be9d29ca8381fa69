"""Evasions are caught and the usual numbers of a normal reply are not."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings


def cats(linter, text, context=()):
    return {f.category for f in linter.check(text, context=list(context)).findings if f.severity.value == "error"}


@pytest.mark.parametrize(
    "text,category",
    [
        ("电话１３８００１３８０００", "contact.phone"),  # full-width digits
        ("电话一三八零零一三八零零零", "contact.phone"),  # Chinese numerals
        ("电话幺三八 〇〇幺三 八〇〇〇", "contact.phone"),  # 幺 and 〇
        ("电话壹叁捌零零壹叁捌零零零", "contact.phone"),  # financial numerals
        ("①③⑧⓪⓪①③⑧⓪⓪⓪", "contact.phone"),  # circled digits
        ("⑴⑶⑻0 0⑴⑶ ⑻000", "contact.phone"),  # parenthesised digits
        ("电话⑬⑤⑦②⑥⑨④⓪⑧①", "contact.phone"),  # ⑬ = 13
        ("❶❸❽⓿⓿❶❸❽⓿⓿⓿", "contact.phone"),  # dingbat digits
        ("➀➂➇0 0➀➂➇ 000", "contact.phone"),
        ("⓵⓷⓼00⓵⓷⓼000", "contact.phone"),
        ("1 3 8-0013-8000", "contact.phone"),  # separators
        ("1\u200b3\u200b8\u200b0013\u200b8000", "contact.phone"),  # zero-width characters
        ("1😀3😀8 0013 8000", "contact.phone"),  # emoji between digits
        ("號碼 138 0013 8000", "contact.phone"),  # traditional characters
        ("電話：13800138000", "contact.phone"),
        ("号码开头是186。后面是5093 2741", "contact.phone"),  # split over two sentences
        ("微_信 kiki_2046", "contact.wechat"),
        ("V信 kiki_2046", "contact.wechat"),
        ("ＶＸ：kiki_2046", "contact.wechat"),
        ("薇信 kiki_2046", "contact.wechat"),
        ("徽信號 kiki_2046", "contact.wechat"),
        ("加我薇❤：abc_123", "contact.wechat"),
        ("weixin: abc_123", "contact.wechat"),
        ("+v kiki_2046", "contact.wechat"),
        ("绿泡泡 kiki_2046", "contact.wechat"),
        ("微信號：kiki_2046", "contact.wechat"),
        ("Q Q 1 2 3 4 5 6 7 8", "contact.qq"),
        ("扣扣 12345678", "contact.qq"),
        ("企鹅：12345678", "contact.qq"),
        ("Q号 12345678", "contact.qq"),
        ("qq群 12345678", "contact.qq"),
        ("QQ 一二三四五六七八", "contact.qq"),
        ("私 下 付 款", "offplatform.payment"),
        ("顶✨级工艺", "adlaw.absolute"),
        ("神\u200b经\u200b病", "etiquette.abuse"),
    ],
)
def test_evasion_caught(linter, text, category):
    assert category in cats(linter, text)


@pytest.mark.parametrize(
    "text",
    [
        "订单号 2024111112345678 已发货",
        "订单号 138001380001234567 已发货",  # 18 digits
        "订单4718293650471829365这单我们已经重新补发了",  # 19 digits
        "顺丰单号SF1234567890123，已经到您所在城市了",
        "京东快递JD0098273641025，明天上午送达",
        "中通754290183642，麻烦亲查收",
        "圆通YT8102938475610，下午刚揽收",
        "补发的包裹单号13800138000，申通的哦",  # phone-shaped tracking number after 单号
        "两件¥238包邮，单件¥129",
        "现在拍是169元，明天涨到199",
        "预计2024年12月5日左右到货",
        "活动 2024-11-11 10:00:01 开始",
        "170/92A是L码，您按这个拍就行",
        "尺码 160/84A",
        "货号XZ-2210-38，这个是黑色38码的",
        "型号BCD-216WDPV，是216升的双门冰箱",
        "这本书的ISBN是978-7-02-008742-8，第三版的",
        "亲，第一次在我们家买吗？",
        "到货后第一时间通知您",
        "最近天冷，这款卖得特别快",
        "现在下单最快后天就能到",
        "京东这边可以用微信支付",
        "这个Q版的公仔很可爱",
        "深V领和小V领两个版型",
        "USB 接口在侧面",
        "亲，私人联系方式是不能给的哦，在这里问我就可以",
        "口红色号999和888都有货哦",
        "这个还剩138件，卖完就没了",
        "13位物联网号 1440123456789",
    ],
)
def test_normal_reply_not_flagged(linter, text):
    assert cats(linter, text) == set()


def test_mobile_prefixes(linter):
    for number in ("19212345678", "16512345678", "17012345678", "17112345678", "19912345678", "14512345678"):
        assert "contact.phone" in cats(linter, f"电话{number}"), number
    for number in ("12012345678", "10012345678", "11112345678"):
        assert "contact.phone" not in cats(linter, f"电话{number}"), number


def test_bank_card_needs_luhn_and_bin_or_account_words(linter):
    assert "contact.bank_account" in cats(linter, "6226221177774129")  # Luhn + 招行 BIN
    assert "contact.bank_account" not in cats(linter, "6226221177774128")  # Luhn fails, no context
    assert "contact.bank_account" in cats(linter, "对公账户 571912837410201")


def test_platform_decides_what_is_offplatform(linter):
    taobao = linter
    jd = Linter.from_settings(Settings(platform="jd", infer_platform=False))
    link = "这个是链接 https://item.jd.com/100029384756.html"
    assert "offplatform.link" in cats(taobao, link)
    assert cats(jd, link) == set()
    assert "offplatform.payment" in cats(taobao, "亲，也可以微信支付给我们")
    assert cats(jd, "亲，也可以微信支付给我们") == set()
    # a message naming JD's own features is judged as sent on JD
    assert cats(taobao, "京东自营的链接 https://item.jd.com/1.html，PLUS会员有折扣") == set()


def test_result_carries_the_platform_the_message_was_judged_on(linter):
    """Result and explain once reported the configured platform, not the inferred one."""
    taobao = linter
    text = "京东自营的，放心，可以用微信支付"
    assert taobao.check(text).platform == "jd"  # no finding: judged on JD, where 微信支付 is normal
    assert taobao.check("京东自营，买家加我微信 abc_123456").platform == "jd"  # with findings too
    assert taobao.check("可以用微信支付").platform == "taobao"
    fixed = Linter.from_settings(Settings(infer_platform=False))
    assert fixed.check(text).platform == "taobao"
    info = taobao.explain(text)
    assert (info["platform"], info["configured_platform"], info["result"].platform) == ("jd", "taobao", "jd")
    assert info["result"].to_dict()["platform"] == "jd"


def test_explain_lists_rules_skipped_for_platform_or_context(linter):
    skipped = {s["rule"]: s["reason"] for s in linter.explain("京东自营的，放心，可以用微信支付")["skipped"]}
    assert skipped["offplatform.wechat-pay"] == "平台 platform: only on taobao, tmall, judged on jd"
    skipped = {s["rule"]: s["reason"] for s in linter.explain("有，5738201946")["skipped"]}
    assert skipped["contact.qq-on-request"].startswith("上文 context: none of the last 2 buyer turns")
    assert "contact.qq-on-request" not in {s["rule"] for s in linter.explain("有，5738201946", ["有QQ吗"])["skipped"]}


def test_allow_lists_from_settings():
    linter = Linter.from_settings(Settings(allow_domains=("mumuhome.cn",), allow_numbers=("400-812-3123",)))
    assert cats(linter, "官网 www.mumuhome.cn") == set()
    assert linter.check("热线4008123123").findings == ()


def test_context_rules_need_the_buyer_turn(linter):
    assert "contact.qq" in cats(linter, "有，5738201946", ["有QQ吗"])
    assert cats(linter, "有，5738201946") == set()
    assert "invoice.fraud" in cats(linter, "没问题亲，按200给您开", [{"role": "buyer", "text": "发票能写200吗"}])
    # agent turns in the context are not buyer turns
    assert cats(linter, "没问题亲，按200给您开", [{"role": "agent", "text": "发票能写200吗"}]) == set()


def test_user_words_keep_brand_names_whole(linter):
    plain = linter
    shop = Linter.from_settings(Settings(user_words=("最生活",)))
    text = "这款最生活毛巾是全棉的"
    assert shop.check(text).findings == ()
    assert plain.check(text).findings == () or all(f.severity.value != "error" for f in plain.check(text).findings)


def test_spans_point_into_original_text(linter):
    text = "亲～電話：１３８ ００１３ ８０００ 随时打"
    (f,) = [f for f in linter.check(text).findings if f.category == "contact.phone"]
    assert text[f.start : f.end] == "１３８ ００１３ ８０００"
    assert f.masked_match == "１３８ **** ８０００"
    assert (f.line, f.column) == (1, text.index("１") + 1)


def test_spelled_out_links_with_spaces():
    from kefulint import Linter

    linter = Linter.default()
    for text in ("t . cn / 8Kx2Qa 点开就是工厂店", "w w w 点 yeshan-outdoor 点 c o m 会员价更低"):
        assert "offplatform.link" in {f.category for f in linter.check(text).findings}, text
    for text in ("尺码 1 . 5 m 的", "邮箱 yuemanju at qq点com，直接发那个就行"):
        assert "offplatform.link" not in {f.category for f in linter.check(text).findings}, text
