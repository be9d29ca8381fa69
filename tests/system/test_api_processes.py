"""The Python API across threads and processes: eight threads on one fresh Linter, a Linter sent to
spawned process-pool workers, and samples/llm_guard.py run as a script. (The API in one process is
tested in tests/unit/engine/test_api.py.)"""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from conftest import API_REPLIES, snapshot
from kefulint import Linter, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_many_threads_get_the_serial_results(linter):
    expected = snapshot(linter)
    # a fresh linter, so that the threads also race on the lazy jieba load
    fresh = Linter.default()
    start = threading.Barrier(8)

    def work(_):
        start.wait()
        return [snapshot(fresh) for _ in range(5)]

    with ThreadPoolExecutor(8) as pool:
        for runs in pool.map(work, range(8)):
            assert all(run == expected for run in runs)


def _check_in_worker(linter: Linter, texts: list[str]) -> list[dict]:
    return snapshot(linter, texts)


def test_process_pool_workers_get_the_same_results():
    linter = Linter.from_settings(Settings(disable=("etiquette",)))
    expected = snapshot(linter)
    halves = [API_REPLIES[::2], API_REPLIES[1::2]]
    # spawn: the workers inherit nothing, the linter really travels by pickle
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        even, odd = pool.map(_check_in_worker, [linter, linter], halves)
    assert even == expected[::2] and odd == expected[1::2]


def test_llm_guard_sample_runs_and_never_logs_raw_contact_data():
    proc = subprocess.run(check=False, args=[sys.executable, str(ROOT / "samples" / "llm_guard.py")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    out, log = proc.stdout, proc.stderr
    assert "-> send: 亲，今天下午五点前付款的订单当天就能发出哦" in out
    assert "-> retry-send: 亲，店铺首页可以领满减券哦" in out
    assert "-> rewrite: 亲，这个问题我马上帮您核实" in out
    assert "-> rewrite: 亲，为了您的资金安全，请直接在平台下单付款哦" in out
    assert out.count("-> block: 亲，这个问题我帮您转接人工客服") == 1
    assert "contact.mobile 6分 「138****8000」" in log
    for raw in ("13800138000", "shop_vip88"):
        assert raw not in out and raw not in log
