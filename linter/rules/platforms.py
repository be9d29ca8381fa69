"""The platform a reply is sent on decides which links, payment methods and channels are the
platform's own (微信支付 is normal on JD, a jd.com link is off-platform on Taobao)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache

from ..text.normalize import fold_phrase
from ..text.packagedata import data_file


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    family: tuple[str, ...]
    names: tuple[str, ...]
    domains: tuple[str, ...]
    payments: tuple[str, ...]
    channels: tuple[str, ...]
    cues: tuple[str, ...]
    extra_domains: tuple[str, ...] = ()  # the shop's own domains, from config
    own_names: frozenset[str] = frozenset()  # compact forms of every name of the family


@lru_cache(maxsize=1)
def load_platforms() -> dict[str, Platform]:
    with open(data_file("platforms.toml"), "rb") as fh:
        data = tomllib.load(fh)
    out = {}
    for name, table in data.items():
        own = {k: v for k, v in table.items() if k != "like"}
        values = {**data[table["like"]], **own} if "like" in table else own
        lists = {k: tuple(v) for k, v in values.items() if k != "like"}
        out[name] = Platform(name, lists["family"], lists["names"], lists["domains"], lists["payments"],
                             lists["channels"], lists["cues"])
    return out


# The platforms kefulint knows, in the data file's order (taobao, tmall, jd, pdd, douyin).
PLATFORM_NAMES: tuple[str, ...] = tuple(load_platforms())


def get_platform(name: str, extra_domains: tuple[str, ...] = ()) -> Platform:
    platforms = load_platforms()
    if name not in platforms:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORM_NAMES)})")
    own = frozenset(fold_phrase(n) for member in platforms[name].family for n in platforms[member].names)
    return replace(platforms[name], extra_domains=tuple(extra_domains), own_names=own)
