"""``kefulint scan`` beside the keyword-filter peer a quality team would write (issue 14).

The log: 200,000 messages as ../shared/bench/peer_scan.py expects (JSONL, fields conversation,
role, agent, time, text), half of them buyer turns with real JDDC buyer text
(../shared/data/jddc2019_sample), half agent replies from the generated engine corpus
(../shared/bench/gen_corpus.py, ~3% with a violation), 2-8 turn pairs per conversation.

In one run it times, each the median of ``--repeat`` runs, wall and CPU (the process tree):

- the peer (read, parse, pyahocorasick over agent turns with the corpus's 2,000 keywords, write
  hits as JSONL) with ``json`` and, where installed, ``orjson`` and ``msgspec``;
- ``kefulint scan`` end to end (parse, lint with context, service rules, findings JSONL and
  summary JSON) with ``--jobs 1`` and ``--jobs 2``, peak RSS / PSS of the process tree;
- the JDDC export (12k lines) scanned by both, and kefulint's start-up alone (an empty log) so
  that the export's work beyond start-up shows.

    python benchmarks/bench_scan.py [--messages 200000] [--repeat 3]

Rates are messages per wall second; the machine has 2 cores shared with other work, so CPU
seconds are printed beside every wall time, and a CPU-bound wall time: the larger of the busiest
process's CPU and all the CPU spread over the cores, i.e. what the run would take on this machine
left to itself.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import OUT, shared_file, table

JDDC = ("data", "jddc2019_sample", "chat_0.1per.txt")


def _agents(n: int) -> list[str]:
    return [f"客服{i:03d}" for i in range(n)]


def generate(path: Path, messages: int, seed: int = 20241201) -> None:
    """The log described in the module docstring; the same arguments give the same bytes."""
    from bench_engine import load_corpus

    replies, _ = load_corpus(max(1, messages // 2 + 1))
    buyers = []
    with open(shared_file(*JDDC), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t", 6)
            if len(parts) == 7 and parts[2] == "0" and parts[6].strip() and parts[6] != "NULL":
                buyers.append(parts[6])
    rng = random.Random(seed)
    agents = _agents(500)
    t = 1730419200.0  # 2024-11-01 00:00 UTC
    written = conv = ri = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        while written < messages:
            conv += 1
            cid = f"c{conv:07d}"
            agent = agents[rng.randrange(len(agents))]
            t += rng.uniform(5, 60)
            now = t
            for _ in range(rng.randint(2, 8)):
                for role, who, text in (("buyer", "", buyers[rng.randrange(len(buyers))]),
                                        ("agent", agent, replies[ri % len(replies)])):
                    if written >= messages:
                        break
                    now += rng.uniform(1, 40) if rng.random() > 0.05 else rng.uniform(60, 300)
                    out.write(json.dumps({"conversation": cid, "role": role, "agent": who, "time": round(now, 3),
                                          "text": text}, ensure_ascii=False) + "\n")
                    written += 1
                    ri += role == "agent"
    tmp.replace(path)


def scan_log(messages: int = 200_000) -> Path:
    path = OUT / "scanlog" / f"chatlog-{messages}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate(path, messages)
    return path


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and its children. Forked workers share the parent's
    pages copy-on-write: RSS counts them once per process, PSS splits them."""
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


_TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int, seen: dict[int, float]) -> None:
    """CPU seconds so far of the process and each of its children, by pid (the largest seen)."""
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            seen[p] = max(seen.get(p, 0.0), (int(fields[11]) + int(fields[12])) / _TICK)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue


