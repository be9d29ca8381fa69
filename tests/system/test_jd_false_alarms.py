"""Quality gate on real data from ../shared (present in CI): the false-alarm rate at error on all
18,246 real JD agent replies. (The labelled sets: tests/rules/test_quality.py.)"""
from __future__ import annotations

import json

from conftest import shared_path
from kefulint import Linter, Settings, Severity


def test_jddc_false_alarm_rate_at_error():
    jd = Linter.from_settings(Settings(platform="jd"))
    n = flagged = 0
    with open(shared_path("data", "jddc_agent_utterances", "agent_utterances.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            n += 1
            if any(f.severity is Severity.ERROR for f in jd.check(json.loads(line)["text"]).findings):
                flagged += 1
    assert n == 18246
    assert flagged / n <= 0.003, flagged
