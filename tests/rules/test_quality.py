"""Quality gates on labelled data: the dev set from ../shared (present in CI) and the labelled sets
in tests/data. (The false-alarm rate on 18,246 real JD agent replies, the whole corpus:
tests/system/test_jd_false_alarms.py.)"""
from __future__ import annotations

from conftest import shared_path
from kefulint.evaluation import evaluate, keyword_predictor, linter_predictor, read_items


def test_dev_set_precision_recall(linter):
    with open(shared_path("eval", "dev.jsonl"), encoding="utf-8") as fh:
        items, problems = read_items(fh)
    assert not problems and len(items) == 150
    report = evaluate(items, linter_predictor(linter))
    assert report.overall.precision >= 0.97, report.as_dict()["false_alarms"]
    assert report.overall.recall >= 0.95, report.as_dict()["misses"]
    for cat, score in report.per_category.items():
        assert score.precision >= 0.9 and score.recall >= 0.9, cat
    # what normalization and context buy over a plain keyword filter on the same phrases
    baseline = evaluate(items, keyword_predictor(linter))
    assert baseline.overall.f1 < report.overall.f1 - 0.3


def test_extra_labelled_set(linter):
    """70 replies written after the dev set to check that the rules generalise. First runs, before
    any rule change: 40 replies at precision 0.83 / recall 0.65, then 30 more at 1.00 / 0.78; the
    gaps were closed by general rules (variants, phrasings), not per-sentence ones."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "extra_labelled.jsonl"
    with open(path, encoding="utf-8") as fh:
        items, problems = read_items(fh)
    assert not problems
    report = evaluate(items, linter_predictor(linter))
    assert report.overall.precision == 1.0, report.as_dict()["false_alarms"]
    assert report.overall.recall == 1.0, report.as_dict()["misses"]


def test_second_extra_labelled_set(linter):
    """269 replies written during issue 10, after the frames and vocabularies, to see what they
    miss on wording they were not written from (first runs: 60 replies at precision 0.955 /
    recall 0.913, then 44 at 0.935 / 0.806, then 15 long replies at 1.000 / 0.667, then 40 at
    1.000 / 0.618, then 40 more at 0.882 / 0.484 — one label corrected after —, then 30 at 0.933 / 0.583, then 20 evasions at 0.941 / 0.800 — one label corrected after —, then 20 context replies at
    1.000 / 0.700). The misses were
    closed by vocabulary and frame changes, checked each time against the 18,246 JD replies; the
    set is now a regression test."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "extra_labelled_2.jsonl"
    with open(path, encoding="utf-8") as fh:
        items, problems = read_items(fh)
    assert not problems and len(items) == 269
    report = evaluate(items, linter_predictor(linter))
    assert report.overall.precision >= 0.98, report.as_dict()["false_alarms"]
    assert report.overall.recall >= 0.98, report.as_dict()["misses"]
