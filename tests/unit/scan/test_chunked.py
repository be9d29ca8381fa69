"""Chunks of raw lines parsed and judged by workers, their edge runs stitched by the parent, give
the skips, batches and reports of the grouping in one process, byte for byte: for logs whose
conversations come together, for logs where one comes back (the scan goes on the other way from
the first conversation not emitted), for long conversations, several files and other formats."""
from __future__ import annotations

import io
import json
import os
import random
from functools import partial

import pytest
from kefulint import Linter
from kefulint.cli.reporters.scan_findings import render_findings
from kefulint.scan import chunked, pipeline
from kefulint.scan.judge import ConversationJudge, group_conversations
from kefulint.scan.pipeline import Batch, Output, _batches, _judge_batch, scan_batches
from kefulint.scan.readers import LogReader, Skip, parse_chunk
from kefulint.scan.summary import ScanSummary, Thresholds

AGENT = ["有事打我电话13800138000", "您好，在的，请问有什么可以帮您", "好的亲，已经为您备注了", "加我微信abc12345吧",
         "感谢您的咨询，祝您购物愉快", "亲，这个价格是最低的了，绝对正品"]
BUYER = ["在吗", "能便宜点吗", "可以加你微信吗", "发什么快递", "多久能到"]


@pytest.fixture(scope="module")
def judge():
    return ConversationJudge(Linter.default())


def _output() -> Output:
    new_summary = partial(ScanSummary, Thresholds(points=3, period="day", counts={"contact": 1}), top=4)
    return Output(summary=new_summary, render=partial(render_findings, fmt="jsonl"), keep_records=3)


def _lines(seed: int, conversations: int, comeback: float, long_every: int = 0, after: int = 0) -> list[str]:
    """A JSONL log: conversations mostly together, one of the last eight coming back now and then
    (``comeback``, from conversation ``after`` on), a long one every ``long_every``, bad and blank
    lines among them."""
    rng = random.Random(seed)
    lines: list[str] = []
    t = 1730419200.5
    recent: list[str] = []
    for c in range(conversations):
        cid = rng.choice(recent) if c >= after and recent and rng.random() < comeback else f"c{c}"
        recent = (recent + [cid])[-8:]
        turns = 40 if long_every and c % long_every == long_every - 1 else rng.randint(1, 4)
        for _ in range(turns):
            for role, texts in (("buyer", BUYER), ("agent", AGENT)):
                t += rng.uniform(1, 80)
                lines.append(json.dumps({"conversation": cid, "role": role, "agent": "小美" if role == "agent" else "",
                                         "time": t, "text": rng.choice(texts)}, ensure_ascii=False))
                r = rng.random()
                if r < 0.03:
                    lines.append('{"conversation": "x", "role": "boss", "text": "?"}')
                elif r < 0.05:
                    lines.append("{not json")
                elif r < 0.06:
                    lines.append("")
    return lines


def _reference(judge, items, output, max_open, max_messages):
    """The grouping in one process, conversation by conversation."""
    skips, summary, rendered = [], output.summary(), []
    for item in group_conversations(items, max_open=max_open, max_messages=max_messages):
        if isinstance(item, Skip):
            skips.append(str(item))
            continue
        judged = judge.judge(item.messages, item.whole)
        summary.add(judged)
        if judged.turns:
            rendered.append(output.render([judged], False))
    return skips, summary.to_dict(), b"".join(rendered)


def _collect(stream, output):
    skips, summary, rendered = [], output.summary(), []
    for item in stream:
        if isinstance(item, Skip):
            skips.append(str(item))
        else:
            assert isinstance(item, Batch)
            summary.merge(item.summary)
            rendered.append(item.rendered)
    return skips, summary.to_dict(), b"".join(rendered)


def _chunked(judge, reader, output, lines, max_open, max_messages):
    """scan_chunks with the workers' part run here: what the pool runs, in order."""
    judge_batch = partial(_judge_batch, judge, output)
    packed = partial(_judge_batch, judge, output, packed=True)
    return _collect(chunked.scan_chunks(
        reader.chunks(lines), max_open, max_messages, judge_batch,
        run_chunks=lambda entries, local: (local(entry) for entry in entries),
        run_rest=lambda grouped: (b if isinstance(b, Skip) else packed(b) for b in _batches(grouped))), output)


