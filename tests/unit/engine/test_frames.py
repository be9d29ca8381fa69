"""Intent frames: what they catch and what they leave alone (negation scope, hedges, order,
tokens, findings of other rules, context), measured on whole replies through the Linter."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings
from kefulint.engine import frames


@pytest.fixture(scope="module")
def linter():
    return Linter.default()


def cats(linter, text, context=None):
    return {f.category for f in linter.check(text, context=context).findings}


def spans(found):
    return [(s, e) for s, e, _parts in found]


def test_match_unordered_window():
    assert spans(frames.match([[(0, 2)], [(5, 7)]], window=3)) == [(0, 7)]
    assert frames.match([[(0, 2)], [(9, 11)]], window=3) == []
    assert frames.match([[(6, 8)], [(0, 2)]], window=4) == [(0, 8, ((6, 8), (0, 2)))]  # either order


def test_match_ordered():
    assert frames.match([[(6, 8)], [(0, 2)]], window=4, ordered=True) == []
    assert spans(frames.match([[(0, 2)], [(3, 4)], [(5, 6)]], window=1, ordered=True)) == [(0, 6)]


def test_explain_names_the_words_of_a_frame(linter):
    cands = linter.explain("刷xyk要加点手续费哦")["candidates"]
    frame = next(c for c in cands if c["rule"] == "tmall.credit-card-frame")
    assert frame["note"] == "「xyk」 + 「要加」" and frame["status"] == "confirmed"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("信用卡这里付不了哦", "payment.credit_card"),
        ("刷xyk要加点手续费哦", "payment.credit_card"),
        ("到付每件多收5元", "payment.cod"),
        ("一般不出票的", "invoice.refusal"),
        ("中评改掉补您3块", "review.manipulation"),
        ("差评删了返10元", "review.manipulation"),
        ("汇款后截图，卡号 6222021234567890128", "offplatform.payment"),
        ("不清楚，问物流去", "etiquette.banned_phrase"),
        ("随你去投诉", "etiquette.banned_phrase"),
    ],
)
def test_frames_catch_paraphrases(linter, text, category):
    assert category in cats(linter, text)


@pytest.mark.parametrize(
    "text",
    [
        "我们不接受线下付款哦，请在平台拍下",  # negation before the frame
        "不行的亲，私下转账没保障，您在淘宝拍下就好",  # hedge after it
        "信用卡、花呗都可以正常付款，不收手续费",  # 不收 of no fee is no refusal
        "发票免费开，不加钱",
        "我们不能以好评为条件给您返现或赠送礼品哦",
        "不知道您要哪个颜色呢",  # polite use of a banned phrase's words
        "这款是抖音同款，我们是原厂货源",  # a platform named, nobody sent there
    ],
)
def test_frames_leave_negated_and_polite_replies(linter, text):
    assert cats(linter, text) == set()


def test_findings_slot_links_an_account_to_a_payment(linter):
    found = cats(linter, "货款直接汇到6228489067903774206，农业银行，到账马上发")
    assert {"contact.bank_account", "offplatform.payment"} <= found
    assert "offplatform.payment" not in cats(linter, "帐号：6215598539336338754 开户行：中国银行苏州分行")


def test_id_token_near_a_wechat_paraphrase(linter):
    assert "contact.wechat" in cats(linter, "加我那个绿色的聊天软件吧，号是 daidai_2046")
    assert "contact.wechat" not in cats(linter, "快递单号 JDVA20394857162，微信支付的退款原路返回")


def test_a_model_number_in_its_clause_is_no_account(linter):
    assert "contact.wechat" not in cats(linter, "型号 ZKTeco xFace600，和企业微信对接需要管理员在后台绑定")
    assert "contact.wechat" not in cats(linter, "这款微型信号放大器的型号是WX-300，不需要安装驱动")
    # the model word in another clause names nothing: the account after the break is one
    assert "contact.wechat" in cats(linter, "型号是 ab-2031，微信搜 shop_kefu88 加我")


@pytest.mark.parametrize(
    ("text", "context", "category"),
    [
        ("好呀加吧", ["能加你微信吗"], "contact.wechat"),  # agreeing to be added: the issue's own example
        ("可以的，转好跟我说", ["能不能不走淘宝直接转你"], "offplatform.payment"),
        ("行，弄好了说一声", ["我把差评改了你给我补点钱吧"], "review.manipulation"),
        ("加10块", ["能货到付款吗"], "payment.cod"),
        ("有的，一九八五三二零四七六", ["有Q吗"], "contact.qq"),
        ("有的，搜 xixi_shop2021", ["有v吗"], "contact.wechat"),
    ],
)
def test_context_replies(linter, text, context, category):
    found = cats(linter, text, context)
    if category:
        assert category in found
        assert category not in cats(linter, text)  # the same words without the request are clean
    else:
        assert not found


def test_a_buyer_who_denies_consent_consents_to_nothing(linter):
    closed = "好的亲 已经帮您取消了"
    assert "trade.close" not in cats(linter, closed, ["我想取消"])
    assert "trade.close" in cats(linter, closed, ["别取消啊 我就改个地址"])
    assert "trade.close" in cats(linter, closed, ["我不想取消，我就要这个价"])


def test_a_question_ending_in_bu_denies_nothing_after_it(linter):
    """能开5000不 实际付了3200: the 不 ends the buyer's question; 实际付 still tells the reply's tax
    is for the inflated part (context.unless), while 别 实付 written together would deny it."""
    reply = "行 多出来那部分的税点你出就行"
    assert "invoice.refusal" not in cats(linter, reply, ["发票能开5000不 实际付了3200"])
    assert "invoice.refusal" in cats(linter, "行 补个税点就行", ["发票能开吗"])
    assert "trade.close" in cats(linter, "好的亲 已经帮您取消了", ["我不想取消，我就要这个价"])


def test_a_threat_to_close_unless_the_buyer_pays_is_closing(linter):
    assert "trade.close" in cats(linter, "不补的话这单只能给您退掉了")
    assert "trade.close" not in cats(linter, "不补也没关系，我们照常发货")


def test_voice_input_sound_alikes_of_core_words(linter):
    assert "review.manipulation" in cats(linter, "亲 这个号评返现五块 截图发我")
    assert "shipping.fee" in cats(linter, "包油的 但是新疆要补运费8块")
    assert "payment.credit_card" in cats(linter, "花被付款要加3%手续费")
    assert "payment.cod" in cats(linter, "货到副款的话要另加10块")
    assert cats(linter, "这块屏好平，显示效果不错") == set()


def test_normal_invoice_change_agreed_stays_clean(linter):
    assert cats(linter, "可以的，给您开成公司抬头", ["发票能开公司抬头吗"]) == set()


def test_pinyin_and_homophones(linter):
    assert "payment.cod" in cats(linter, "选了 huo dao fu kuan 的订单不给发哦")
    assert "invoice.refusal" in cats(linter, "亲，发飘要另加6个点哦")
    assert "review.manipulation" in cats(linter, "hao ping fan xian 5 元")
    assert cats(linter, "为新客户准备了小礼品") == set()  # 为新 never becomes 微信


def test_jd_payment_words_are_not_off_platform_on_jd():
    jd = Linter.from_settings(Settings(platform="jd"))
    assert jd.check("储蓄卡3-5个工作日，微信零钱(红包)支付2个工作日退款到账").findings == ()


def test_a_negation_reaches_the_second_item_of_a_list(linter):
    """不会要求您私下转账或扫码付款: the negation before the list clears both items."""
    assert "offplatform.payment" not in cats(linter, "本店不会要求您私下转账或扫码付款")
    assert "offplatform.payment" not in cats(linter, "我们绝不会要求您点击站外链接或私下转账")
    # a list item of its own clause is not in reach
    assert "offplatform.payment" in cats(linter, "不用拍了，扫码付或者转账给我都行")


def test_a_bare_negation_inside_a_frame_negates_the_next_word_only(linter):
    """包邮不了 要么加5块: the 不 inside the frame negates 了, not the surcharge; 包邮的，不用补运费
    negates the word right after it; a prohibition inside a frame still clears it."""
    assert "shipping.fee" in cats(linter, "链接上是写了包邮，但快递不收包邮价，得另外加8块")
    assert "shipping.fee" not in cats(linter, "包邮的，不用补运费")
    assert "review.manipulation" not in cats(linter, "我们不能以好评为条件返现或送礼品，这是平台明确禁止的，您如实评价就好")
    assert "invoice.fraud" not in cats(linter, "多开不了哦，只能按实付金额开")
    # a bare 不 stays in its clause: 快递不送 does not deny the surcharge after the comma
    assert "shipping.fee" in cats(linter, "包邮没错，不过您那是乡镇，快递不送，要加6块转运费")


def test_a_bare_negation_before_a_prohibition_does_not_clear_it(linter):
    """不懂别瞎问 still says 别瞎问: a frame that starts with 别 is itself a prohibition; a bare 不
    before it negates another verb. A prohibition that is denied as a whole stays clean."""
    assert "etiquette.banned_phrase" in cats(linter, "不懂别瞎问")
    assert "etiquette.banned_phrase" in cats(linter, "不买就别瞎问了")
    assert "etiquette.banned_phrase" not in cats(linter, "我们不会让您别问，有问题随时问")


def test_the_frames_own_word_said_again_is_no_hedge(linter):
    """COD不支持 偏远地区更不支持: the second 不支持 repeats the refusal, it does not take it back."""
    assert "payment.cod" in cats(linter, "COD不支持 偏远地区更不支持")


def test_a_frame_does_not_run_into_the_next_item_of_a_list(linter):
    text = "付款方式：\n1. 在线支付：包邮，48小时内发货\n2. 货到付款：其他地区需另加10元手续费"
    assert "shipping.fee" not in cats(linter, text)
    assert "shipping.fee" in cats(linter, "在线支付包邮，但您这单需另加10元运费")


def test_an_exclusion_word_denied_by_bu_excludes_nothing(linter):
    """同意 (consent) clears a threat to close; 不同意 is the buyer's refusal, not consent."""
    assert "trade.close" in cats(linter, "您不同意取消的话，我们后台可以强制操作")
    assert "trade.close" not in cats(linter, "您同意的话，我们后台帮您取消")


