"""Cold start: median wall time of a fresh ``kefulint check "…"`` process beside ``python -c pass``,
measured alternately in the same run. Target (issue 6): at most 10x ``python -c pass``.

Also timed: the same command with the on-disk rules cache turned off (``KEFULINT_NO_CACHE=1``,
what every start cost before the cache), ``import kefulint`` alone, and jieba's own start-up
(which ``check`` avoids unless a candidate needs a word boundary).

    python benchmarks/bench_cold_start.py [--runs 21]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

TEXT = "亲，您好，请问有什么可以帮您？"
TARGET = 10.0
NO_CACHE = "<KEFULINT_NO_CACHE=1>"  # marker at the end of an argv: run it with the rules cache off


def kefulint_exe() -> str:
    beside = Path(sys.executable).with_name("kefulint")
    exe = str(beside) if beside.exists() else shutil.which("kefulint")
    if not exe:
        sys.exit("kefulint is not installed (pip install -e .)")
    return exe


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wall(argv: list[str]) -> float:
    env = None
    if argv[-1] is NO_CACHE:
        argv = argv[:-1]
        env = {**os.environ, "KEFULINT_NO_CACHE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    took = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    commands = {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "python -c 'import kefulint'": [sys.executable, "-c", "import kefulint"],
        "python -c 'import jieba; jieba.initialize()'": [sys.executable, "-c",
                                                         "import jieba, logging; logging.disable(); jieba.initialize()"],
        f'kefulint check "{TEXT}", rules cache off': [kefulint_exe(), "check", TEXT, NO_CACHE],
        f'kefulint check "{TEXT}"': [kefulint_exe(), "check", TEXT],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # first runs fill OS caches; not counted
        wall(argv)
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(wall(argv))
    base = statistics.median(times["python -c pass (baseline)"])
    print(f"{args.runs} runs each, alternating; wall time of the whole process")
    print(f"| {'command':<68} | {'median s':>8} | {'min s':>6} | {'x baseline':>10} |")
    print(f"|{'-' * 70}|{'-' * 10}|{'-' * 8}|{'-' * 12}|")
    for name, data in times.items():
        med = statistics.median(data)
        pad = " " * (68 - _width(name))
        print(f"| {name}{pad} | {med:>8.3f} | {min(data):>6.3f} | {med / base:>9.1f}x |")
    ratio = statistics.median(times[f'kefulint check "{TEXT}"']) / base
    print(f"\ntarget: kefulint check <= {TARGET:.0f}x python -c pass -> {ratio:.1f}x: "
          f"{'MET' if ratio <= TARGET else 'NOT MET'}")


if __name__ == "__main__":
    main()
