"""Cold start: median wall time of a fresh ``kefulint check "…"`` process beside ``python -c pass``,
measured alternately in the same run. Target (issue 14): at most 6x ``python -c pass``, median of 11, same venv, non-editable
install (``cold_start_ratio``, used by bench_speed.py).

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

from _common import OUT, ROOT

TEXT = "亲，您好，请问有什么可以帮您？"
TARGET = 6.0
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


def installed_venv() -> Path:
    """A venv with kefulint installed from this checkout the way a user gets it (a wheel, not the
    editable install: its import hook costs every start), its dependencies taken from the current
    environment through a .pth line. Rebuilt on every call: it is a copy of the code as it is."""
    venv = OUT / "coldvenv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = subprocess.run([sys.executable, "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "_kefulint_deps.pth").write_text(deps + "\n", encoding="utf-8")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(ROOT)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # setuptools' warnings
        wheel = next(Path(tmp).glob("kefulint-*.whl"))
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                       check=True, stdout=subprocess.DEVNULL)
    return venv


def cold_start_ratio(runs: int = 11) -> dict:
    """Median wall time of ``kefulint check`` and ``python -c pass`` (the same non-editable venv),
    measured alternately, and the CPU time of each (steadier on a shared machine)."""
    import resource

    venv = installed_venv()
    commands = {"pass": [str(venv / "bin" / "python"), "-c", "pass"],
                "check": [str(venv / "bin" / "kefulint"), "check", TEXT]}
    for argv in commands.values():
        wall(argv)  # fills the rules cache and the OS caches
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls[name].append(wall(argv))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    med = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    return {"pass": med["pass"], "check": med["check"], "ratio": med["check"] / med["pass"],
            "pass_cpu": cpu["pass"], "check_cpu": cpu["check"], "cpu_ratio": cpu["check"] / cpu["pass"]}


def breakdown(venv: Path, runs: int = 5) -> dict[str, float]:
    """Where a cold ``kefulint check`` spends its time (ms, the run with the least wall time):
    imports by package (``-X importtime``, self times summed) and what is left (building the
    Linter from the caches, the check, the output, start-up and exit of the interpreter)."""
    best: dict[str, float] = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([str(venv / "bin" / "python"), "-X", "importtime", str(venv / "bin" / "kefulint"),
                               "check", TEXT], capture_output=True, text=True, check=False)
        took = (time.perf_counter() - t0) * 1000
        parts: dict[str, float] = {}
        stack: list[str] = []  # the chain of imports down to the current line (read from the end)
        for line in reversed(proc.stderr.splitlines()):
            fields = line.split("|")
            if len(fields) != 3 or not fields[0].split(":")[-1].strip().isdigit():
                continue
            depth = (len(fields[2]) - len(fields[2].lstrip()) - 1) // 2
            name = fields[2].strip()
            del stack[depth:]
            stack.append(name)
            # a module counts for the first module of its chain that is not kefulint's (click
            # with everything click imports), or for its kefulint subpackage
            owner = next((m for m in stack if not m.startswith("kefulint")), name)
            group = ".".join(name.split(".")[:2]) if owner.startswith("kefulint") else (
                "click (and what it imports)" if owner == "click" else "stdlib and other packages")
            parts[group] = parts.get(group, 0.0) + int(fields[0].split(":")[-1]) / 1000
        parts["the rest (caches read, check, output, interpreter)"] = took - sum(parts.values())
        parts["total wall"] = took
        if not best or took < best["total wall"]:
            best = parts
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--no-wheel", action="store_true", help="skip the non-editable install (the target's figure)")
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
    print("\n(the table above: this environment, editable install)")
    if args.no_wheel:
        return
    got = cold_start_ratio(11)
    print(f"\nnon-editable install (a wheel in its own venv), median of 11, alternating: python -c pass "
          f"{got['pass'] * 1000:.0f} ms, kefulint check {got['check'] * 1000:.0f} ms; CPU {got['pass_cpu'] * 1000:.0f} ms "
          f"and {got['check_cpu'] * 1000:.0f} ms ({got['cpu_ratio']:.1f}x)")
    ratio = got["ratio"]
    print(f"target: kefulint check <= {TARGET:.0f}x python -c pass -> {ratio:.1f}x: "
          f"{'MET' if ratio <= TARGET else 'NOT MET'}")
    parts = breakdown(OUT / "coldvenv")
    print("\nwhere the time goes (non-editable install, -X importtime, fastest of 5 runs; importtime itself adds a little):")
    for name, ms in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {ms:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
