"""The segmenter's partial dictionary (text/jiebadict.py) gives rjieba's own tokens."""
from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest
from kefulint.text import jiebadict
from kefulint.text.normalize import Normalized
from kefulint.text.segment import Segmenter

rjieba = pytest.importorskip("rjieba")
SHARED = Path(__file__).resolve().parents[3].parent / "shared"

TEXTS = [
    "亲，这款是全网最好的，第一品牌哦",
    "我们中出了一个叛徒",
    "亲亲亲在的呢，有什么可以帮您",
    "加我vx abc123 有优惠",
    "发货时间是48小时内，iPhone15Pro也一样",
    "南京市长江大桥",
    "",
    "a",
    "，。！",
]


@pytest.fixture(scope="module")
def index_folder(tmp_path_factory):
    return str(tmp_path_factory.mktemp("jieba-index"))


def test_tokens_as_rjieba_for_each_text_alone_and_in_turn(index_folder):
    cut = jiebadict.partial_cut(index_folder)
    assert cut is not None
    index = jiebadict.DictionaryIndex(glob.glob(index_folder + "/jieba-*.idx")[0])
    texts = list(TEXTS)
    jd = SHARED / "data" / "jddc_agent_utterances" / "agent_utterances.jsonl"
    if jd.exists():
        with open(jd, encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for _, line in zip(range(400), fh, strict=False)]
    for text in texts:
        for form in (text, Normalized(text).compact):
            want = rjieba.cut(form, False)
            assert jiebadict.PartialJieba(index).cut(form) == want, form  # a dictionary of its words only
            assert cut(form) == want, form  # a dictionary grown over every text before it


def test_index_reads_the_dictionary_as_jieba_rs_does(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("甲乙 5 n\n丙 3\n甲乙 7\n丁\n\n", encoding="utf-8")
    jiebadict.build_index(str(source), str(tmp_path / "x.idx"))
    index = jiebadict.DictionaryIndex(str(tmp_path / "x.idx"))
    assert (index.words, index.total, index.longest) == (3, 10, 2)  # the last 甲乙 counts; 丁 has 0
    assert index.lookup("甲") == (None, True)
    assert index.lookup("甲乙") == (7, False)
    assert index.lookup("丁") == (0, False)
    assert index.lookup("戊") == (None, False)
    index.close()


def test_segmenter_uses_it_only_with_an_index_folder(index_folder, monkeypatch):
    monkeypatch.delenv("KEFULINT_SEGMENTER", raising=False)
    with_index = Segmenter((), index_folder)
    assert with_index.cut("最好的第一次") == rjieba.cut("最好的第一次", False)
    assert isinstance(getattr(with_index._cut, "__self__", None), jiebadict.PartialJieba)
    assert not isinstance(getattr(Segmenter(())._load(), "__self__", None), jiebadict.PartialJieba)


def test_an_index_cut_short_is_made_again(tmp_path):
    folder = tmp_path / "cache"
    assert jiebadict.partial_cut(str(folder)) is not None
    (path,) = folder.glob("jieba-*.idx")
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])
    with pytest.raises(ValueError):
        jiebadict.DictionaryIndex(str(path))
    cut = jiebadict.partial_cut(str(folder))
    assert cut is not None and cut("最好的第一次") == rjieba.cut("最好的第一次", False)
    assert path.read_bytes() == whole


def test_a_new_index_replaces_the_old_ones(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "jieba-00000000-1-1.idx").write_bytes(b"old")
    (folder / "rules-x.json").write_bytes(b"kept")
    assert jiebadict.partial_cut(str(folder)) is not None
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and "rules-x.json" in names and "jieba-00000000-1-1.idx" not in names
