"""Golden tests: the bundled samples give exactly the stored output; clean replies give none.
Regenerate deliberately with: KEFULINT_REGEN=1 pytest tests/system/test_samples_golden.py"""
from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from kefulint.cli.main import cli

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _check_json(name: str) -> list:
    # run from samples/ so that ids (file:line) do not depend on where the repo lives
    cwd = os.getcwd()
    os.chdir(SAMPLES)
    try:
        r = CliRunner().invoke(cli, ["check", "--format", "json", name], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert r.exit_code in (0, 1)
    return json.loads(r.stdout)


def _golden(name: str) -> None:
    got = _check_json(name)
    expected = SAMPLES / f"{name}.expected.json"
    if os.environ.get("KEFULINT_REGEN"):
        expected.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))


def test_drafts_txt_golden():
    _golden("drafts.txt")


def test_drafts_jsonl_golden():
    _golden("drafts.jsonl")


def test_clean_replies_have_no_finding():
    flagged = [(m["id"], m["findings"]) for m in _check_json("clean_replies.txt") if m["findings"]]
    assert flagged == []


def test_labelled_sample_scores_perfectly():
    r = CliRunner().invoke(cli, ["eval", "--format", "json", str(SAMPLES / "labelled.jsonl")])
    data = json.loads(r.stdout)
    assert data["overall"]["precision"] == 1.0 and data["overall"]["recall"] == 1.0, data
