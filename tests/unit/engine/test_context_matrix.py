"""Context replies as one mechanism (issue 10): for every category, several ways a buyer asks
for the violation crossed with several ways an agent goes along must give that category; the
same requests answered politely must give nothing."""
from __future__ import annotations

import pytest
from kefulint import Linter

REQUESTS = {
 'offplatform.payment':["我直接微信转你行吗","能不能不走淘宝，直接付给你","发红包给你可以吗","差价我支付宝转你吧","退款太慢，你直接退我吧"],
 'contact.wechat':["有微信吗","加个vx吧","你薇信多少","方便加个威信不","能加v聊吗"],
 'contact.qq':["有QQ吗","扣扣号多少","Q号发我","有q吗","加个企鹅？"],
 'contact.phone':["电话多少","留个手机号吧","怎么联系你们","座机号是多少","打你电话行吗"],
 'review.manipulation':["好评有返现吗","我改成好评你给我点补偿呗","删差评能给红包吗","晒图有奖励吗","追评有没有好处"],
 'invoice.fraud':["发票能多开点吗","实付500，发票能开800吗","能帮我把品名写成办公用品吗","发票金额能写高点吗","别家买的能在你这开票吗"],
 'invoice.refusal':["开发票要加钱吗","开票另外收费吗","开专票要多少税点","要发票需要补钱吗"],
 'payment.cod':["能货到付款吗","可以到付吗","我想货到付款","支持货到付款不"],
 'payment.credit_card':["能用信用卡吗","花呗可以用吗","信用卡付款要加钱吗","我用白条付的没问题吧"],
 'offplatform.link':["你们京东有店吗","拼多多上有你们家吗","抖音有直播吗","小红书能买吗"],
}
AGREES = {
 'offplatform.payment':["可以，转过来吧","行，发我就行","可以的，转好告诉我","好的，加我吧直接转","没问题，钱给我就行"],
 'contact.wechat':["有的，momo_2021","加吧，xiaomei-88","可以，搜 kiki_shop22","有呀 tutu_1990","好的，vx：lele_2233"],
 'contact.qq':["有的，28374619","4728193056","可以，QQ 38291746","有，三八二九一七四六","嗯嗯 837261945"],
 'contact.phone':["13812345678","可以，打这个 15920394857","有的，0571-86543210","一三八一二三四五六七八","好的，186 2039 4857"],
 'review.manipulation':["有的，返5块","可以，弄好截图给我","行，改好了说一声，给您补10元","有的，晒图找客服领红包","有的，追评送小礼物"],
 'invoice.fraud':["可以，给您开800","行，给您开成办公用品","可以的，金额您定","没问题，按800开","可以，把金额和品名发过来"],
 'invoice.refusal':["要加6个点","需要补5%税点","要的，加8个点","是的，另收20手续费"],
 'payment.cod':["可以，加10块","能，不过要另付15服务费","货到付款不发哦","要加运费的"],
 'payment.credit_card':["可以，加3个点手续费","花呗要多收2%","信用卡的单子不发，您退了重拍","要补手续费的"],
 'offplatform.link':["有的，那边搜我们店名","有，那边更便宜","有的亲，去那拍吧","有，直播间下单送赠品"],
}
POLITE = {
 'offplatform.payment':["不行的亲，请在淘宝拍下，钱款平台担保","抱歉，我们只能平台付款"],
 'contact.wechat':["抱歉亲，我们不能加微信，旺旺随时找我","亲，有问题直接旺旺联系就好"],
 'contact.qq':["亲，我们只在旺旺沟通哦","不好意思，不能提供QQ"],
 'contact.phone':["亲，有问题直接旺旺联系就好","抱歉，我们不方便提供电话"],
 'review.manipulation':["亲，评价请按真实感受写哦","没有这样的活动哦"],
 'invoice.fraud':["抱歉，发票只能按实付金额开","不好意思，品名只能写实际商品"],
 'invoice.refusal':["不用加钱，发票免费开","不需要的，免费开具"],
 'payment.cod':["可以的，货到付款不加钱","支持的，正常下单选货到付款"],
 'payment.credit_card':["可以用的，不加钱","可以的，正常付款就行"],
 'offplatform.link':["亲，我们只在淘宝开店哦","没有的，只有这一家"],
}


@pytest.fixture(scope="module")
def linter():
    return Linter.default()


@pytest.mark.parametrize("category", sorted(REQUESTS))
def test_agreement_after_a_request_is_the_violation(linter, category):
    missed = [
        (r, a) for r in REQUESTS[category] for a in AGREES[category]
        if category not in {f.category for f in linter.check(a, context=[r]).findings}
    ]
    assert not missed


@pytest.mark.parametrize("category", sorted(REQUESTS))
def test_polite_answers_stay_clean(linter, category):
    flagged = [
        (r, p, [f.rule for f in linter.check(p, context=[r]).findings])
        for r in REQUESTS[category] for p in POLITE[category]
    ]
    assert [x for x in flagged if x[2]] == []
