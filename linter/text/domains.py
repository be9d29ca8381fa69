"""The top-level domains a link or an e-mail address is recognised by: one list for the cheap
"could there be a link?" look of every message (view.py) and the link and e-mail detectors
(detectors/web.py), so that the gate never misses what a detector would find."""
from __future__ import annotations

TLDS = (
    "com", "cn", "net", "org", "cc", "top", "xyz", "vip", "shop", "site", "io", "me", "co", "info", "tv",
    "link", "club", "online", "store", "tech", "hk", "tw", "biz", "ltd", "wang", "ink", "asia", "mobi",
    "app", "live", "ly", "im", "gd", "to", "edu", "gov",
)
TLD_PATTERN = "(?:" + "|".join(TLDS) + ")"  # a regex group of every TLD

# E-mail providers, by the names agents write them with (新浪的, 163 的), and their hosts: one table
# for rejoining an address given as id + provider (text/rejoin.py), for the cue that wakes that
# (engine/compile.py), and for the link detector, which does not read a bare "163.com" as a shop.
MAIL_PROVIDERS = {
    "163": "163.com", "126": "126.com", "qq": "qq.com", "新浪": "sina.com", "sina": "sina.com",
    "搜狐": "sohu.com", "sohu": "sohu.com", "foxmail": "foxmail.com", "gmail": "gmail.com",
    "outlook": "outlook.com", "hotmail": "hotmail.com", "139": "139.com", "yeah": "yeah.net",
    # said rather than written: 企鹅邮箱 (QQ), 网易 (163), 一二六 / 一六三
    "企鹅邮箱": "qq.com", "企鹅": "qq.com", "网易": "163.com", "一二六": "126.com", "一六三": "163.com",
}
MAIL_HOSTS = frozenset(MAIL_PROVIDERS.values()) | {"sina.cn", "aliyun.com", "vip.qq.com"}
