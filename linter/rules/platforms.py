"""The platform a reply is sent on decides which links, payment methods and channels are the
platform's own (微信支付 is normal on JD, a jd.com link is off-platform on Taobao)."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import NamedTuple

from ..text.normalize import fold_phrase
from ..text.packagedata import data_file


class Platform(NamedTuple):
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
    try:
        return _platforms(_platforms_data())
    except (KeyError, TypeError, ValueError):  # a stored copy that only looked right: the file itself
        return _platforms(_platforms_data(stored=False))


def _platforms(data: dict) -> dict[str, Platform]:
    out = {}
    for name, table in data.items():
        own = {k: v for k, v in table.items() if k != "like"}
        values = {**data[table["like"]], **own} if "like" in table else own
        lists = {k: tuple(v) for k, v in values.items() if k != "like"}
        out[name] = Platform(name, lists["family"], lists["names"], lists["domains"], lists["payments"],
                             lists["channels"], lists["cues"])
    return out


def _platforms_data(stored: bool = True) -> dict:
    """platforms.toml as parsed; kept as JSON in the cache folder (see :mod:`.rulecache`), keyed by
    the file's path, size and time, so that a cold start does not import the TOML parser (~5 ms)."""
    import json

    from .rulecache import cache_dir, sha256, store_atomic

    path = data_file("platforms.toml")
    folder = cache_dir()
    copy = None
    if folder is not None:
        st = os.stat(path)
        key = sha256(f"{path}\n{st.st_size}\n{st.st_mtime_ns}".encode()).hexdigest()[:32]
        copy = os.path.join(folder, f"platforms-{key}.json")
        try:
            with open(copy, "rb") as fh:
                data = json.loads(fh.read()) if stored else None
        except Exception:  # noqa: BLE001 - missing or corrupt: parsed again
            data = None
        if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
            return data
    import tomllib

    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    if copy is not None:
        store_atomic(copy, json.dumps(data, ensure_ascii=False).encode("utf-8"), "platforms-*.json")
    return data


# The platforms kefulint knows, in the data file's order (taobao, tmall, jd, pdd, douyin).
PLATFORM_NAMES: tuple[str, ...] = tuple(load_platforms())


def get_platform(name: str, extra_domains: tuple[str, ...] = ()) -> Platform:
    platforms = load_platforms()
    if name not in platforms:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORM_NAMES)})")
    own = frozenset(fold_phrase(n) for member in platforms[name].family for n in platforms[member].names)
    return platforms[name]._replace(extra_domains=tuple(extra_domains), own_names=own)
