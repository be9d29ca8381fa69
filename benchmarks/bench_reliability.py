"""Nothing lost (issue 7): a JSONL chat log with 1% corrupted lines, scanned end to end.

Generates a log (default 1,000,000 lines) in which 1% of the lines are corrupted in turn:
bad JSON, bytes that are not UTF-8, a line in GBK, a missing text field, a missing role field,
NUL bytes; the last line is truncated (no closing brace, no newline). Every tenth good agent
line carries a marker phrase (``全网最低价``, rule adlaw.absolute), so the findings prove each
such line was linted exactly once. Then runs ``kefulint scan`` with ``--jobs 1`` and
``--jobs 2`` and compares against the generator's truth:

- lines read, agent and buyer turns linted, lines skipped: equal to the truth;
- ``--skipped``: exactly the corrupted lines, each once, as file:line;
- ``-o``: exactly one adlaw.absolute finding per marked good line.

Prints a table (lines, corrupted, reported, linted, seconds, ok) and exits 1 on any difference.
The baseline is the generator's own truth (the ratio column is reported/corrupted and
linted/good agent turns: 1.000 when nothing is lost).

Usage: python benchmarks/bench_reliability.py [--lines 1000000] [--jobs 1,2] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MARKER_RULE = "adlaw.absolute"
AGENT_TEXTS = ["亲，今天下单明天就能发货哦", "好的亲，已经帮您备注了", "稍等，正在为您查询物流",
               "这款是纯棉面料，洗后不缩水", "七天无理由退换的，请放心"]
MARKED_TEXT = "亲，这款是全网最低价哦"
BUYER_TEXTS = ["在吗", "什么时候发货", "能便宜点吗", "尺码怎么选", "好的谢谢"]
CORRUPTIONS = ("bad-json", "not-utf8", "gbk", "no-text", "no-role", "nul-bytes")


@dataclass
class Truth:
    lines: int = 0
    agent_turns: int = 0
    buyer_turns: int = 0
    bad: list[int] = field(default_factory=list)  # 1-based line numbers of corrupted lines
    marked: list[int] = field(default_factory=list)  # good agent lines with the marker phrase
    kinds: Counter = field(default_factory=Counter)


def _record(i: int, role: str, text: str) -> dict:
    conv = i // 10
    return {"conversation": f"c{conv}", "role": role, "agent": f"客服{conv % 50}" if role == "agent" else "",
            "time": 1731290400 + i, "text": text}


def _good(i: int, truth: Truth, mark_every: int) -> bytes:
    number = i + 1
    if i % 2:
        text = AGENT_TEXTS[i % len(AGENT_TEXTS)]
        if (i // 2) % mark_every == 0:
            text = MARKED_TEXT
            truth.marked.append(number)
        truth.agent_turns += 1
        rec = _record(i, "agent", text)
    else:
        truth.buyer_turns += 1
        rec = _record(i, "buyer", BUYER_TEXTS[i % len(BUYER_TEXTS)])
    return json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n"


def _bad(i: int, kind: str) -> bytes:
    rec = _record(i, "agent", "亲，您好，请问有什么可以帮您")
    line = json.dumps(rec, ensure_ascii=False)
    if kind == "bad-json":
        return line[: len(line) // 2].encode("utf-8") + b"\n"
    if kind == "not-utf8":
        return line.replace("请问", "\x00").encode("utf-8").replace(b"\x00", b"\xff\xfe\x80") + b"\n"
    if kind == "gbk":
        data = line.encode("gbk") + b"\n"
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        raise AssertionError("the GBK line must not be valid UTF-8")
    if kind == "no-text":
        del rec["text"]
    elif kind == "no-role":
        del rec["role"]
    elif kind == "nul-bytes":
        return line.replace("请问", "\x00\x00").encode("utf-8").replace(b"\\u0000", b"\x00") + b"\n"
    return json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n"


def write_log(path: Path, lines: int, seed: int = 7, mark_every: int = 10) -> Truth:
    """A JSONL log of ``lines`` lines, 1% corrupted (the last line truncated); returns the truth."""
    rng = random.Random(seed)
    # corrupted lines anywhere, also in the first 64 KB from which the file's encoding is detected
    bad = set(rng.sample(range(lines - 1), max(lines // 100 - 1, 0)))
    truth = Truth(lines=lines)
    with open(path, "wb") as out:
        chunk: list[bytes] = []
        for i in range(lines - 1):
            if i in bad:
                kind = CORRUPTIONS[len(truth.bad) % len(CORRUPTIONS)]
                truth.bad.append(i + 1)
                truth.kinds[kind] += 1
                chunk.append(_bad(i, kind))
            else:
                chunk.append(_good(i, truth, mark_every))
            if len(chunk) >= 10000:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))
        last = json.dumps(_record(lines - 1, "agent", "感谢您的咨询"), ensure_ascii=False).encode("utf-8")
        out.write(last[:-7])  # truncated: the export was cut off mid-line
    truth.bad.append(lines)
    truth.kinds["truncated-last-line"] += 1
    return truth


def kefulint_command() -> list[str]:
    exe = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")
    return [exe] if exe else [sys.executable, "-m", "kefulint.cli.main"]


@dataclass
class Outcome:
    seconds: float
    counts: dict
    reported: list[tuple[str, int]]
    marked_findings: Counter
    errors: list[str]


def run_scan(log: Path, work: Path, jobs: int, truth: Truth) -> Outcome:
    """``kefulint scan`` on ``log``; the differences from ``truth`` in ``errors``."""
    out, skipped, summary = work / f"findings-{jobs}.jsonl", work / f"skipped-{jobs}.txt", work / f"summary-{jobs}.json"
    cmd = kefulint_command() + ["scan", str(log), "--jobs", str(jobs), "-q", "-o", str(out), "--skipped",
                                str(skipped), "--summary-json", str(summary), "--disable", "service"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    errors: list[str] = []
    if proc.returncode not in (0, 1):
        return Outcome(seconds, {}, [], Counter(), [f"exit {proc.returncode}: {proc.stderr[-2000:]}"])
    counts = json.loads(summary.read_text(encoding="utf-8"))["counts"]
    reported = []
    for row in skipped.read_text(encoding="utf-8").splitlines():
        source, line, _ = row.split(":", 2)
        reported.append((source, int(line)))
    marked: Counter = Counter()
    with open(out, encoding="utf-8") as fh:
        for row in fh:
            rec = json.loads(row)
            if rec["rule"] == MARKER_RULE:
                marked[rec["line"]] += 1
    want = {"lines": truth.lines, "agent_turns": truth.agent_turns, "buyer_turns": truth.buyer_turns,
            "skipped": len(truth.bad)}
    for key, value in want.items():
        if counts.get(key) != value:
            errors.append(f"{key}: {counts.get(key)} != {value}")
    if sorted(reported) != sorted((str(log), n) for n in truth.bad):
        lost = set(truth.bad) - {n for _, n in reported}
        extra = [r for r in reported if r[1] not in set(truth.bad)]
        errors.append(f"skipped lines differ: {len(lost)} not reported (e.g. {sorted(lost)[:5]}), "
                      f"{len(extra)} extra (e.g. {extra[:5]}), {len(reported)} reported")
    if marked != Counter(truth.marked):
        errors.append(f"marked lines: {sum(marked.values())} findings on {len(marked)} lines, "
                      f"want {len(truth.marked)} lines once each")
    return Outcome(seconds, counts, reported, marked, errors)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    ap.add_argument("--keep", default=None, help="keep the log and reports in this directory")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="kefulint-reliability-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "corrupted.jsonl"
    start = time.perf_counter()
    truth = write_log(log, args.lines)
    print(f"generated {truth.lines:,} lines ({log.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s: "
          f"{len(truth.bad):,} corrupted ({', '.join(f'{k} {v}' for k, v in sorted(truth.kinds.items()))}), "
          f"{truth.agent_turns:,} good agent turns, {truth.buyer_turns:,} good buyer turns, "
          f"{len(truth.marked):,} marked")
    print(f"{'jobs':>4} | {'lines':>10} | {'corrupted':>9} | {'reported':>9} | {'linted':>10} | {'good agent':>10} "
          f"| {'marked found':>12} | {'seconds':>7} | {'reported/corrupted':>18} | {'linted/good':>11} | ok")
    failed = False
    for jobs in (int(j) for j in args.jobs.split(",")):
        o = run_scan(log, work, jobs, truth)
        failed |= bool(o.errors)
        c = o.counts
        print(f"{jobs:>4} | {c.get('lines', 0):>10,} | {len(truth.bad):>9,} | {len(o.reported):>9,} | "
              f"{c.get('agent_turns', 0):>10,} | {truth.agent_turns:>10,} | {sum(o.marked_findings.values()):>12,} | "
              f"{o.seconds:>7.1f} | {len(o.reported) / len(truth.bad):>18.3f} | "
              f"{c.get('agent_turns', 0) / max(truth.agent_turns, 1):>11.3f} | {'yes' if not o.errors else 'NO'}")
        for e in o.errors:
            print(f"     {e}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