def test_purpose_negations_inside_a_frame_negate_the_next_word_only(linter):
    """为避免耽误您的时间 negates 耽误, not the closing that follows it."""
    text = "由于库存同步出现误差，目前已无现货。为避免您长时间等待，系统已为您的订单执行关闭操作"
    assert "trade.close" in cats(linter, text)


def test_star_emoji_between_spaced_digits_are_separators(linter):
    assert "contact.phone" in cats(linter, "1 3 9 ★ 6 0 2 7 ★ 5 5 1 8 找阿珍")
    assert "contact.phone" not in cats(linter, "五星好评 ★★★★★ 谢谢亲")


def test_a_negation_inside_a_condition_does_not_reach_its_consequence(linter):
    # 不想加的话 / 不方便的话 is the condition; what follows 的话 is said outright
    for text, category in (("花呗要加3个点，不想加的话直接微信转我也行", "offplatform.payment"),
                           ("不方便的话加我微信聊", "contact.wechat")):
        assert category in {f.category for f in linter.check(text).findings}, text
    for text in ("我们不加微信，需要的话旺旺找我", "不能私下转账，有问题的话平台联系"):
        assert not linter.check(text).findings, text


def test_a_bu_that_ends_a_question_denies_nothing_after_it(linter):
    # 能改一下不 asks; the space after it ends the question, and what follows is an offer
    assert "review.manipulation" in cats(linter, "那个中评能改一下不 改完我补您一副手套")
    assert "review.manipulation" not in cats(linter, "中评不改也没关系，我们照常售后")


