"""Streaming: memory stays flat as the log grows (speed is measured in benchmarks/bench_scan.py)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEFULINT = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")]


def _write_log(path: Path, messages: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i in range(messages):
            conv, turn = divmod(i, 10)
            role = "agent" if turn % 2 else "buyer"
            text = "有事打我电话13800138000" if i % 97 == 1 else ("亲，今天下单明天发货哦" if turn % 2 else "在吗")
            out.write(json.dumps({"conversation": f"c{conv}", "role": role, "agent": f"a{conv % 300}",
                                  "time": 1731290400 + i, "text": text}, ensure_ascii=False) + "\n")


def _peak_pss_mb(cmd: list[str]) -> float:
    """Peak PSS summed over the process tree (forked workers share pages, which PSS splits)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            total, stack = 0, [proc.pid]
            while stack:
                pid = stack.pop()
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as fh:
                        total += sum(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
                    for task in os.listdir(f"/proc/{pid}/task"):
                        with open(f"/proc/{pid}/task/{task}/children") as fh:
                            stack.extend(int(c) for c in fh.read().split())
                except (FileNotFoundError, ProcessLookupError, ValueError):
                    continue
            peak = max(peak, total)
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    assert proc.wait(timeout=600) == 1
    done.set()
    thread.join()
    return peak / 1024


def test_memory_is_flat_as_the_log_grows(tmp_path):
    peaks = {}
    for n in (50_000, 300_000):
        log = tmp_path / f"log{n}.jsonl"
        _write_log(log, n)
        peaks[n] = _peak_pss_mb([KEFULINT, "scan", str(log), "-q", "-j", "2", "-o", str(tmp_path / "f.jsonl"),
                                 "--summary-json", str(tmp_path / "s.json")])
        counts = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["counts"]
        assert counts["messages"] == n and counts["findings"] > 0
    assert peaks[300_000] < 300, peaks
    assert peaks[300_000] - peaks[50_000] < 60, peaks  # six times the log, not six times the memory
