"""Setup (issue 11, item 6): ``make demo`` installs kefulint alone, ``make test`` what the tests
need; ``kefulint check "…"`` starts without loading what it does not use."""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_helpers import kefulint_exe

ROOT = Path(__file__).resolve().parents[2]
TEXT = "亲，您好，请问有什么可以帮您？"


def _make_plan(target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    proc = subprocess.run(["make", "-n", "-B", target, "VENV=/nonexistent-venv"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_demo_installs_the_base_package_only():
    plan = _make_plan("demo")
    installs = [line for line in plan.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert installs == ["/nonexistent-venv/bin/python -m pip install -q -e ."]
    assert "install-browser" not in plan and "spark" not in plan


def test_make_test_installs_what_the_tests_need():
    plan = _make_plan("test")
    assert "pip install -q -e '.[dev,spark]'" in plan  # pyspark: tests/system/test_spark_scan.py
    assert "install-browser.sh" in plan and "run-tests.sh" in plan


def test_check_loads_no_reporter_or_library_it_does_not_use():
    code = ("import sys\nfrom kefulint.cli.main import main\n"
            f"sys.argv = ['kefulint', 'check', {TEXT!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    loaded = set(proc.stderr.split())
    unused = {"rich", "yaml", "openpyxl", "jieba", "uvicorn", "kefulint.scan", "kefulint.templates",
              "kefulint.service", "kefulint.evaluation", "kefulint.cli.reporters.lint_text"}
    assert loaded and not loaded & unused, sorted(loaded & unused)
    assert "kefulint.cli.reporters.check_text" in loaded  # the one reporter it prints with


@pytest.mark.slow
def test_cold_start_stays_within_the_target_on_a_busy_machine():
    """kefulint check vs python -c pass, alternating, median of 7: the target is 10x (the README's
    figure comes from benchmarks/bench_cold_start.py); the test allows 1.5x that for a busy CI machine."""
    def wall(argv):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - t0

    base_cmd, check_cmd = [sys.executable, "-c", "pass"], [kefulint_exe(), "check", TEXT]
    wall(check_cmd)  # the rules cache and the OS caches filled
    base, check = [], []
    for _ in range(7):
        base.append(wall(base_cmd))
        check.append(wall(check_cmd))
    assert statistics.median(check) <= 10 * statistics.median(base) * 1.5  # 1.5: a shared, busy CI machine
