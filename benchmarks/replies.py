"""Realistic customer-service replies of 20-60 characters, seeded (same list every run).

About one in ten carries something a rule should catch (a phone number, a WeChat id, a banned
phrase), as in real chat logs where most replies are clean. Used by bench_api.py and
bench_service.py.
"""
from __future__ import annotations

import random

GREETINGS = ["亲，", "亲亲，", "您好，", "亲爱哒，", "在的亲，", "", "好的亲，", "嗯嗯，", "抱歉亲，"]
BODIES = [
    "您的订单已经发货了，预计明天下午送达，请保持手机畅通哦",
    "这款是{size}码的，平时穿{size2}的建议拍大一码",
    "退款已经帮您申请了，{n}个工作日内原路退回到您的账户",
    "仓库这边显示已经打包好了，今天{hour}点前会安排发出",
    "这个颜色目前有现货的，下单后{n}小时内发货",
    "麻烦您提供一下订单号，这边帮您查询一下物流进度",
    "快递是中通的，单号在订单详情里可以看到的哦",
    "这边已经给您备注了，仓库会优先处理您的订单",
    "质量问题的话可以申请退换货，运费我们来承担",
    "收到货如果有任何问题，随时联系我们客服处理",
    "活动期间满{n}00减{n}0，优惠券领取后下单自动抵扣",
    "尺码表在商品详情页第三张图，您可以对照一下",
    "这款面料是纯棉的，机洗手洗都可以，不容易起球",
    "赠品是随机发的，数量有限送完即止，请您谅解",
    "您好，地址修改已经帮您提交了，请留意物流更新",
    "很抱歉给您带来不好的体验，我们会加强包装的",
]
CLOSINGS = ["", "哦~", "，有问题随时找我哦", "，祝您生活愉快", "，感谢您的耐心等待", "呢", "哈"]
# things rules should catch, dropped into the body now and then
VIOLATIONS = [
    "有问题打我电话{phone}",
    "加我微信 {wx} 给您发图",
    "您可以加QQ {qq} 详细说",
    "直接转账到{card}就行",
    "这是全网最低价，假一赔十",
    "确认收货给五星好评返现{n}元",
    "去我们官网 www.shop{n}.com 下单更便宜",
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        size=rng.choice(["S", "M", "L", "XL"]), size2=rng.choice(["M", "L"]), n=rng.randint(2, 9),
        hour=rng.randint(14, 18), phone="1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9)),
        wx="".join(rng.choices("abcdefghjkmnpqrstuvwxyz", k=5)) + "_" + str(rng.randint(10, 999)),
        qq=str(rng.randint(10_000_000, 999_999_999)),
        card="6222" + "".join(rng.choices("0123456789", k=15)),
    )


def make_replies(count: int, seed: int = 20241124, violation_rate: float = 0.1) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        body = _fill(rng.choice(BODIES), rng)
        if rng.random() < violation_rate:
            body = body[: rng.randint(6, 16)] + "，" + _fill(rng.choice(VIOLATIONS), rng)
        text = rng.choice(GREETINGS) + body + rng.choice(CLOSINGS)
        if 20 <= len(text) <= 60:
            out.append(text)
    return out


if __name__ == "__main__":
    for line in make_replies(20):
        print(len(line), line)
