"""Per-message latency of ``Linter.check`` beside a bare Aho-Corasick scan, in one run.

Messages: realistic replies of 20-60 characters (benchmarks/replies.py; about one in ten has a
violation). Rules: every built-in ruleset (``Linter.default()``). Baseline: one pyahocorasick
``Automaton.iter`` over the raw message with the same phrase list - every rule's ``phrases``
and ``triggers`` plus the keyword options of its detector - which is what a bare keyword filter
would do. The two are timed alternately on each message so that noise hits both alike.
Target (issue 6): median of ``check`` under 10x the median of the bare scan.

    python benchmarks/bench_api.py [--messages 20000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kefulint import Linter
from kefulint.detectors import DETECTORS
from kefulint.text.normalize import Normalized
from replies import make_replies

TARGET = 10.0


def phrase_list(linter: Linter) -> list[str]:
    phrases: set[str] = set()
    for rule in linter.rules:
        phrases.update(rule.phrases)
        phrases.update(rule.triggers)
        if rule.detector:
            det = DETECTORS[rule.detector]
            options = det.resolved_options(rule.options)
            for key in det.phrase_options:
                phrases.update(options.get(key, ()))
    return sorted(p for p in phrases if p)


def bare_automaton(phrases: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for p in phrases:
        automaton.add_word(p, p)
    automaton.make_automaton()
    return automaton


def pct(data: list[float], q: float) -> float:
    data = sorted(data)
    return data[min(len(data) - 1, int(q / 100 * len(data)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    linter = Linter.default()
    phrases = phrase_list(linter)
    automaton = bare_automaton(phrases)
    messages = make_replies(args.messages)
    flagged = {m for m in messages if linter.check(m).findings}  # warm-up; loads jieba if needed
    clock = time.perf_counter_ns

    bare: list[float] = []
    norm: list[float] = []
    check: list[float] = []
    check_clean: list[float] = []
    check_flagged: list[float] = []
    for _ in range(args.rounds):
        for m in messages:
            t0 = clock()
            for _hit in automaton.iter(m):
                pass
            t1 = clock()
            Normalized(m)
            t2 = clock()
            linter.check(m)
            t3 = clock()
            bare.append((t1 - t0) / 1000)
            norm.append((t2 - t1) / 1000)
            dt = (t3 - t2) / 1000
            check.append(dt)
            (check_flagged if m in flagged else check_clean).append(dt)

    base50, base99 = statistics.median(bare), pct(bare, 99)
    lengths = [len(m) for m in messages]
    print(f"messages: {len(messages)} generated replies, {min(lengths)}-{max(lengths)} chars "
          f"(mean {statistics.fmean(lengths):.1f}), {len(flagged)} with findings; {args.rounds} rounds")
    print(f"rules: {len(linter.rules)} (every built-in ruleset); bare phrase list: {len(phrases)} phrases")
    print()
    rows = [
        ("bare pyahocorasick iter (baseline)", bare),
        ("normalize only (kefulint.text.normalize)", norm),
        ("Linter.check, all messages", check),
        ("Linter.check, clean messages", check_clean),
        ("Linter.check, messages with findings", check_flagged),
    ]
    print(f"| {'per message':<38} | {'median us':>9} | {'p99 us':>8} | {'x bare median':>13} | {'x bare p99':>10} |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 10}|{'-' * 15}|{'-' * 12}|")
    for name, data in rows:
        if not data:
            continue
        m, p = statistics.median(data), pct(data, 99)
        print(f"| {name:<38} | {m:>9.2f} | {p:>8.2f} | {m / base50:>12.1f}x | {p / base99:>9.1f}x |")
    ratio = statistics.median(check) / base50
    print()
    print(f"target: median of check < {TARGET:.0f}x the bare scan -> {ratio:.1f}x: {'MET' if ratio < TARGET else 'NOT MET'}")


if __name__ == "__main__":
    main()
