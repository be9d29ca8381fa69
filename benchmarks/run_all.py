"""Runs every benchmark in turn and prints their tables (each script also runs on its own).

    python benchmarks/run_all.py            # full sizes, as quoted in the README (~20 min)
    python benchmarks/run_all.py --quick    # small sizes, a smoke run of every script
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script, full arguments, quick arguments
BENCHMARKS = [
    ("bench_speed.py", [], ["--messages", "20000", "--repeat", "1", "--engine-n", "20000"]),
    ("bench_engine.py", [], ["-n", "20000"]),
    ("bench_quality.py", [], []),
    ("bench_model.py", [], []),  # trains three times: a few minutes even with --quick
    ("bench_api.py", [], ["--messages", "3000"]),
    ("bench_cold_start.py", [], ["--runs", "5"]),
    ("bench_scan.py", [], ["--messages", "50000", "--repeat", "1"]),
    ("bench_segment.py", [], ["-n", "20000"]),
    ("bench_lint.py", [], ["--files", "100", "--replies", "10000"]),
    ("bench_service.py", [], ["--seconds", "5"]),
    ("fuzz_engine.py", [], ["-n", "5000"]),
    ("bench_reliability.py", [], ["--lines", "10000"]),
    ("soak_service.py", [], ["--seconds", "5"]),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("only", nargs="*", help="run only these scripts")
    args = ap.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        print(f"\n===== {script} =====", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / script), *(quick if args.quick else full)], cwd=HERE)
        print(f"----- {script}: exit {code} in {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(script)
    if failed:
        print(f"\nnot met or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