def run(cmd: list[str], memory: bool = False) -> dict:
    """Wall and CPU seconds (the process and its reaped children), the CPU of the busiest process
    (sampled: a worker's last ~50 ms may be missed) and peak memory of one run. The busiest
    process's CPU is the wall time the run would take with a core for each process: on a shared
    machine it is the figure that does not move with the neighbours' load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    cpu_by_pid: dict[int, float] = {}
    done = threading.Event()

    def sample():
        while not done.is_set():
            if memory:
                rss, pss = _tree_memory_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            _tree_cpu(proc.pid, cpu_by_pid)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    children = sum(v for p, v in cpu_by_pid.items() if p != proc.pid)
    parent = max(cpu - children, cpu_by_pid.get(proc.pid, 0.0))  # the parent's own, from the total
    workers = [v for p, v in cpu_by_pid.items() if p != proc.pid]
    busiest = max([parent, *workers])
    # the wall time on this machine left to itself: no shorter than the busiest process, nor than
    # all the CPU spread over every core
    bound = max(busiest, cpu / (os.cpu_count() or 1))
    return {"wall": wall, "cpu": cpu, "busiest": busiest, "bound": bound, "parent": parent,
            "worker_min": min(workers, default=0.0), "worker_max": max(workers, default=0.0),
            "rss": peak[0] / 1024, "pss": peak[1] / 1024}


def median_run(cmd: list[str], repeat: int, memory: bool = False) -> dict:
    runs = [run(cmd, memory) for _ in range(repeat)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def kefulint_scan(inputs: list[str], jobs: int, out: Path, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, "-m", "kefulint.cli.main", "scan", *inputs, "-q", "--fail-on", "never",
            "--jobs", str(jobs), "-o", str(out / f"findings-j{jobs}.jsonl"),
            "--summary-json", str(out / f"summary-j{jobs}.json"), *extra]


def without_word_boundaries() -> tuple[str, ...]:
    """--disable options for every rule that asks for word boundaries (the peak memory target
    holds "unless a word-boundary rule fires": the segmenter's dictionary is ~60 MB)."""
    from kefulint import Linter

    return tuple(x for r in Linter.default().rules if r.boundary == "word" for x in ("--disable", r.id))


def json_reader() -> str:
    """What kefulint scan parses JSONL with here (orjson is optional)."""
    return "orjson" if importlib.util.find_spec("orjson") else "json"


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def measure(messages: int = 200_000, repeat: int = 3) -> dict:
    """Every figure of the scan table, as a dict (bench_speed.py prints them with the others)."""
    log = scan_log(messages)
    keywords = OUT / "corpus" / "keywords.txt"
    peer = str(shared_file("bench", "peer_scan.py"))
    jddc = str(shared_file(*JDDC))
    parsers = ["json"] + [p for p in ("orjson", "msgspec") if importlib.util.find_spec(p)]
    res: dict = {"messages": messages, "mb": log.stat().st_size / 1e6}
    with tempfile.TemporaryDirectory(prefix="kefulint-bench-") as tmp:
        tmpd = Path(tmp)
        for p in parsers:
            res[f"peer {p}"] = median_run([sys.executable, peer, p, "jsonl", str(log), str(keywords),
                                           str(tmpd / "peer.jsonl")], repeat)
        res["peer json jddc"] = median_run([sys.executable, peer, "json", "jddc", jddc, str(keywords),
                                            str(tmpd / "peer.jsonl")], repeat)
        digests = {}
        for jobs in (1, 2):
            d = tmpd / f"log-j{jobs}"
            d.mkdir()
            res[f"scan j{jobs}"] = median_run(kefulint_scan([str(log)], jobs, d), repeat, memory=True)
            digests[jobs] = _digest(d / f"findings-j{jobs}.jsonl", d / f"summary-j{jobs}.json")
            summary = json.loads((d / f"summary-j{jobs}.json").read_text(encoding="utf-8"))
            res["findings"] = summary["counts"]["findings"]
        res["identical across --jobs"] = digests[1] == digests[2]
        d = tmpd / "log-nb"
        d.mkdir()
        res["scan j1 no boundary"] = median_run(kefulint_scan([str(log)], 1, d, without_word_boundaries()), repeat,
                                                memory=True)
        # start-up: one agent turn (a log with none is an error, exit 2)
        empty = tmpd / "one.jsonl"
        empty.write_text(json.dumps({"conversation": "c1", "role": "agent", "agent": "a", "text": "您好"},
                                    ensure_ascii=False) + "\n", encoding="utf-8")
        for jobs in (1, 2):
            d = tmpd / f"jddc-j{jobs}"
            d.mkdir()
            res[f"jddc j{jobs}"] = median_run(kefulint_scan([jddc], jobs, d), repeat, memory=True)
            res[f"startup j{jobs}"] = median_run(kefulint_scan([str(empty)], jobs, d), repeat)
    with open(jddc, "rb") as fh:
        res["jddc lines"] = sum(1 for _ in fh)
    return res


def rows(res: dict) -> tuple[list[str], list[list[str]]]:
    n = res["messages"]
    base = res["peer json"]
    head = ["run", "wall s", "CPU s", "parent CPU s", "busiest process CPU s", "CPU-bound wall s", "msgs/s (wall)",
            "vs json peer (wall)", "vs json peer (CPU-bound)", "peak RSS MB", "peak PSS MB"]
    out = []
    named = [(k, f"peer: {k.split()[1]} + pyahocorasick") for k in res if k.startswith("peer ") and k != "peer json jddc"]
    named += [("scan j1", "kefulint scan --jobs 1"), ("scan j2", "kefulint scan --jobs 2"),
              ("scan j1 no boundary", "kefulint scan --jobs 1, word-boundary rules off")]
    for key, name in named:
        r = res[key]
        out.append([name, f"{r['wall']:.2f}", f"{r['cpu']:.2f}", f"{r['parent']:.2f}", f"{r['busiest']:.2f}",
                    f"{r['bound']:.2f}", f"{n / r['wall']:,.0f}", f"{base['wall'] / r['wall']:.2f}x",
                    f"{base['bound'] / r['bound']:.2f}x",
                    f"{r['rss']:.0f}" if r["rss"] else "", f"{r['pss']:.0f}" if r["pss"] else ""])
    return head, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    res = measure(args.messages, args.repeat)
    head, body = rows(res)
    print(f"## kefulint scan: {res['messages']:,} messages ({res['mb']:.1f} MB JSONL), {res['findings']:,} findings; "
          f"median of {args.repeat}, nproc={os.cpu_count()}\n")
    print(table(head, body))
    j1, j2 = res["scan j1"], res["scan j2"]
    print(f"\n--jobs 2 / --jobs 1: {j1['wall'] / j2['wall']:.2f}x wall, {j1['bound'] / j2['bound']:.2f}x CPU-bound "
          f"(max of the busiest process's CPU and all CPU over {os.cpu_count()} cores); reports identical across "
          f"--jobs: {res['identical across --jobs']}; JSONL read with {json_reader()}")
    print(f"--jobs 2 CPU by process: parent {j2['parent']:.2f} s, workers {j2['worker_min']:.2f}–{j2['worker_max']:.2f} s "
          f"(the busier does {j2['worker_max'] / max(j2['worker_min'], 1e-9):.2f}x the other's work)")
    for jobs in (1, 2):
        r, s = res[f"jddc j{jobs}"], res[f"startup j{jobs}"]
        print(f"JDDC export ({res['jddc lines']:,} lines) --jobs {jobs}: {r['wall']:.2f} s wall / {r['cpu']:.2f} s CPU; "
              f"start-up alone {s['wall']:.2f} / {s['cpu']:.2f}; beyond start-up {r['wall'] - s['wall']:.2f} s wall, "
              f"{r['cpu'] - s['cpu']:.2f} s CPU; peak RSS {r['rss']:.0f} MB (peer: {res['peer json jddc']['wall']:.2f} s)")
    with open("/proc/loadavg") as fh:
        print(f"\nload average after the run: {fh.read().split()[0]}")


if __name__ == "__main__":
    main()
