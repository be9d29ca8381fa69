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
