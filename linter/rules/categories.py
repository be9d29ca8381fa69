"""The stable category ids that reports and ``--format json`` carry (``service.*``: the
conversation rules of ``rulesets/service.toml``, judged by ``kefulint scan``)."""
from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "contact.phone": "电话号码",
    "contact.qq": "QQ",
    "contact.wechat": "微信",
    "contact.email": "电子邮箱",
    "contact.bank_account": "银行卡/账户",
    "offplatform.link": "站外链接/店铺",
    "offplatform.payment": "站外交易/付款",
    "invoice.fraud": "虚开发票",
    "invoice.refusal": "拒开发票/加收税点",
    "etiquette.banned_phrase": "服务禁语",
    "etiquette.abuse": "辱骂买家",
    "review.manipulation": "好评返现/删差评",
    "adlaw.absolute": "广告法极限词",
    "payment.credit_card": "信用卡支付纠纷",
    "payment.cod": "货到付款纠纷",
    "shipping.fee": "包邮/运费纠纷",
    "privacy.third_party": "泄露他人信息",
    "trade.close": "未经同意关闭交易",
    "service.first_response": "首次响应时间",
    "service.reply_time": "回复时间",
    "service.greeting": "欢迎语",
    "service.farewell": "结束语",
}
