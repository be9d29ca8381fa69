"""Other platforms' shops: 去京东搜我们的旗舰店 (on Taobao), 闲鱼搜我, 某音直播间."""
from __future__ import annotations

from . import Detector, Hit
from ._util import folded_words


def find_other_platform(view, options, keywords):
    own = view.platform.own_names
    compact = view.norm.compact
    window, before = options["window"], options["before"]
    for ns, ne, name in keywords:
        if name in own:
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


DETECTORS = (
    Detector(
        "other_platform",
        "引导到其他平台的店铺/账号/直播间（本平台的名字不算）",
        find_other_platform,
        options={"names": (list, []), "cues": (list, []), "window": (int, 8), "before": (int, 4)},
        phrase_options=("names",),
        needs_keywords=True,
        prepare=lambda options: folded_words(options, "cues"),
    ),
)
