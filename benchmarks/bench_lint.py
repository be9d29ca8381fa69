"""``kefulint lint`` on a template repository of 2,000 files holding 200,000 replies.

Baselines, measured in the same run on the same replies:
* the engine alone: ``Linter.check`` over the replies as a list (no files, no positions);
* an uncached lint run: the cached re-run of the unchanged repository is compared with it.

Targets (issue 5): lint <= 3x the engine alone; an unchanged re-run >= 10x faster.

The replies are those of benchmarks/replies.py with 2% carrying a violation by default: a
template repository is reviewed text, not a live chat (replies.py's default of 10% models chat
logs); ``--violation-rate 0.1`` shows the heavier case, where printing the findings weighs more.

    python benchmarks/bench_lint.py                  # 2,000 files, 200,000 replies
    python benchmarks/bench_lint.py --files 200 --replies 20000
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table
from kefulint import Linter, Settings
from kefulint.templates.run import Runner
from replies import make_replies

FORMATS = ("csv", "yaml", "md", "txt", "json")


def write_repo(root: Path, replies: list[str], files: int) -> dict[str, int]:
    per_file = len(replies) // files
    counts: dict[str, int] = {}
    for n in range(files):
        chunk = replies[n * per_file : (n + 1) * per_file]
        fmt = FORMATS[n % len(FORMATS)]
        folder = root / f"shop{n % 20:02d}"
        folder.mkdir(exist_ok=True)
        path = folder / f"replies_{n:04d}.{fmt}"
        if fmt == "csv":
            rows = ["分组,快捷编码,短语内容"] + [f"售后,k{i},\"{t}\"" for i, t in enumerate(chunk)]
            path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        elif fmt == "yaml":
            body = "".join(f"  - id: a{i}\n    answer: \"{t}\"\n" for i, t in enumerate(chunk))
            path.write_text("answers:\n" + body, encoding="utf-8")
        elif fmt == "md":
            path.write_text("# 快捷回复\n\n" + "".join(f"- {t}\n" for t in chunk), encoding="utf-8")
        elif fmt == "txt":
            path.write_text("".join(f"{t}\n" for t in chunk), encoding="utf-8")
        else:
            path.write_text(json.dumps({"answers": [{"id": i, "answer": t} for i, t in enumerate(chunk)]},
                                       ensure_ascii=False, indent=1), encoding="utf-8")
        counts[fmt] = counts.get(fmt, 0) + len(chunk)
    (root / "kefulint.toml").write_text('[lint]\nkeys = ["answer", "短语内容"]\n', encoding="utf-8")
    return counts


def timed(fn):
    """(wall seconds, CPU seconds, value)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_lint(root: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``kefulint lint`` process."""
    cmd = [sys.executable, "-m", "kefulint.cli.main", "lint", ".", "--format", "json", "-o", os.devnull, *args]
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, check=False, cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return elapsed, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=200_000)
    parser.add_argument("--violation-rate", type=float, default=0.02)
    args = parser.parse_args()
    replies = make_replies(args.replies, violation_rate=args.violation_rate)
    with tempfile.TemporaryDirectory(prefix="kefulint-bench-") as tmp:
        root = Path(tmp)
        counts = write_repo(root, replies, args.files)
        linter = Linter.from_settings(Settings())
        engine_s, engine_cpu, findings = timed(lambda: sum(len(linter.check(t).findings) for t in replies))

        cwd = os.getcwd()
        os.chdir(root)
        try:
            lint_s, lint_cpu, run = timed(lambda: Runner(use_cache=False).run(["."]))
        finally:
            os.chdir(cwd)
        lint_findings = sum(1 for f in run.findings if not f.is_tool_finding)
        assert run.replies == len(replies), (run.replies, len(replies))
        assert lint_findings == findings, (lint_findings, findings)

        nocache = cli_lint(root, "--no-cache")
        cold = cli_lint(root)  # fills .kefulint-cache/
        warm = cli_lint(root)  # unchanged repository: every file from the cache

    print(f"{args.files} files ({', '.join(f'{k} {v}' for k, v in counts.items())} replies), "
          f"{len(replies)} replies, {findings} findings (violation rate {args.violation_rate:.0%})\n")

    def row(name: str, wall: float, cpu: float) -> list:
        return [name, f"{wall:.2f}", f"{cpu:.2f}", f"{len(replies) / wall:,.0f}", f"{wall / engine_s:.2f}x",
                f"{cpu / engine_cpu:.2f}x"]

    rows = [
        row("engine alone: Linter.check over the list", engine_s, engine_cpu),
        row("lint in-process (walk, read, place, no cache)", lint_s, lint_cpu),
        row("kefulint lint --no-cache (CLI, incl. start-up)", *nocache),
        row("kefulint lint, cold cache (writes entries)", *cold),
        row("kefulint lint, unchanged re-run (cache)", *warm),
    ]
    print(table(["run", "wall s", "CPU s", "replies/s (wall)", "wall vs engine", "CPU vs engine"], rows))
    print("\n(CPU time is printed beside wall time: on a shared, busy machine wall time also counts the")
    print(" waiting for a core; on an idle one the two agree for these single-process runs.)\n")
    print(f"lint / engine alone, in-process: {lint_s / engine_s:.2f}x wall, {lint_cpu / engine_cpu:.2f}x CPU"
          "   (target <= 3x)")
    print(f"lint / engine alone, CLI:        {nocache[0] / engine_s:.2f}x wall, {nocache[1] / engine_cpu:.2f}x CPU"
          "   (target <= 3x)")
    print(f"uncached CLI run / cached re-run: {nocache[0] / warm[0]:.1f}x wall, {nocache[1] / warm[1]:.1f}x CPU"
          "   (target >= 10x)")


if __name__ == "__main__":
    main()
