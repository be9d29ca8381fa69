"""Load test of ``kefulint serve`` from a second process on 127.0.0.1.

1. Starts ``kefulint serve --port 0`` as a child process and waits for it to listen.
2. Drives ``POST /v1/check`` with realistic replies at a fixed rate (default 1,000 requests/s for
   60 s) with a bounded open-loop generator (benchmarks/loadgen.py); prints p50/p99/errors
   against the target (p99 under 10 ms, zero errors).
3. Finds the highest rate it holds (p99 under 10 ms, no errors, >= 97% of the asked rate
   answered): doubling from the base rate, then a few bisection steps; every step is bounded.

``--compare`` instead runs the same Service behind each candidate server library
(benchmarks/service_backends.py) with the same load and prints them side by side, the figures
the choice of uvicorn rests on.

    python benchmarks/bench_service.py                 # the full run (~2 min)
    python benchmarks/bench_service.py --seconds 5     # quick
    python benchmarks/bench_service.py --compare --seconds 20
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from typing import Self

from loadgen import LoadResult, check_requests, run_load
from replies import make_replies

TARGET_P99_MS = 10.0


def kefulint_command() -> list[str]:
    beside = Path(sys.executable).with_name("kefulint")
    exe = str(beside) if beside.exists() else shutil.which("kefulint")
    if not exe:
        sys.exit("kefulint is not installed (pip install -e '.[serve]')")
    return [exe]


class Server:
    """A server child process on a free loopback port; stopped on exit."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        deadline = time.time() + 60
        self.port = 0
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        if not self.port:
            self.stop()
            sys.exit(f"server did not start: {' '.join(argv)}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def holds(r: LoadResult) -> bool:
    return r.errors == 0 and r.pct(99) < TARGET_P99_MS and r.ok >= 0.97 * r.sent


def find_max_rate(port: int, requests: list[bytes], start: float, step_seconds: float, ceiling: float,
                  bisections: int, connections: int) -> tuple[float, list[LoadResult]]:
    """Highest rate that holds, by doubling then bisecting; at most ~log2(ceiling/start)+bisections steps."""
    tried: list[LoadResult] = []
    good, bad = 0.0, None
    rate = start
    while rate <= ceiling:
        r = run_load(port, requests, rate, step_seconds, connections)
        tried.append(r)
        if not holds(r):
            bad = rate
            break
        good = rate
        rate *= 2
    if bad is not None:
        low, high = good, bad
        for _ in range(bisections):
            mid = round((low + high) / 2, -1)
            if mid in (low, high):
                break
            r = run_load(port, requests, mid, step_seconds, connections)
            tried.append(r)
            if holds(r):
                low = mid
            else:
                high = mid
        good = low
    return good, tried


def fmt(r: LoadResult) -> str:
    return (f"{r.rate:>8.0f} {r.sent:>8d} {r.ok:>8d} {r.errors:>7d} {r.pct(50):>8.2f} {r.pct(99):>8.2f} "
            f"{max(r.latencies_ms, default=float('nan')):>8.2f} {r.achieved:>9.0f}  {'yes' if holds(r) else 'no'}")


HEADER = f"{'rate/s':>8} {'sent':>8} {'ok':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'answered/s':>9}  holds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0, help="fixed rate, requests/s (default 1000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration at the fixed rate (default 60)")
    parser.add_argument("--step-seconds", type=float, default=5.0, help="duration of each max-rate step")
    parser.add_argument("--ceiling", type=float, default=16000.0, help="highest rate the search tries")
    parser.add_argument("--bisections", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections (bound)")
    parser.add_argument("--no-search", action="store_true", help="skip the max-rate search")
    parser.add_argument("--compare", action="store_true", help="compare server libraries instead")
    parser.add_argument("--backends", default="stdlib,waitress,aiohttp,uvicorn-pure,uvicorn")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of --compare (medians are printed)")
    args = parser.parse_args()

    texts = make_replies(2000)
    print(f"machine: {os.cpu_count()} cores; client and server share them; load from a second process on 127.0.0.1")
    print(f"messages: {len(texts)} generated replies of 20-60 chars; {args.connections} keep-alive connections")
    if args.compare:
        compare(args, texts)
        return

    with Server(kefulint_command() + ["serve", "--port", "0"]) as server:
        requests = check_requests(texts, server.port)
        run_load(server.port, requests, 200, 1.0, args.connections)  # warm-up, not reported
        print(f"\nkefulint serve (uvicorn) at {args.rate:.0f} requests/s for {args.seconds:.0f} s")
        print(HEADER)
        cpu0 = cpu_seconds(server.proc.pid)
        main_run = run_load(server.port, requests, args.rate, args.seconds, args.connections)
        cpu1 = cpu_seconds(server.proc.pid)
        print(fmt(main_run))
        if cpu0 is not None and cpu1 is not None:
            per = (cpu1 - cpu0) / max(main_run.ok, 1)
            print(f"server CPU: {per * 1e6:.0f} us per request = {per * args.rate * 100:.0f}% of one core at "
                  f"{args.rate:.0f}/s (the figure least moved by other load on the machine)")
        print(f"target: p99 < {TARGET_P99_MS} ms and zero errors -> "
              f"p99 {main_run.pct(99):.2f} ms = {main_run.pct(99) / TARGET_P99_MS:.2f}x target, "
              f"{main_run.errors} errors: {'MET' if holds(main_run) else 'NOT MET'}")
        if not args.no_search:
            print(f"\nhighest rate held (steps of {args.step_seconds:.0f} s, p99 < {TARGET_P99_MS} ms, no errors)")
            print(HEADER)
            best, tried = find_max_rate(server.port, requests, args.rate, args.step_seconds, args.ceiling,
                                        args.bisections, args.connections)
            for r in tried:
                print(fmt(r))
            print(f"highest rate held: {best:.0f} requests/s = {best / args.rate:.1f}x the {args.rate:.0f}/s target")
        print(f"server still healthy after the run: {server.healthy()}")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compare(args, texts: list[str]) -> None:
    """Every backend, ``--repeat`` rounds in rotating order; medians over rounds. Server CPU time
    per request is the figure least moved by other load on the machine."""
    script = str(HERE / "service_backends.py")
    names = args.backends.split(",")
    runs: dict[str, list[tuple[LoadResult, float | None, float | None]]] = {n: [] for n in names}
    for r in range(args.repeat):
        for name in names[r % len(names):] + names[: r % len(names)]:
            with Server([sys.executable, script, name, "--port", "0"]) as server:
                requests = check_requests(texts, server.port)
                run_load(server.port, requests, 200, 1.0, args.connections)
                cpu0 = cpu_seconds(server.proc.pid)
                fixed = run_load(server.port, requests, args.rate, args.seconds, args.connections)
                cpu1 = cpu_seconds(server.proc.pid)
                cpu_us = (cpu1 - cpu0) / max(fixed.ok, 1) * 1e6 if cpu0 is not None and cpu1 is not None else None
                best = None
                if not args.no_search:
                    best, _ = find_max_rate(server.port, requests, args.rate, args.step_seconds, args.ceiling,
                                            args.bisections, args.connections)
                runs[name].append((fixed, cpu_us, best))
                print(f"round {r + 1} {name:<13} p50 {fixed.pct(50):6.2f} ms  p99 {fixed.pct(99):7.2f} ms  "
                      f"errors {fixed.errors}  cpu/request {cpu_us or float('nan'):6.0f} us  max held {best}", flush=True)

    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    summary = {n: (med([f.pct(50) for f, _, _ in rs]), med([f.pct(99) for f, _, _ in rs]),
                   sum(f.errors for f, _, _ in rs), med([c for _, c, _ in rs]), med([b for _, _, b in rs]))
               for n, rs in runs.items()}
    base = summary[names[0]]
    print(f"\nserver libraries, same Service: {args.rate:.0f} requests/s for {args.seconds:.0f} s, "
          f"{args.repeat} rounds, medians (ratios against {names[0]})")
    print(f"| {'backend':<13} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | {'server CPU us/req':>17} | "
          f"{'CPU x':>5} | {'max rate held':>13} |")
    print(f"|{'-' * 15}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 19}|{'-' * 7}|{'-' * 15}|")
    for n, (p50, p99, errors, cpu, best) in summary.items():
        print(f"| {n:<13} | {p50:>7.2f} | {p99:>7.2f} | {errors:>6d} | {cpu:>17.0f} | {cpu / base[3]:>5.2f} | "
              f"{best:>11.0f}/s |")


if __name__ == "__main__":
    main()
