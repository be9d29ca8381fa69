"""Word boundaries: jieba (the reference) beside rjieba (jieba-rs: the same algorithm and dictionary
in Rust), dictionary only (HMM off), as the engine segments. Token identity on every window the
engine segments and on whole texts, load time, memory and speed, in one run (issue 14).

Texts: the labelled dev sets, the rules' examples, the 18,246 JD agent replies and the generated
engine corpus; with and without user words (a shop's product and brand names).

    python benchmarks/bench_segment.py [-n 200000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import shared_file, table

USER_WORDS = ("小美智能锁", "加微宝", "私聊款", "vx版", "好评卡", "微信支付宝双模")


def texts(n: int) -> list[str]:
    from bench_engine import load_corpus
    from kefulint import Linter

    out = []
    for name in ("dev.jsonl", "dev2.jsonl", "dev3_long.jsonl"):
        with open(shared_file("eval", name), encoding="utf-8") as fh:
            out += [json.loads(line)["text"] for line in fh if line.strip()]
    out += [ex.text for r in Linter.default().rules for ex in (*r.bad, *r.good)]
    with open(shared_file("data", "jddc_agent_utterances", "agent_utterances.jsonl"), encoding="utf-8") as fh:
        out += [json.loads(line)["text"] for line in fh]
    out += load_corpus(n)[0]
    return out


def windows(compact: str, margin: int = 8, step: int = 3) -> list[str]:
    """Windows like the ones MessageView.is_word segments (a candidate and 8 characters either side)."""
    return [compact[max(0, i - margin) : i + 2 + margin] for i in range(0, len(compact), step)]


def _load(backend: str) -> tuple[float, float]:
    """(CPU seconds, MB of RSS) to import and load one backend, in a fresh process."""
    load = ("import jieba,logging;jieba.setLogLevel(60);jieba.Tokenizer().initialize()" if backend == "jieba"
            else "import rjieba;rjieba.cut('a')")  # importing rjieba loads its default tokenizer
    code = ("import time\n"
            "def rss():\n"
            "    return int([x for x in open('/proc/self/status') if x.startswith('VmRSS')][0].split()[1])\n"
            f"a=rss();t=time.process_time()\n{load}\nprint(time.process_time()-t, (rss()-a)/1024)")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(got[0]), float(got[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200_000)
    args = ap.parse_args()
    import jieba
    import rjieba
    from kefulint.text.normalize import Normalized

    jieba.setLogLevel(60)
    compact = [Normalized(t).compact for t in texts(args.n)]
    wins = [w for c in compact for w in windows(c)]
    rows = []
    for user_words in ((), USER_WORDS):
        ref = jieba.Tokenizer()
        fast = rjieba.Jieba()
        for w in user_words:
            ref.add_word(w, freq=100000)
            fast.add_word(w, 100000, None)
        for label, items in (("whole texts", compact), ("windows of 8 either side", wins)):
            diff = [t for t in items if ref.lcut(t, HMM=False) != fast.cut(t, False)]
            rows.append([label + (" + user words" if user_words else ""), f"{len(items):,}", f"{len(diff):,}",
                         repr(diff[:2]) if diff else ""])
    print(f"## Token identity, HMM off ({len(compact):,} texts)\n")
    print(table(["texts", "segmented", "different", "first differences"], rows))
    sample = wins[:200_000]
    ref = jieba.Tokenizer()
    ref.initialize()
    speed = []
    for name, cut in (("jieba Tokenizer.lcut(HMM=False)", lambda t: ref.lcut(t, HMM=False)),
                      ("rjieba cut(hmm=False)", lambda t: rjieba.cut(t, False))):
        start = time.process_time()
        for t in sample:
            cut(t)
        speed.append((name, time.process_time() - start))
    print(f"\n## Load and speed ({len(sample):,} windows, CPU seconds)\n")
    loads = {"jieba": _load("jieba"), "rjieba": _load("rjieba")}
    print(table(["backend", "load CPU s", "load MB", "windows s", "windows/s", "vs jieba"],
                [[name, f"{loads[name.split()[0]][0]:.2f}", f"{loads[name.split()[0]][1]:.0f}", f"{s:.2f}",
                  f"{len(sample) / s:,.0f}", f"{speed[0][1] / s:.1f}x"] for name, s in speed]))


if __name__ == "__main__":
    main()
