"""The fast JSONL path (orjson straight from the bytes, where installed) reads every line into the
same message or the same skip as the json module does."""
from __future__ import annotations

import json
import random

import pytest
from kefulint.scan import readers
from kefulint.scan.readers import LogFormat, LogReader

pytest.importorskip("orjson")

EDGE_LINES = [
    b'{"conversation": "c1", "role": "agent", "time": 1730419200, "text": "\xe6\x82\xa8\xe5\xa5\xbd"}',
    b'{"role": "agent", "text": "a", "text": "b"}',  # a key twice: the last wins
    b'{"role": "agent", "text": "a", "time": NaN}',
    b'{"role": "agent", "text": "a", "time": Infinity}',
    b'{"role": "agent", "text": "a", "time": 1e400}',
    b'{"role": "agent", "text": "a", "time": 123456789012345678901234567890}',
    b'{"role": "agent", "text": 18446744073709551616}',  # past 64 bits: orjson gives a float
    b'{"role": "agent", "text": "a", "time": 18446744073709551617}',
    b'{"role": "agent", "text": "a", "time": 9007199254740993}',
    b'{"role": "agent", "text": "a", "time": -18446744073709551617}',
    b'{"role": "agent", "text": "a", "conversation": 99999999999999999999999, "agent": 1e2}',
    b'{"role": "agent", "text": "a", "time": 99999999999999999999}',  # a bad time: the reason quotes it
    b'{"role": "agent", "text": "a", "time": 1e19}',
    b'{"role": "agent", "text": 12.5, "agent": -1e300}',
    b'{"role": "agent", "text": -0}',
    b'{"role": "agent", "text": -0.0}',
    b'{"role": "agent", "text": 1.0000000000000002}',
    b'{"role": "agent", "text": "\\ud800 lone"}',
    b'{"role": "agent", "text": "\\u4f60\\u597d \\ud83d\\ude00"}',
    b'{"role": "agent", "text": "tab\there"}',
    b'{"role": "agent", "text": "nul\x00"}',
    b'{"role": 1, "text": true}',
    b'{"role": true, "text": null}',
    b'{"role": "buyer", "text": "a",}',
    b'{"role": "buyer", "text": "a"} trailing',
    b'[1, 2]',
    b'"just a string"',
    b'',
    b'   ',
    b'\xff\xfe not utf-8',
    b'{"role": "agent", "text": "\xe4\xbd"}',
    b'[' * 2000 + b']' * 2000,
    b'{"role": "agent", "text": "a", "time": "2024/1/5 9:03:00", "agent": 7, "conversation": 12.5}',
    b'\t{"role": "agent", "text": "spaces around"}  ',
    b'{"role": "agent", "text": "x"}\r',
    # read by the common line's path: string times good and bad, empty ids, roles written otherwise
    b'{"conversation": "", "agent": "", "role": " Agent ", "text": "a", "time": "2024-11-11 10:00:01"}',
    b'{"conversation": "c1", "role": "agent", "text": "a", "time": "2024-13-01"}',
    b'{"conversation": "c1", "role": "agent", "text": "a", "time": ""}',
    b'{"conversation": "c1", "role": "agent", "text": "a", "time": true}',
    b'{"conversation": "c1", "role": "agent", "text": "a", "time": 1e12}',
    b'{"conversation": "c1", "role": "agent", "text": "a", "time": -5}',
    b'{"conversation": "c1", "role": "robot", "text": "a", "time": 1}',
    b'{"conversation": "c1", "role": "agent", "text": "", "time": 1}',
]


def _read(path, fast: bool, monkeypatch) -> list:
    if not fast:
        monkeypatch.setattr(readers, "BYTES_LOADS", None)
    reader = LogReader([str(path)], LogFormat(format="jsonl"))
    items = list(reader)
    monkeypatch.undo()
    return [*items, reader.lines, reader.files]


def _mutations(lines: list[bytes], n: int, seed: int = 14) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        data = bytearray(rng.choice(lines))
        for _ in range(rng.randint(1, 3)):
            if data:
                i = rng.randrange(len(data))
                op = rng.random()
                if op < 0.4:
                    data[i] = rng.choice(b'{}[]",:\\0123456789eE.-+ tnfu\x80\xe4')
                elif op < 0.7:
                    del data[i]
                else:
                    data.insert(i, rng.randrange(256))
        out.append(bytes(data))
    return out


@pytest.mark.parametrize("bom", [False, True])
def test_fast_path_reads_what_json_reads(tmp_path, monkeypatch, bom):
    real = [json.dumps({"conversation": f"c{i}", "role": ("agent", "buyer", "客服", 0, "robot")[i % 5],
                        "agent": "小美", "time": 1730419200.5 + i, "text": f"第{i}条 加我微信abc{i}"},
                       ensure_ascii=i % 2 == 0).encode() for i in range(50)]
    lines = EDGE_LINES + real + _mutations(EDGE_LINES + real, 1500)
    path = tmp_path / "log.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n")
    fast, plain = _read(path, True, monkeypatch), _read(path, False, monkeypatch)
    assert len(fast) == len(plain) > 1000
    for got, expected in zip(fast, plain, strict=True):
        assert repr(got) == repr(expected)  # repr: a NaN time equals itself, -0.0 is not 0


# rows whose columns change from line to line: a field's first name beside a later one (text and
# content), the later one alone, extra keys, keys in another order, a mapped column
SWITCHING = [
    b'{"conversation": "c1", "role": "agent", "agent": "a", "time": 1730419200.5, "text": "t1"}',
    b'{"conversation": "c1", "role": "agent", "agent": "a", "time": 1730419201.5, "text": "t2", "content": "c2"}',
    b'{"conversation": "c1", "role": "agent", "agent": "a", "time": 1730419202.5, "content": "c3"}',
    b'{"conversation": "c1", "role": "agent", "agent": "a", "time": 1730419203.5, "content": "c4", "msg": "m4"}',
    b'{"conversation": "c1", "role": "agent", "agent": "a", "time": 1730419204.5, "msg": "m5", "text": "t5"}',
    b'{"conversation": "c1", "sender": "buyer", "role": "agent", "time": 1730419205.5, "text": "t6"}',
    b'{"conversation": "c1", "sender": "buyer", "time": 1730419206.5, "text": "t7", "content": "c7"}',
    b'{"text": "t8", "time": 1730419207.5, "role": "agent", "conversation": "c2", "agent": "b"}',
    b'{"session_id": "s9", "conversation": "c9", "role": "agent", "agent": "a", "time": 1730419208.5, "text": "t9"}',
    b'{"session_id": "s10", "role": "agent", "agent": "a", "time": 1730419209.5, "text": "t10"}',
]


@pytest.mark.parametrize("mapping", [{}, {"text": "content"}, {"conversation": "session_id", "role": "sender"}])
def test_chunks_read_what_json_reads_when_the_columns_change(tmp_path, monkeypatch, mapping):
    """Lines parsed a chunk at a time (the scan's workers) read the same as the json module, however
    each line's keys pick its columns."""
    rng = random.Random(5)
    lines = [rng.choice(SWITCHING + EDGE_LINES[:3]) for _ in range(400)]
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    fmt = LogFormat(format="jsonl", mapping=mapping)
    monkeypatch.setattr(readers, "BYTES_LOADS", None)
    plain = list(LogReader([str(path)], fmt))
    monkeypatch.undo()
    for size in (1, 7, 500):
        chunked = [item for chunk in LogReader([str(path)], fmt).chunks(size) for item in readers.parse_chunk(chunk)]
        assert repr(chunked) == repr(plain)
