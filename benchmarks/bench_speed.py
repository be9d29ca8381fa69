"""Every figure of issue 14's "Done when", measured in one run, as ratios against the peers:

- ``kefulint scan`` on the 200,000-message JSONL log beside the json keyword-filter peer
  (../shared/bench/peer_scan.py), --jobs 2 and --jobs 1, the JDDC export's work beyond start-up,
  peak memory of --jobs 1, reports byte-identical across --jobs (bench_scan.py);
- ``Linter.check`` beside a bare pyahocorasick pass, CPU time, and instructions per message counted
  by callgrind (where valgrind is installed);
- a cold ``kefulint check "…"`` beside ``python -c pass``, median of 11, the same venv, kefulint
  installed from a wheel (not the editable install: its import hook costs every start).

    python benchmarks/bench_speed.py [--messages 200000] [--repeat 3] [--engine-n 200000]

The machine has 2 cores shared with other work: wall times move with the neighbours' load. Each
wall figure has a steadier one beside it: for a scan the CPU-bound wall time (the larger of its
busiest process's CPU and all its CPU spread over the cores), for the engine CPU seconds and an
instruction count.
"""
from __future__ import annotations

import argparse
import os

from _common import table


# the engine ----------------------------------------------------------------------------------
def _automaton(keywords: list[str]):
    import ahocorasick

    auto = ahocorasick.Automaton()
    for i, w in enumerate(keywords):
        auto.add_word(w, i)
    auto.make_automaton()
    return auto


def check_vs_ac(texts: list[str], keywords: list[str]) -> tuple[float, float]:
    """(CPU s of the bare pyahocorasick pass, CPU s of Linter.check), medians of 3, same texts."""
    from bench_engine import timed
    from kefulint import Linter

    it = _automaton(keywords).iter
    linter = Linter.default()
    linter.check("最好的第一次")  # word boundaries loaded outside the timing

    def bare_ac(ts):
        for t in ts:
            for _ in it(t):
                pass

    def engine(ts):
        check = linter.check
        for t in ts:
            check(t)

    return timed(bare_ac, texts), timed(engine, texts)


# instructions per message and the cold start are measured by the engine's and the cold-start
# benchmarks' own functions (bench_engine.instructions, bench_cold_start.cold_start_ratio)


# the table -------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engine-n", type=int, default=200_000)
    args = ap.parse_args()
    import bench_cold_start
    import bench_engine
    import bench_scan

    scan = bench_scan.measure(args.messages, args.repeat)
    texts, keywords = bench_engine.load_corpus(args.engine_n)
    ac_s, eng_s = check_vs_ac(texts, keywords)
    counted = bench_engine.instructions(min(bench_engine.CALLGRIND_N, args.engine_n))
    cold = bench_cold_start.cold_start_ratio(11)

    n = scan["messages"]
    peer, j1, j2, nb = scan["peer json"], scan["scan j1"], scan["scan j2"], scan["scan j1 no boundary"]
    jddc, start = scan["jddc j1"], scan["startup j1"]

    def row(what, measured, steady, target, ok):
        return [what, measured, steady, target, "met" if ok else "NOT met"]

    rows = [
        row("scan --jobs 2 rate / json peer rate", f"{peer['wall'] / j2['wall']:.2f}x (wall)",
            f"{peer['bound'] / j2['bound']:.2f}x (CPU-bound)", ">= 0.5x", peer["bound"] / j2["bound"] >= 0.5),
        row("scan --jobs 2 rate / --jobs 1 rate", f"{j1['wall'] / j2['wall']:.2f}x (wall)",
            f"{j1['bound'] / j2['bound']:.2f}x (CPU-bound; {j1['busiest'] / j2['busiest']:.2f}x by busiest process)",
            ">= 1.7x", j1["bound"] / j2["bound"] >= 1.7),
        row(f"JDDC export ({scan['jddc lines']:,} lines) beyond start-up, --jobs 1",
            f"{jddc['wall'] - start['wall']:.2f} s (wall)", f"{jddc['cpu'] - start['cpu']:.2f} s (CPU)", "<= 0.5 s",
            jddc["cpu"] - start["cpu"] <= 0.5),
        row("Linter.check rate / bare pyahocorasick rate", "", f"{ac_s / eng_s:.2f}x (CPU)", ">= 0.4x",
            ac_s / eng_s >= 0.4),
        row("instructions per message, pyahocorasick / kefulint",
            f"{counted['ac']:,.0f} / {counted['kefulint']:,.0f}" if counted else "valgrind missing",
            f"{counted['ac'] / counted['kefulint']:.2f}x (callgrind)" if counted else "", "reported", True),
        row("cold kefulint check / python -c pass", f"{cold['ratio']:.1f}x (wall, median of 11)",
            f"{cold['cpu_ratio']:.1f}x (CPU)", "<= 6x", cold["ratio"] <= 6),
        row("peak RSS, scan --jobs 1, word-boundary rules off", f"{nb['rss']:.0f} MB", "", "<= 80 MB", nb["rss"] <= 80),
        row("peak RSS, scan --jobs 1, word-boundary rules on (they fire)", f"{j1['rss']:.0f} MB", "",
            "(segmenter's dictionary)", True),
        row("reports byte-identical, --jobs 1 and 2", str(scan["identical across --jobs"]), "", "True",
            scan["identical across --jobs"]),
    ]
    print(f"## Issue 14 figures: scan log {n:,} messages ({scan['mb']:.1f} MB), engine corpus {len(texts):,} replies; "
          f"nproc={os.cpu_count()}, medians of {args.repeat}; scan reads JSONL with {bench_scan.json_reader()}\n")
    print(table(["figure", "measured", "steady measure", "target", ""], rows))
    print()
    head, body = bench_scan.rows(scan)
    print(table(head, body))
    print(f"\nengine: bare pyahocorasick {ac_s:.2f} s CPU, kefulint check {eng_s:.2f} s CPU; cold start: "
          f"python -c pass {cold['pass'] * 1000:.0f} ms, kefulint check {cold['check'] * 1000:.0f} ms (wall medians)")
    with open("/proc/loadavg") as fh:
        print(f"load average after the run: {fh.read().split()[0]} (nproc={os.cpu_count()})")


if __name__ == "__main__":
    main()
