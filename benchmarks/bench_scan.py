"""Benchmark of ``kefulint scan`` against a bare Aho-Corasick pass (issue 4).

Generates a chat log (default 1,000,000 messages, buyer and agent turns, 2,000 agents, about 3%
of messages violating a rule: the rules' own bad examples, with their buyer context), then in
the same run times:

- baseline: one process, pyahocorasick ``Automaton.iter`` over every message text, with the
  same phrase list the linter compiles (texts already in memory: the pass alone);
- ``kefulint scan`` end to end (parse, lint, report: findings JSONL + summary JSON) with
  ``--jobs`` all cores, and with ``--jobs 1``; peak RSS summed over the process tree.

Usage: python benchmarks/bench_scan.py [--messages 1000000] [--keep DIR]
Anchors for the baseline's speed: ../shared/bench/PEERS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kefulint import Linter
from kefulint.scan.pipeline import default_jobs
from kefulint.text.normalize import fold_phrase

CLEAN_AGENT = [
    "亲，这款现在有货的，今天下单明天就能发出哦", "好的亲，已经帮您备注了，请放心", "稍等，正在为您查询物流信息~",
    "亲，尺码建议按平时穿的选，偏大一码", "这款是纯棉面料，洗后不会缩水的哦", "订单号 2024111112345678 已经发货了",
    "亲，七天无理由退换的，请放心购买", "已经为您申请退款，请注意查收", "这个颜色比较百搭，很多买家都回购",
    "亲，赠品会随包裹一起发出的哦", "快递一般3到5天送达，偏远地区稍慢", "好的，地址已经帮您修改好了",
]
CLEAN_BUYER = [
    "在吗", "这个有货吗", "什么时候发货", "能便宜点吗", "尺码怎么选", "可以改地址吗", "好的谢谢", "质量怎么样",
    "快递是哪家", "可以退换吗", "有赠品吗", "我拍了，麻烦尽快发", "颜色有色差吗", "嗯嗯",
]
GREETING = "您好，欢迎光临本店，很高兴为您服务~"
FAREWELL = "感谢您的咨询，祝您购物愉快~"


def generate(path: Path, messages: int, agents: int = 2000, violation_rate: float = 0.03, seed: int = 20241111):
    rng = random.Random(seed)
    linter = Linter.default()
    bad = [(ex.text, ex.context) for rule in linter.rules for ex in rule.bad]
    names = [f"店员{i:04d}" for i in range(agents)]
    t = 1730419200.0  # 2024-11-01 00:00 UTC
    written = 0
    conv = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < messages:
            conv += 1
            agent = names[rng.randrange(agents)]
            cid = f"c{conv:08d}"
            t += rng.uniform(20, 200)
            now = t
            rows = []
            n_pairs = rng.randint(3, 8)
            for k in range(n_pairs):
                now += rng.uniform(1, 30)
                violate = rng.random() < violation_rate * 2  # half of the messages are agent turns
                if violate:
                    text, context = bad[rng.randrange(len(bad))]
                    for c in context:
                        rows.append((cid, "buyer", "", now, c))
                        now += rng.uniform(1, 5)
                else:
                    rows.append((cid, "buyer", "", now, rng.choice(CLEAN_BUYER)))
                    text = rng.choice(CLEAN_AGENT)
                now += rng.uniform(0.5, 2.5) if rng.random() > 0.05 else rng.uniform(5, 90)
                if k == 0 and not violate:
                    text = GREETING + text
                if k == n_pairs - 1 and not violate:
                    text = text + "。" + FAREWELL
                rows.append((cid, "agent", agent, now, text))
            for cid_, role, ag, when, text in rows:
                out.write(json.dumps({"conversation": cid_, "role": role, "agent": ag, "time": round(when, 3),
                                      "text": text}, ensure_ascii=False) + "\n")
                written += 1
                if written >= messages:
                    break
    return written


def baseline(texts: list[str], linter: Linter) -> float:
    import ahocorasick

    phrases = set()
    for rule in linter.rules:
        for p in (*rule.phrases, *rule.triggers, *rule.allow, *rule.unless,
                  *(rule.near.words if rule.near else ()), *(rule.not_near.words if rule.not_near else ()),
                  *(rule.context.buyer if rule.context else ())):
            key = fold_phrase(p)
            if key:
                phrases.add(key)
    automaton = ahocorasick.Automaton()
    for p in sorted(phrases):
        automaton.add_word(p, p)
    automaton.make_automaton()
    best = None
    for _ in range(3):
        start = time.perf_counter()
        hits = 0
        for text in texts:
            for _hit in automaton.iter(text):
                hits += 1
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"baseline: {len(phrases)} phrases, {hits} hits", file=sys.stderr)
    return best


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and its children. Forked workers share the parent's
    pages (rules, jieba's dictionary) copy-on-write: RSS counts them once per process, PSS
    splits them, so PSS is the memory the machine really spends."""
    rss = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return rss, pss


def run_scan(log: Path, outdir: Path, jobs: int) -> tuple[float, float, int, int]:
    cmd = [sys.executable, "-m", "kefulint.cli.main", "scan", str(log), "-q", "--jobs", str(jobs),
           "-o", str(outdir / f"findings-j{jobs}.jsonl"), "--summary-json", str(outdir / f"summary-j{jobs}.json")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample():
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the scan and its reaped workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, peak_rss // 1024, peak_pss // 1024


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="keep the log and outputs here")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="kefulint-bench-")
    outdir = args.keep or Path(tmp.name)
    outdir.mkdir(parents=True, exist_ok=True)
    log = outdir / "chatlog.jsonl"
    if not log.exists() or _count_lines(log) != args.messages:
        generate(log, args.messages)
    size_mb = log.stat().st_size / 1e6
    with open(log, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    n = len(texts)
    base_s = baseline(texts, Linter.default())
    del texts
    jobs = default_jobs()
    rows = [("bare Aho-Corasick pass (pyahocorasick iter, 1 process, texts in memory)", base_s, base_s, None, None)]
    for j in sorted({jobs, 1}, reverse=True):
        elapsed, cpu, rss, pss = run_scan(log, outdir, j)
        rows.append((f"kefulint scan --jobs {j} (parse+lint+report, end to end)", elapsed, cpu, rss, pss))
    same = (outdir / f"findings-j{jobs}.jsonl").read_bytes() == (outdir / "findings-j1.jsonl").read_bytes()
    summary = json.loads((outdir / f"summary-j{jobs}.json").read_text(encoding="utf-8"))
    c = summary["counts"]
    print(f"\n{n:,} messages, {size_mb:.1f} MB, {len(summary['agents']):,} agents, nproc={os.cpu_count()}; "
          f"{c['findings']:,} findings ({c['findings'] - sum(r['findings'] for r in summary['rules'] if r['rule'].startswith('service.')):,} "
          f"content findings); reports identical across --jobs: {same}\n")
    print("| run | wall s | CPU s | messages/s | MB/s | peak RSS MB (sum) | peak PSS MB (sum) | ratio vs bare AC |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, secs, cpu, rss, pss in rows:
        print(f"| {name} | {secs:.2f} | {cpu:.2f} | {n / secs:,.0f} | {size_mb / secs:.1f} | "
              f"{'' if rss is None else rss} | {'' if pss is None else pss} | {base_s / secs:.2f}x |")
    with open("/proc/loadavg") as fh:
        print(f"\nload average after the run: {fh.read().split()[0]} (other work on the machine slows the scans)")


if __name__ == "__main__":
    main()
