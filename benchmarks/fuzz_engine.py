"""Fuzz run of the core (issue 7): 100,000 generated and mutated inputs — random Unicode, real JDDC
agent replies and dev-set lines mutated (inserted emoji / zero-width / digits / numerals, cuts,
repeats, surrogates removed) — through normalize, check (with random buyer context) and explain.
Prints how many ran and that none raised; every span must lie inside its text.

    python benchmarks/fuzz_engine.py [-n 100000] [--seed 7]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback

from _common import SHARED
from kefulint import Linter
from kefulint.text.normalize import Normalized

NOISE = list("0123456789一二三四五六七八九零〇幺两壹贰①②③⑬⓪❶➀⑴ 　-_.·•✨⭐❤💚🆔😀\u200b\u200d\ufeff\ufe0f，。：@＠．/\n\t") + [
    "微信", "V信", "vx", "QQ", "扣扣", "电话", "卡号", "www.", ".com", "http://", "艾特", "点com", "好评返现",
    "第一", "滚", "发票", "信用卡", "货到付款", "后面是", "。后面是", "包邮", "转账给我",
]


def seeds() -> list[str]:
    texts: list[str] = []
    for path, key in ((SHARED / "data" / "jddc_agent_utterances" / "agent_utterances.jsonl", "text"),
                      (SHARED / "eval" / "dev.jsonl", "text")):
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                texts.extend(json.loads(line)[key] for line in fh)
    return texts or ["亲，您好，请问有什么可以帮您？"]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    n = rng.randint(0, 120)
    if kind < 0.3:
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(n)).encode("utf-8", "ignore").decode("utf-8", "ignore")
    if kind < 0.6:
        return "".join(chr(rng.choice((rng.randint(0x20, 0x7F), rng.randint(0x4E00, 0x9FFF), rng.randint(0xFF00, 0xFFEF),
                                       rng.randint(0x2460, 0x24FF), rng.randint(0x1F300, 0x1FAFF)))) for _ in range(n))
    return "".join(rng.choice(NOISE) for _ in range(rng.randint(0, 40)))


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        pos = rng.randint(0, len(chars))
        if op < 0.4:
            chars[pos:pos] = list(rng.choice(NOISE))
        elif op < 0.55 and chars:
            del chars[pos : pos + rng.randint(1, 5)]
        elif op < 0.65:
            chars = chars[: rng.randint(0, len(chars))]
        elif op < 0.75 and chars:
            chars = chars * rng.randint(2, 6)
        elif op < 0.85 and chars:
            i = rng.randrange(len(chars))
            chars[i] = chr(rng.randint(0, 0xFFFF)) if rng.random() < 0.5 else rng.choice(NOISE)
        else:
            chars[pos:pos] = list(str(rng.randint(0, 10**19)))
    return "".join(chars).encode("utf-8", "ignore").decode("utf-8", "ignore")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    corpus = seeds()
    linter = Linter.default()
    ran = raised = bad_spans = findings = 0
    start = time.perf_counter()
    for i in range(args.n):
        text = random_text(rng) if rng.random() < 0.4 else mutate(rng.choice(corpus), rng)
        ctx = [mutate(rng.choice(corpus), rng)] if rng.random() < 0.2 else None
        try:
            norm = Normalized(text)
            if norm.compact:
                norm.compact_span(0, len(norm.compact))
            result = linter.check(text, context=ctx)
            if i % 50 == 0:
                linter.explain(text, context=ctx)
            for f in result.findings:
                findings += 1
                if not (0 <= f.start < f.end <= len(text)) or f.match != text[f.start : f.end]:
                    bad_spans += 1
        except Exception:  # noqa: BLE001 - counting is the point
            raised += 1
            if raised <= 3:
                print(f"RAISED on {text!r}", file=sys.stderr)
                traceback.print_exc()
        ran += 1
    secs = time.perf_counter() - start
    print(f"fuzz: {ran:,} inputs ran in {secs:.1f} s ({findings:,} findings); raised: {raised}; spans outside text: {bad_spans}")
    return 1 if raised or bad_spans else 0


if __name__ == "__main__":
    sys.exit(main())
