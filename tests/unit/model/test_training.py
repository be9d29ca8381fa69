"""Training: reproducible byte for byte, the held-out part never read, the reviewed real replies
left out. Trains on a small subset so that it stays fast."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from kefulint.errors import ModelError
from kefulint.model import training
from kefulint.model.weights import Model
from kefulint.rules.resolve import resolve_rules
from kefulint.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SMALL = replace(training.TrainOptions(), folds=2, min_positives=3, common_chars=10)


def _small_sets() -> tuple[list, list]:
    labelled = training.read_labelled(ROOT / "tests" / "data" / "extra_labelled.jsonl")
    labelled += training.rule_examples(resolve_rules(Settings()))[:120]
    clean = (ROOT / "samples" / "clean_replies.txt").read_text(encoding="utf-8").splitlines()
    real = [training.Sample(t, frozenset(), "clean_replies.txt") for t in clean if t.strip()] * 3
    return labelled, real


def test_the_same_data_gives_the_same_file():
    labelled, real = _small_sets()
    first = training.train(labelled, real, SMALL, {"note": "test"})
    second = training.train(list(labelled), list(real), SMALL, {"note": "test"})
    assert first.text == second.text
    model = Model.loads(first.text)
    assert model.categories and model.dumps() == first.text
    assert model.meta["note"] == "test" and model.meta["options"]["seed"] == SMALL.seed
    # every category's out-of-fold probability of each real reply; its largest is the one reported
    assert first.out_of_fold_all.keys() == first.out_of_fold.keys()
    for text, (category, p) in first.out_of_fold.items():
        probs = first.out_of_fold_all[text]
        assert len(probs) == len(model.categories) and max(probs) == pytest.approx(p)
        assert probs[model.categories.index(category)] == pytest.approx(p)


def test_holdout_split_is_the_leads():
    for line_id in ("d001", "x01", "L001", "q-17"):
        digest = int(hashlib.sha256(("kefulint-holdout-2026" + line_id).encode()).hexdigest(), 16)
        assert training.holdout_part(line_id) == ("holdout" if digest % 100 >= 70 else "tune")


def test_the_holdout_part_is_not_read(tmp_path):
    lines = [{"id": f"t{i}", "text": f"第{i}条", "labels": []} for i in range(200)]
    path = tmp_path / "later.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    tune = training.read_labelled(path, tune_only=True)
    expected = [x["text"] for x in lines if training.holdout_part(x["id"]) == "tune"]
    assert [s.text for s in tune] == expected and 100 < len(tune) < 180
    assert len(training.read_labelled(path)) == 200


def test_the_writers_sets_are_trained_on_but_never_their_final_ones(tmp_path):
    writers = tmp_path / training.WRITERS
    (writers / "final").mkdir(parents=True)
    (writers / "round5").mkdir()
    for name in ("authorB.jsonl", "authorA.jsonl", "final/authorG.jsonl", "final/author5E.jsonl",
                 "round5/author5A.jsonl", "README.md"):
        (writers / name).write_text("", encoding="utf-8")
    assert [p.name for p in training.writers_sets(tmp_path)] == ["authorA.jsonl", "authorB.jsonl", "author5A.jsonl"]
    shipped = training.writers_sets(ROOT)
    assert len(shipped) >= 30 and all(p.parent.name in ("writers", "round5") for p in shipped)


@pytest.mark.skipif(not (ROOT.parent / "shared" / training.REAL).is_file(), reason="needs ../shared")
def test_tune_only_sets_give_their_tune_part_alone(tmp_path):
    lines = [{"id": f"w{i}", "text": f"第{i}条回复", "labels": ["contact.qq"] if i % 2 else []} for i in range(40)]
    path = tmp_path / "authorQ.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    labelled, _, provenance = training.shipped_data(ROOT.parent / "shared", [], [], [path])
    mine = [s.text for s in labelled if s.source == path.name]
    assert mine == [x["text"] for x in lines if training.holdout_part(x["id"]) == "tune"]
    assert provenance["sources"][path.name]["used"] == len(mine) < 40


def test_reviewed_real_replies_are_left_out_and_checked(tmp_path):
    path = tmp_path / "real.jsonl"
    texts = ["您好", "不清楚", "[数字x]件已发出，[姓名x]师傅配送", "不清楚"]
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    reviewed = {2: (training.text_hash("不清楚"), "etiquette: the whole reply is 不清楚")}
    real = training.read_negatives(path, reviewed)
    assert [s.text for s in real] == ["您好", texts[2]]  # the copy of line 2 goes too
    with pytest.raises(ModelError, match="not the reply that was reviewed"):
        training.read_negatives(path, {1: ("000000000000", "?")})
    with pytest.raises(ModelError, match="real.jsonl:9: not the reply"):
        training.read_negatives(path, {9: ("000000000000", "?")})


def test_rule_examples_copied_from_a_labelled_line_are_left_out():
    rules = resolve_rules(Settings())
    every = training.rule_examples(rules)
    first = every[0].text
    assert all(s.text != first for s in training.rule_examples(rules, [first + " "]))
