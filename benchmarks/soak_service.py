"""Soak test of ``kefulint serve``: a fixed rate for a long time while watching its memory.

1. Starts ``kefulint serve --port 0`` as a child process (as benchmarks/bench_service.py does).
2. Warms it up at the soak rate (default 10 s, not reported), so that caches and the allocator
   reach their steady state.
3. Drives ``POST /v1/check`` with realistic replies at a fixed rate (default 1,000 requests/s for
   60 s; open loop, benchmarks/loadgen.py) while sampling the server process's resident memory
   (VmRSS in /proc/<pid>/status) every second.
4. Prints requests, errors, p50/p99, the RSS at start / middle / end, its growth, and a verdict:
   zero errors and memory flat, i.e. growth over the soak under ``--flat-mb`` (default 4 MB),
   compared with the server's RSS right after start-up (the baseline) in the same run.

With ``--stalled N``, N more connections send half a request head and stall (slowloris) for the
whole soak, each replaced by a new one as soon as the server closes it; the script prints how
many the server closed and how long they lived (the server's ``--request-timeout``, 10 s).

    python benchmarks/soak_service.py                  # the full soak (~75 s)
    python benchmarks/soak_service.py --stalled 200    # the same with 200 slowloris connections
    python benchmarks/soak_service.py --seconds 5      # quick
"""
from __future__ import annotations

import argparse
import os
import selectors
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_service import Server, kefulint_command
from loadgen import check_requests, run_load
from replies import make_replies


def rss_kib(pid: int) -> int | None:
    """Resident set size of a process in KiB (Linux /proc); None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Sampler(threading.Thread):
    """VmRSS of ``pid`` every ``interval`` seconds until stopped: a list of (seconds, KiB)."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self._done = threading.Event()

    def run(self) -> None:
        t0 = time.monotonic()
        while True:
            rss = rss_kib(self.pid)
            if rss is not None:
                self.samples.append((time.monotonic() - t0, rss))
            if self._done.wait(self.interval):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


class Stallers(threading.Thread):
    """Keeps ``n`` connections open that sent half a request head and stall, opening a new one
    whenever the server closes one; records how long each closed one lived."""

    PARTIAL = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/js"

    def __init__(self, port: int, n: int) -> None:
        super().__init__(daemon=True)
        self.port, self.n = port, n
        self.lifetimes: list[float] = []
        self._done = threading.Event()
        self._selector = selectors.DefaultSelector()
        for _ in range(n):
            self._open()

    def _open(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(self.PARTIAL)
        sock.setblocking(False)
        self._selector.register(sock, selectors.EVENT_READ, time.monotonic())

    def run(self) -> None:
        while not self._done.is_set():
            for key, _ in self._selector.select(0.2):
                try:
                    data = key.fileobj.recv(65536)  # the 408, then the end of the stream
                except OSError:
                    data = b""
                if not data:
                    self._selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.lifetimes.append(time.monotonic() - key.data)
                    self._open()

    def stop(self) -> None:
        self._done.set()
        self.join()
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()


def mb(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0, help="requests/s (default 1000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the soak (default 60)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of warm-up at the rate, not reported")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections (bound)")
    parser.add_argument("--flat-mb", type=float, default=4.0, help="largest RSS growth that counts as flat")
    parser.add_argument("--stalled", type=int, default=0, help="slowloris connections held open during the soak")
    args = parser.parse_args()

    texts = make_replies(2000)
    print(f"machine: {os.cpu_count()} cores; client and server share them; load from a second process on 127.0.0.1")
    with Server(kefulint_command() + ["serve", "--port", "0"]) as server:
        pid = server.proc.pid
        if rss_kib(pid) is None:
            sys.exit("no /proc/<pid>/status here: the soak measures memory on Linux only")
        requests = check_requests(texts, server.port)
        started = rss_kib(pid)
        warm = run_load(server.port, requests, args.rate, args.warmup, args.connections)
        sampler = Sampler(pid)
        sampler.start()
        stallers = Stallers(server.port, args.stalled) if args.stalled else None
        if stallers:
            stallers.start()
        soak = run_load(server.port, requests, args.rate, args.seconds, args.connections)
        if stallers:
            stallers.stop()
        sampler.stop()
        healthy = server.healthy()

    samples = sampler.samples
    start, end = samples[0][1], samples[-1][1]
    middle = min(samples, key=lambda s: abs(s[0] - samples[-1][0] / 2))[1]
    peak = max(rss for _, rss in samples)
    growth = end - start
    print(f"\nkefulint serve soak: {args.rate:.0f} requests/s for {args.seconds:.0f} s after a {args.warmup:.0f} s "
          f"warm-up ({warm.ok} ok, {warm.errors} errors), {args.connections} keep-alive connections, "
          f"{len(samples)} RSS samples")
    print(f"| {'requests':>8} | {'ok':>8} | {'errors':>6} | {'p50 ms':>6} | {'p99 ms':>6} | {'max ms':>7} | "
          f"{'answered/s':>10} |")
    print(f"|{'-' * 10}|{'-' * 10}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 12}|")
    print(f"| {soak.sent:>8} | {soak.ok:>8} | {soak.errors:>6} | {soak.pct(50):>6.2f} | {soak.pct(99):>6.2f} | "
          f"{max(soak.latencies_ms, default=float('nan')):>7.2f} | {soak.achieved:>10.0f} |")
    print(f"\nserver RSS, MB (baseline: {mb(started)} MB right after start-up, before any request)")
    print(f"| {'start':>6} | {'middle':>6} | {'end':>6} | {'peak':>6} | {'growth':>6} | {'end/start':>9} |")
    print(f"|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 11}|")
    print(f"| {mb(start):>6} | {mb(middle):>6} | {mb(end):>6} | {mb(peak):>6} | {growth / 1024:>+6.1f} | "
          f"{end / start:>9.3f} |")
    if stallers:
        lived = stallers.lifetimes
        print(f"\nslowloris: {args.stalled} connections held open with half a request head; the server closed "
              f"{len(lived)} of them (each replaced at once), after median "
              f"{statistics.median(lived) if lived else float('nan'):.2f} s, longest "
              f"{max(lived, default=float('nan')):.2f} s")
    print("RSS every 10 s: " + "  ".join(f"{t:.0f}s {mb(rss)}" for t, rss in samples if round(t) % 10 == 0))
    flat = growth / 1024 < args.flat_mb
    print(f"verdict: {soak.errors} errors, RSS growth {growth / 1024:+.1f} MB "
          f"({'under' if flat else 'NOT under'} {args.flat_mb:g} MB); server healthy after: {healthy} -> "
          f"{'MET' if soak.errors == 0 and flat and healthy else 'NOT MET'}")


if __name__ == "__main__":
    main()