@pytest.mark.parametrize(("seed", "comeback", "long_every", "after", "max_open", "lines"), [
    (1, 0.0, 0, 0, 5000, 7),  # together: every conversation one run
    (2, 0.0, 0, 0, 3, 5),  # together, few open at once
    (3, 0.0, 7, 0, 5000, 9),  # long conversations (over max_messages): the scan goes on the other way
    (4, 0.05, 0, 0, 4, 6),  # one comes back now and then, after it was closed
    (5, 0.3, 0, 0, 50, 11),  # often, while still open
    (6, 0.02, 0, 0, 3, 1),  # chunks of one line
    (7, 0.0, 0, 0, 2, 200),  # one chunk
    (8, 0.5, 0, 30, 3, 5),  # the scan goes on the other way after batches were emitted
    (9, 0.5, 0, 45, 4, 1),
    (10, 0.0, 37, 0, 3, 8),  # a long conversation after batches were emitted
])
def test_chunks_give_what_the_grouping_gives(tmp_path, judge, seed, comeback, long_every, after, max_open, lines):
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(_lines(seed, 60, comeback, long_every, after)) + "\n", encoding="utf-8")
    output = _output()
    want = _reference(judge, LogReader([str(path)]), output, max_open, 30)
    assert want[0] and want[1]["counts"]["findings"] > 20
    got = _chunked(judge, LogReader([str(path)]), output, lines, max_open, 30)
    assert got == want


def test_several_files_and_formats(tmp_path, judge):
    """A conversation may go on in the next file (its id is its key); a CSV file is parsed in the
    parent and sent as items; a missing file is a skip in its place."""
    first, second = _lines(11, 20, 0.0), _lines(12, 20, 0.0)
    second[0] = second[0].replace('"c0"', '"c19"')  # the last conversation of the first file goes on
    (tmp_path / "a.jsonl").write_text("\n".join(first), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(second) + "\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("conversation,role,agent,text\nk1,buyer,,在吗\nk1,agent,小美,有事打我电话13800138000\n"
                                    "k1,boss,,?\nk2,agent,阿强,您好\n", encoding="utf-8")
    inputs = [str(tmp_path / n) for n in ("a.jsonl", "missing.jsonl", "c.csv", "b.jsonl")]
    output = _output()
    want = _reference(judge, LogReader(inputs), output, 5000, 5000)
    for lines in (3, 1000):
        assert _chunked(judge, LogReader(inputs), output, lines, 5000, 5000) == want


@pytest.mark.parametrize("comeback", [0.0, 0.1])
def test_in_a_pool(tmp_path, judge, monkeypatch, comeback):
    """The CLI's path: scan_batches on a LogReader with two workers."""
    monkeypatch.setattr(chunked, "CHUNK_LINES", 13)
    monkeypatch.setattr(pipeline, "CHUNK_LINES", 13)
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(_lines(21, 80, comeback)) + "\n", encoding="utf-8")
    output = _output()
    want = _reference(judge, LogReader([str(path)]), output, 6, 5000)
    got = _collect(scan_batches(LogReader([str(path)]), judge, output, jobs=2, max_open=6), output)
    assert got == want
    assert _collect(scan_batches(LogReader([str(path)]), judge, output, jobs=1, max_open=6), output) == want


class _FailingFile(io.RawIOBase):
    """A file whose bytes from ``at`` on cannot be read (a bad sector)."""

    def __init__(self, data: bytes, at: int) -> None:
        self.data, self.at, self.pos = data, at, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else (self.pos + offset if whence == 1 else len(self.data) + offset)
        return self.pos

    def readinto(self, buffer) -> int:
        end = min(self.pos + len(buffer), len(self.data))
        if end > self.at:
            raise OSError(5, "Input/output error")
        buffer[: end - self.pos] = self.data[self.pos : end]
        n, self.pos = end - self.pos, end
        return n

    def fileno(self) -> int:
        return 0  # os.fstat is patched


@pytest.mark.parametrize("at", [9000, 20000, 45000])
def test_a_read_error_in_chunks_is_the_read_error_line_by_line(tmp_path, monkeypatch, at):
    """Chunks of a plain file are read without a step per line; after a read error the lines before
    it and its skip are those of the file read a line at a time."""
    data = ("\n".join(_lines(31, 120, 0.0)) + "\n").encode("utf-8")
    assert len(data) > at
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)

    def flaky(self, name):
        raw = io.BufferedReader(_FailingFile(data, at))
        return raw, raw

    monkeypatch.setattr(LogReader, "_open", flaky)
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((0,) * 10))
    want = list(LogReader([str(path)]))
    assert str(want[-1]).endswith("read error: [Errno 5] Input/output error")
    for lines in (7, 300):
        reader = LogReader([str(path)])
        assert [item for chunk in reader.chunks(lines) for item in parse_chunk(chunk)] == want
