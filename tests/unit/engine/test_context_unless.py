"""context.unless: a buyer turn that asks for what the reply does clears the rule (the buyer's
consent), one shared mechanism for every rule."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings
from kefulint.errors import RulesetError
from kefulint.rules.schema import parse_ruleset


@pytest.fixture(scope="module")
def linter():
    return Linter.from_settings(Settings())


def cats(linter, text, context=None):
    return {f.category for f in linter.check(text, context=context).findings}


def test_closing_an_order_the_buyer_asked_to_close_is_fine(linter):
    reply = "好的亲，已经帮您取消了，退款原路返回"
    assert "trade.close" in cats(linter, reply)
    assert "trade.close" in cats(linter, reply, ["我什么时候发货啊"])
    assert "trade.close" not in cats(linter, reply, ["不好意思拍错了，帮我取消一下吧"])
    assert "trade.close" not in cats(linter, reply, ["帮我取消订单吧 不想要了", "在吗"])


def test_a_consent_too_far_back_does_not_count(linter):
    reply = "好的亲，已经帮您取消了，退款原路返回"
    assert "trade.close" in cats(linter, reply, ["帮我取消订单吧", "算了还是要的", "怎么订单没了"])


def test_explain_names_the_consent(linter):
    e = linter.explain("好的亲，已经帮您取消了", ["帮我取消订单吧"])
    assert any("context.unless" in s["reason"] for s in e["skipped"])


def test_answering_which_item_is_cheapest_is_no_ad_claim(linter):
    assert "adlaw.absolute" in cats(linter, "最便宜的是这款基础款 39块")
    assert "adlaw.absolute" not in cats(linter, "最便宜的是这款基础款 39块", ["你们家最便宜的是哪款"])
    assert "adlaw.absolute" in cats(linter, "全网都找不到更低的了", ["最便宜就这个价？"])


def test_unless_alone_is_a_valid_context_and_an_empty_context_is_not():
    rule = """
[[rule]]
id = "t.close"
kind = "pattern"
category = "trade.close"
severity = "warning"
points = 1
phrases = ["关了"]
message = "m"
suggestion = "s"
reference = "r"
examples.bad = ["关了"]
examples.good = ["开了"]
"""
    parsed = parse_ruleset(rule + 'context = { unless = ["帮我关"] }\n', "t.toml", "t")
    assert parsed.rules[0].context.unless == ("帮我关",) and parsed.rules[0].context.buyer == ()
    with pytest.raises(RulesetError, match="context.buyer"):
        parse_ruleset(rule + "context = { turns = 2 }\n", "t.toml", "t")


def test_an_exclusion_word_that_is_denied_does_not_exclude(linter):
    # "您本人" clears a named order ("是您本人吗"), but not when it is denied: 不是您本人的订单
    reply = "经查询，您所说的订单收货人为赵磊，收货地址为北京市朝阳区望京，不是您本人的订单哦"
    assert "privacy.third_party" in cats(linter, reply)
    assert "privacy.third_party" not in cats(linter, "收货人为赵磊，收货地址为北京市朝阳区望京，是您本人吗")


def test_an_exclusion_word_made_a_condition_does_not_exclude(linter):
    # "不加钱" clears a surcharge ("分期不加钱"), but not as the if of an if-then: 要不加钱就只能…
    reply = "分期可以，但是要加5%，这个是我们这边额外收的，您要不加钱就只能一次性付清"
    assert "payment.credit_card" in cats(linter, reply)
    assert "payment.credit_card" not in cats(linter, "分期可以，我们这边不加钱")


def test_a_question_echoed_and_answered_no_is_no_offer(linter):
    assert "review.manipulation" not in cats(linter, "评价有返现吗？没有的亲，我们不做这个")
    assert "review.manipulation" in cats(linter, "好评返现吗？有的，5元")
    # an insult asked as a question stays one
    assert "etiquette.abuse" in cats(linter, "您是眼瞎吗？不过我们还是可以帮您换")


def test_an_exclusion_word_in_another_sentence_clears_nothing(linter):
    closed = "我这边已经帮您把订单关闭了，库存也释放了。如果您还想要，可以重新拍下"
    assert "trade.close" in cats(linter, closed)
    assert "trade.close" not in cats(linter, "如果您同意的话，我这边帮您把订单关闭了")


def test_a_reply_to_the_buyer_is_cleared_by_a_refusal_in_any_sentence(linter):
    reply = "我们不接受私下转账哦，一切交易请在平台完成。现在店铺有满减券，您领一下可以省不少"
    assert "offplatform.payment" not in cats(linter, reply, ["我直接转账给你，你便宜点行不行"])


def test_a_warning_clears_its_whole_sentence(linter):
    warning = "防骗提醒：本店客服不会以任何理由让您加微信、QQ或扫码付款，如有此类信息请立即举报！"
    assert "offplatform.payment" not in cats(linter, warning)
    assert "offplatform.payment" in cats(linter, "要加急的话您扫码付款给我，马上安排")



# the thirteenth session's scope mechanisms: (category, reply, expected), one line each
SCOPE_CASES = [
    # an exclusion word said of another attribute of the invoice, said kept, clears nothing of a renaming
    ("invoice.fraud", "我们可以把品名开成“摄影器材配件”，金额还是按订单实付", True),
    ("invoice.fraud", "品名开成“图书”就行，您买的本来就是书", False),
    ("invoice.fraud", "发票内容按商品明细开具为“儿童玩具”", False),
    # a verb asked as A-not-A (送没送到) is no negation
    ("etiquette.banned_phrase", "送没送到我哪知道", True),
    ("etiquette.banned_phrase", "退不退您自己看着办，反正我也没办法", True),
    ("etiquette.banned_phrase", "没送到的话我哪能不管，马上帮您查", False),
    # ... nor the start of a refusal (开不开发票), unless a space parts the verbs (要买就买 不买拉倒)
    ("invoice.refusal", "这款开不开发票都是这个价，您放心拍", False),
    ("etiquette.banned_phrase", "要买就买 不买拉倒", True),
    ("invoice.refusal", "这个价不开发票", True),
    # "we don't do that" after what it refuses is a hedge
    ("offplatform.payment", "私下交易这边不做，您拍链接就好", False),
    ("review.manipulation", "好评返现咱家一律不搞，您如实评价", False),
    ("offplatform.payment", "私下转账这边可以，便宜20", True),
    # 您问的 reports the buyer's topic; 您说的 stays a hedge
    ("payment.cod", "您问的“货到了再付钱”那种方式，我们小店不太敢接", True),
    ("payment.cod", "您问的货到付款我们是支持的，不加钱", False),
    ("adlaw.absolute", "亲，您说的“最好的”这个我们不敢承诺哈", False),
]


@pytest.mark.parametrize(("category", "reply", "found"), SCOPE_CASES, ids=[c[1][:12] for c in SCOPE_CASES])
def test_scope_mechanisms(linter, category, reply, found):
    assert (category in cats(linter, reply)) is found