def test_no_need_to_use_the_link_is_the_offers_condition(linter):
    # 不用补拍 says how to pay instead; it does not deny the transfer after it
    assert "offplatform.payment" in cats(linter, "差价不用补拍 wx转我就行")
    assert "offplatform.payment" not in cats(linter, "不用补拍，也不用转账，系统自动退差价")


# --- the ninth session's scope mechanisms -------------------------------------------------------
def test_a_topic_named_first_reaches_to_the_end_of_its_sentence(linter):
    text = "您好！关于您提到的货到付款，由于手表属于高价值商品，物流公司无法提供代收服务，因此本店不提供此项服务。"
    assert "payment.cod" in cats(linter, text)
    # the topic's reach ends with its sentence
    assert "payment.cod" not in cats(linter, "关于货到付款，可以正常下单的，送到以后直接给快递员就行，我们当天安排仓库发货，顺丰包邮到家。有的店铺不做这个。")


def test_inside_a_refusal_a_negation_of_another_clause_is_a_reason(linter):
    assert "payment.cod" in cats(linter, "货到付款的话，由于物流无法代收，因此本店不支持")
    # in a frame that is no refusal, a negation between its words still clears it
    assert "review.manipulation" not in cats(linter, "我们不能以好评为条件返现或送礼品，这是平台明确禁止的，您如实评价就好")


def test_a_refusal_carried_on_or_repeated_is_no_denial(linter):
    assert "payment.credit_card" in cats(linter, "支付方面，暂不接受任何形式的额度支付（包括透支卡）")
    assert "payment.credit_card" in cats(linter, "花呗分期🙅 不支持哦")


def test_a_hedge_between_the_words_and_a_refusal_as_a_condition(linter):
    assert "review.manipulation" not in cats(linter, "好评返现我们不做的哦 如实评价就好")
    assert "payment.credit_card" not in cats(linter, "花呗没开通的话，余额宝或者银行卡付都行")
    assert "invoice.refusal" in cats(linter, "发票?没有 发票要的话自己去税务局开")


def test_an_emoji_and_a_space_end_a_clause(linter):
    assert "etiquette.abuse" in cats(linter, "嫌贵可以不买的哦😊 穷就别喝好茶啦")


def test_quoted_names_in_invoice_frames(linter):
    assert "invoice.fraud" in cats(linter, "发票品目可根据您的需要调整为'电子配件'类别")
    assert "invoice.fraud" not in cats(linter, "好的 给您开增值税普通发票 内容写'手机配件' 跟实际商品一致")
    assert "invoice.fraud" not in cats(linter, "快递可以改成“顺丰”")


def test_a_bare_negation_covers_both_joined_words(linter):
    # 没法拆开或者多开: 多开 is negated as 拆开 is; without the negation it is an inflated invoice
    refused = "一笔订单只能开一张对应实付金额的发票，没法拆开或者多开"
    assert "invoice.fraud" not in cats(linter, refused)
    assert "invoice.fraud" in cats(linter, "一笔订单的发票可以拆开或者多开，您看着办")


def test_a_potential_complement_negates_nothing_after_it(linter):
    # 喝不出来 negates 喝, not the insult that follows; a real negation before it still clears
    assert "etiquette.abuse" in cats(linter, "岩茶就是这个焙火味，喝不出来是您舌头不行")
    assert "etiquette.abuse" not in cats(linter, "您舌头没问题的，岩茶就是这个焙火味")

