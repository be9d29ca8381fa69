"""Other platforms' shops: 去京东搜我们的旗舰店 (on Taobao), 闲鱼搜我, 某音直播间."""
from __future__ import annotations

from . import Detector, Hit
from ._util import folded_set


def find_other_platform(view, options, keywords):
    own = view.platform.own_names
    cues = options["cue_set"]
    names = [(s, e, p) for s, e, p in keywords if p not in cues and p not in own]
    if not names:
        return
    cue_hits = [(s, e, p) for s, e, p in keywords if p in cues]
    window = options["window"]
    for ns, ne, name in names:
        for cs, ce, cue in cue_hits:
            if (cs >= ne and cs - ne <= window) or (ce <= ns and ns - ce <= options["before"]):
                start, end = view.compact_to_folded(min(ns, cs), max(ne, ce))
                yield Hit(start, end, f"其他平台「{name}」+「{cue}」")
                break


DETECTORS = (
    Detector(
        "other_platform",
        "引导到其他平台的店铺/账号/直播间（本平台的名字不算）",
        find_other_platform,
        options={"names": (list, []), "cues": (list, []), "window": (int, 8), "before": (int, 4)},
        phrase_options=("names", "cues"),
        needs_keywords=True,
        prepare=lambda options: {**options, "cue_set": folded_set(options["cues"])},
    ),
)
