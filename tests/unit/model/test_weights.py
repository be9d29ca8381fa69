"""The review model's runtime: features, the weights file, the fast packed sums against a plain
reference, and the shipped file itself."""
from __future__ import annotations

import math
import random

import pytest
from kefulint.errors import ModelError
from kefulint.model.features import locate, model_text, occurrences
from kefulint.model.weights import THRESHOLD, UNIT, Model, shipped_model
from kefulint.text.normalize import Normalized


def test_digit_runs_become_length_marks():
    assert model_text("加我13800138000") == "加我###"
    assert model_text("qq12345678") == "qq##"
    assert model_text("满199减30") == "满#减#"
    assert model_text("没有数字") == "没有数字"


def test_jd_corpus_placeholders_read_as_what_they_stand_for():
    assert model_text(Normalized("[数字x]件已发出，[姓名x]师傅 电话[电话x]").compact) == "#件已发出师傅电话#"
    assert model_text(Normalized("QQ:[数字x]").compact) == "qq#"
    assert model_text(Normalized("2[数字x]元").compact) == "#元"
    assert model_text("xx大促") == "xx大促"


def test_occurrences_count_every_position():
    occ = occurrences("亲亲加我加我", 1, 3)
    assert occ["加我"] == 2 and occ["亲"] == 2 and occ["亲亲加"] == 1 and occ["我加我"] == 1
    assert sum(occ.values()) == 6 + 5 + 4
    assert occurrences("", 1, 3) == {} and occurrences("ab", 2, 3) == {"ab": 1}


def test_locate_maps_back_to_the_original_text():
    text = "亲，加 我 V：13800138000 哦"
    norm = Normalized(text)
    start, end = locate(norm, "v###")
    assert text[start:end] == "V：13800138000"
    start, end = locate(norm, "加我")
    assert text[start:end] == "加 我"
    assert locate(norm, "不在") is None


def _tiny() -> Model:
    return Model(("contact.wechat", "review.manipulation"), (-1.0, -0.5),
                 {"加我": {0: 2.5}, "微": {0: 0.75, 1: -0.25}, "好评": {1: 3.0}, "亲": {0: -0.5, 1: -0.5},
                  "#": {1: 0.1}})


def _reference_logits(model: Model, text: str) -> list[float]:
    """The definition, written plainly: weight times occurrences, over sqrt(length)."""
    sums = [0.0] * len(model.categories)
    for gram, n in occurrences(text, model.shortest, model.longest).items():
        for i, w in model.table.get(gram, ()):
            sums[i] += w * n
    return [b + s / math.sqrt(len(text)) if text else b for b, s in zip(model.bias, sums, strict=False)]


def test_packed_sums_equal_the_plain_definition():
    model = _tiny()
    rng = random.Random(7)
    alphabet = "亲加我微信好评返现1234"
    texts = ["", "亲", "加我微信", "好评好评好评返现"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60))) for _ in range(300)
    ] + ["加我" * 1500]  # longer than the precomputed cut-offs
    for text in texts:
        mt = model_text(text)
        got = model.logits(mt)
        want = _reference_logits(model, mt)
        assert got == pytest.approx(want, abs=1e-9), text
        mask = model.flagged(mt)
        for i, z in enumerate(want):
            assert bool(mask >> i & 1) == (z >= -1e-9), (text, i, z)


def test_verdicts_name_the_heaviest_ngrams():
    model = _tiny()
    [v] = model.verdicts(Normalized("加我微信"))
    assert v.category == "contact.wechat" and v.probability >= THRESHOLD
    assert v.grams[0][0] == "加我"
    assert model.verdicts(Normalized("亲，您好")) == []
    every = model.verdicts(Normalized("亲，您好"), every=True)
    assert [v.category for v in every] == ["review.manipulation", "contact.wechat"]  # most probable first


def test_the_file_round_trips_byte_for_byte():
    model = _tiny()
    text = model.dumps({"note": "tiny"})
    again = Model.loads(text)
    assert again.dumps() == text
    assert again.table == model.table and again.bias == model.bias and again.meta == {"note": "tiny"}


@pytest.mark.parametrize("text, message", [
    ("format\t1\ncategory\t0\ta\t1.0\nx\t3:1.0\n", "no category 3"),
    ("format\t2\n", "format 2, expected 1"),
    ("format\t1\ncategory\t1\ta\t1.0\n", "categories out of order"),
])
def test_a_malformed_file_says_where(text, message):
    with pytest.raises(ModelError) as exc:
        Model.loads(text, "m.tsv")
    assert message in exc.value.errors[0] and exc.value.errors[0].startswith("m.tsv")


def test_the_shipped_file_is_small_and_sound():
    from importlib import resources

    data = resources.files("kefulint").joinpath("data/model.tsv").read_bytes()
    assert len(data) < 2_000_000
    model = shipped_model()
    assert model.categories and all(c.count(".") == 1 for c in model.categories)
    assert all(w == round(w, 4) and round(w * UNIT) == w * UNIT or abs(round(w * UNIT) - w * UNIT) < 1e-6
               for row in model.table.values() for _, w in row)
    assert Model.loads(data.decode("utf-8")).dumps(model.meta) == data.decode("utf-8")
