"""Other platforms' shops: 去京东搜我们的旗舰店 (on Taobao), 闲鱼搜我, 某音直播间."""
from __future__ import annotations

import re

from ..text.compiled import compiled
from . import Detector, Hit
from ._util import folded_words


def find_other_platform(view, options, keywords):
    own = view.platform.own_names
    compact = view.norm.compact
    window, before = options["window"], options["before"]
    any_cue, longest = options["any_cue"], options["longest_cue"]
    for ns, ne, name in keywords:
        if name in own:
            continue
        # one search for every cue over the stretch any of them could lie in: most names come
        # without one (京东 said on JD's own traffic), and the cue-by-cue look below is ~170 finds
        if any_cue.search(compact, max(0, ns - before - longest), ne + window + longest) is None:
            continue
        for cue in options["cues_compact"]:
            pos = compact.find(cue, ne, ne + window + len(cue))
            if pos < 0:
                lo = ns - before - len(cue)
                pos = compact.find(cue, max(0, lo), ns)
                if pos < 0:
                    continue
            start, end = view.compact_to_folded(min(ns, pos), max(ne, pos + len(cue)))
            yield Hit(start, end, f"其他平台「{name}」+「{cue}」")
            break


def _prepare(options: dict) -> dict:
    options = folded_words(options, "cues")
    cues = options["cues_compact"]
    return {**options, "any_cue": compiled("|".join(map(re.escape, cues)) or "(?!)"),
            "longest_cue": max(map(len, cues), default=0)}


DETECTORS = (
    Detector(
        "other_platform",
        "引导到其他平台的店铺/账号/直播间（本平台的名字不算）",
        find_other_platform,
        options={"names": (list, []), "cues": (list, []), "window": (int, 8), "before": (int, 4)},
        phrase_options=("names",),
        needs_keywords=True,
        # no cue anywhere in the reply, none near a name (京东快递 said of the courier)
        compact_prefilter="any_cue",
        prepare=_prepare,
    ),
)
