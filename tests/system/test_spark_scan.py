"""samples/spark_scan.py in Spark local mode on the JDDC sample gives the same findings and
per-agent totals as ``kefulint scan`` (needs the ``kefulint[spark]`` extra and Java 17)."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JDDC = ROOT.parent / "shared" / "data" / "jddc2019_sample" / "chat_0.1per.txt"
KEFULINT = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")

pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e '.[spark]')")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17"),
    pytest.mark.skipif(not JDDC.exists(), reason="../shared/data/jddc2019_sample is not beside the repo"),
]


def _canonical(record: dict) -> str:
    record = dict(record)
    seconds = record.get("seconds")
    record["seconds"] = None if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)) else seconds
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def test_spark_job_equals_kefulint_scan(tmp_path):
    out = tmp_path / "spark"
    job = subprocess.run(
        [sys.executable, str(ROOT / "samples" / "spark_scan.py"), str(JDDC), str(out), "--input-format", "jddc"],
        cwd=ROOT, capture_output=True, timeout=600, check=False,
        env={**__import__("os").environ, "KEFULINT_SPARK_PARTITIONS": "4"},
    )
    assert job.returncode == 0, job.stderr.decode()[-3000:]
    local = tmp_path / "local.jsonl"
    summary = tmp_path / "summary.json"
    scan = subprocess.run([KEFULINT, "scan", str(JDDC), "--input-format", "jddc", "-q", "-o", str(local),
                           "--summary-json", str(summary)], cwd=ROOT, capture_output=True, timeout=600, check=False)
    assert scan.returncode in (0, 1), scan.stderr.decode()

    spark_records = [json.loads(line) for part in sorted((out / "findings").glob("part-*.json"))
                     for line in part.read_text(encoding="utf-8").splitlines()]
    local_records = [json.loads(line) for line in local.read_text(encoding="utf-8").splitlines()]
    assert len(local_records) > 100
    assert sorted(map(_canonical, spark_records)) == sorted(map(_canonical, local_records))

    totals = [json.loads(line) for part in sorted((out / "agents").glob("part-*.json"))
              for line in part.read_text(encoding="utf-8").splitlines()]
    expected = json.loads(summary.read_text(encoding="utf-8"))["agents"]
    assert {(t["agent"] or "(未标明)", t["points"], t["findings"], t["fatal"], t["turns"]) for t in totals} == {
        (a["agent"], a["points"], a["findings"], a["fatal"], a["turns"]) for a in expected}
    skipped = [p for p in (out / "skipped").glob("part-*.json") if p.read_text(encoding="utf-8").strip()]
    assert skipped == []
