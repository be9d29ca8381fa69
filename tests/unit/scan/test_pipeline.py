"""The scan pipeline: batches judged, totalled and rendered (in workers or not) give what judging
the conversations one by one gives, byte for byte; times and periods formatted as datetime does."""
from __future__ import annotations

import gc
import json
import random
from datetime import UTC, datetime
from functools import partial

import pytest
from kefulint import Linter, Settings
from kefulint.cli.reporters.scan_findings import render_findings, render_records
from kefulint.scan import pipeline
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.pipeline import Output, finding_records, judge_stream, scan_batches
from kefulint.scan.readers import LogReader, Message, Skip, format_time
from kefulint.scan.records import add_finding_lines
from kefulint.scan.summary import ScanSummary, Thresholds, _period_and_day, period_key

# flagged by the rules, by the review model only (several with the same probability, so the
# review queue's order among equals counts), and clean
AGENT_TEXTS = ["有事打我电话13800138000", "加我微信abc12345吧", "亲，这个价格是最低的了，绝对正品",
               "手机164-7004-2133随时找我", "手机140-2507-0479随时找我", "手机160-8043-5615随时找我",
               "加我微信 tb286", "您好，在的，请问有什么可以帮您", "好的亲，已经为您备注了", "感谢您的咨询，祝您购物愉快"]
BUYER_TEXTS = ["在吗", "能便宜点吗", "可以加你微信吗", "发什么快递", "我要开发票", "多久能到"]


def _log(n_conversations: int, seed: int = 7) -> list[Message | Skip]:
    rng = random.Random(seed)
    items: list[Message | Skip] = []
    t = 1730419200.123456
    line = 0
    for c in range(n_conversations):
        agent = rng.choice(["小美", "阿强", ""])
        for _ in range(rng.randint(1, 5)):
            for role, texts in (("buyer", BUYER_TEXTS), ("agent", AGENT_TEXTS)):
                line += 1
                t += rng.uniform(0.1, 90.0)
                when = None if rng.random() < 0.1 else t
                items.append(Message("log", line, f"c{c:03d}", role, agent if role == "agent" else "", when,
                                     rng.choice(texts)))
        if rng.random() < 0.2:
            line += 1
            items.append(Skip("log", line, "invalid JSON"))
    return items


@pytest.fixture(scope="module")
def judge():
    return ConversationJudge(Linter.from_settings(Settings(model=True)))


def _one_by_one(judge, items, new_summary, render, show_matches):
    summary = new_summary()
    records = []
    for item in judge_stream(items, judge, jobs=1):
        if isinstance(item, Skip):
            summary.add_skip(item)
        else:
            summary.add(item)
            records.extend(finding_records(item, show_matches))
    return summary.to_dict(), render(records), records


def _in_batches(judge, items, new_summary, render, show_matches, jobs):
    summary = new_summary()
    text, records = [], []
    output = Output(summary=new_summary, render=render, show_matches=show_matches, keep_records=5)
    for item in scan_batches(items, judge, output, jobs=jobs):
        if isinstance(item, Skip):
            summary.add_skip(item)
        else:
            summary.merge(item.summary)
            text.append(item.rendered)
            records.extend(item.records)
    return summary.to_dict(), b"".join(text), records


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("show_matches", [False, True])
def test_batches_merged_in_order_are_the_scan_one_by_one(judge, monkeypatch, fmt, show_matches):
    monkeypatch.setattr(pipeline, "BATCH_MESSAGES", 7)  # many batches, conversations across them
    items = _log(60)
    thresholds = Thresholds(points=3, period="day", counts={"contact": 1})
    new_summary = partial(ScanSummary, thresholds, top=3, review=3, show_matches=show_matches)
    summary, text, records = _one_by_one(judge, items, new_summary, partial(render_records, fmt=fmt), show_matches)
    assert summary["review"]["flagged"] > 3 and summary["counts"]["findings"] > 20 and summary["counts"]["skipped"]
    render = partial(render_findings, fmt=fmt)
    for jobs in (1, 2):
        got_summary, got_text, got_records = _in_batches(judge, items, new_summary, render, show_matches, jobs)
        assert got_summary == summary
        assert json.dumps(got_summary, ensure_ascii=False) == json.dumps(summary, ensure_ascii=False)
        assert got_text == text
        assert got_records and all(r in records for r in got_records)  # each batch's first few, for HTML


def test_what_the_caller_froze_stays_frozen(judge, monkeypatch):
    """A scan freezes what exists before it (no collection walks the compiled rules) and unfreezes it
    after, but never what its caller froze (a pre-fork server, this test session): unfreezing cannot
    tell the two apart."""
    monkeypatch.setattr(pipeline, "BATCH_MESSAGES", 20)
    new_summary = partial(ScanSummary, Thresholds(points=3, period="day", counts={}), top=3, review=3)
    items = _log(3)
    gc.freeze()
    frozen = gc.get_freeze_count()
    _in_batches(judge, items, new_summary, partial(render_findings, fmt="jsonl"), False, 1)
    assert gc.get_freeze_count() >= frozen
    gc.unfreeze()
    try:
        _in_batches(judge, items, new_summary, partial(render_findings, fmt="jsonl"), False, 1)
        assert gc.get_freeze_count() == 0
        many = _log(40)  # several batches: a pool forked after the first, what it made frozen meanwhile
        _in_batches(judge, many, new_summary, partial(render_findings, fmt="jsonl"), False, 2)
        assert gc.get_freeze_count() == 0
        list(judge_stream(many, judge, jobs=2))
        assert gc.get_freeze_count() == 0
    finally:
        gc.freeze()  # the session's objects frozen again, as the shared conftest left them


def test_records_rendered_as_json_dumps_writes_them(judge):
    records = [r for item in judge_stream(_log(20), judge) if not isinstance(item, Skip)
               for r in finding_records(item)]
    assert records
    assert render_records(records, "jsonl").decode("utf-8") == "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                                       for r in records)


def test_time_and_period_formatted_as_datetime_does():
    rng = random.Random(14)
    values = [0.0, 0.9999995, 0.9999994, 86399.9999996, 1730419200.4999995, 1730419199.9999999, 253402300799.0]
    # around where utc_second starts rounding the fraction (0.9999), and whole seconds given as ints
    values += [0.9999, 0.99990001, 0.99995, 1730419200.9999, 1730419200.99990005, 59.99999949, 1730419200, 86399]
    values += [rng.uniform(0, 4e9) for _ in range(5000)]
    values += [float(rng.randrange(0, 4 * 10**9)) + rng.choice([0.5, 0.9999995, 0.0000005, 0.999999]) for _ in range(2000)]
    for seconds in values:
        dt = datetime.fromtimestamp(seconds, UTC)
        assert format_time(seconds) == dt.strftime("%Y-%m-%d %H:%M:%S"), seconds
        year, week, _ = dt.isocalendar()
        assert period_key(seconds, "day") == dt.strftime("%Y-%m-%d")
        assert period_key(seconds, "week") == f"{year}-W{week:02d}"
        assert period_key(seconds, "month") == dt.strftime("%Y-%m")
    for seconds in [None, -1e9, *values[:200]]:
        for period in ("day", "week", "month", "year", "all"):  # read once by ScanSummary.add
            assert _period_and_day(seconds, period) == (period_key(seconds, period), period_key(seconds, "day"))
    assert format_time(None) == ""


@pytest.mark.parametrize("show_matches", [False, True])
def test_jsonl_lines_are_the_records_json_dumps_writes(judge, show_matches):
    """The JSONL report is written straight from the findings: each line what json.dumps makes of
    the record, also for quotes, backslashes, control characters, emoji and non-BMP ids."""
    odd = ['他说"加我微信abc12345"\\n', "tab\there\x01\x1f\x7f", "手机13800138000\u2028好的", "𠀋🌟加QQ 5738201946"]
    items = [*_log(20)]
    line = len(items)
    for i, text in enumerate(odd):
        for role, said in (("buyer", text), ("agent", text)):
            line += 1
            items.append(Message('src "q"\\', line, f'c"{i}\\\n🌟', role, "小\"美" if role == "agent" else "",
                                 1730419200.5 + line, said))
    # one conversation whose agent and source change from turn to turn (each quoted where it changes)
    for n, (agent, source) in enumerate([("甲", "a.jsonl"), ('乙"', "a.jsonl"), ('乙"', 'b\\.jsonl'), ("甲", "a.jsonl")]):
        for role, said in (("buyer", "在吗 13800138000"), ("agent", "加我微信 abc_123 详聊")):
            line += 1
            items.append(Message(source, line, "mixed", role, agent if role == "agent" else "",
                                 None if n == 2 else 1730419200.0 + 70 * line, said))
    seen = 0
    for item in judge_stream(items, judge):
        if isinstance(item, Skip):
            continue
        records = list(finding_records(item, show_matches))
        pieces: list[bytes] = []
        add_finding_lines(pieces, item, show_matches)
        assert b"".join(pieces) == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
        seen += len(records)
    assert seen > 20


def test_a_log_file_scans_the_same_with_any_jobs_and_keeps_its_skips_in_order(judge, tmp_path, monkeypatch):
    """A JSONL log read from its bytes, conversations interleaved, closed early (max_open) and split
    across batches, malformed lines amid them: every job count gives the same skips with their
    line numbers in reading order, the same findings bytes and the same totals."""
    monkeypatch.setattr(pipeline, "BATCH_MESSAGES", 9)
    rng = random.Random(21)
    malformed = ['{"conversation": "c1", "role": "agent", "text": "半行', '{"conversation": "c2", "role": "robot", "text": "a"}',
                 '{"conversation": "c3", "role": "agent", "text": "a", "time": 1e400}']
    lines, bad = [], []
    for n in range(1, 400):
        if n % 37 == 0:
            lines.append(rng.choice(malformed))
            bad.append(n)
            continue
        role = rng.choice(["buyer", "agent"])
        lines.append(json.dumps({"conversation": f"c{rng.randrange(12)}", "role": role, "agent": "小美",
                                 "time": 1730419200 + n * 7,
                                 "text": rng.choice(AGENT_TEXTS if role == "agent" else BUYER_TEXTS)},
                                ensure_ascii=False))
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    new_summary = partial(ScanSummary, Thresholds(points=3, period="day", counts={"contact": 1}), top=3, review=3)
    output = Output(summary=new_summary, render=partial(render_findings, fmt="jsonl"), keep_records=5)
    runs = []
    for jobs in (1, 2):
        skips, rendered, summary = [], [], new_summary()
        for item in scan_batches(LogReader([str(path)]), judge, output, jobs=jobs, max_open=4):
            if isinstance(item, Skip):
                skips.append(item)
                summary.add_skip(item)
            else:
                rendered.append(item.rendered)
                summary.merge(item.summary)
        runs.append((skips, b"".join(rendered), summary.to_dict()))
    assert runs[0] == runs[1]
    skips, rendered, summary = runs[0]
    assert [s.line for s in skips] == bad and all(s.source == str(path) for s in skips)
    assert summary["counts"]["skipped"] == len(bad) and summary["counts"]["findings"] > 20
    one_by_one = [r for item in judge_stream(LogReader([str(path)]), judge, max_open=4) if not isinstance(item, Skip)
                  for r in finding_records(item)]
    assert rendered.decode("utf-8") == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in one_by_one)


def test_a_log_reader_with_one_job_scans_as_its_items_do(judge, tmp_path, monkeypatch):
    """With one job a LogReader is read a chunk of lines at a time: the same skips in the same places,
    the same batches as the reader's items one by one (JSONL, JDDC and CSV files, a missing file)."""
    monkeypatch.setattr(pipeline, "READ_LINES", 7)
    rng = random.Random(5)
    jsonl, jddc = [], []
    for n in range(60):
        role = rng.choice(["buyer", "agent", "boss"])
        text = rng.choice(AGENT_TEXTS if role == "agent" else BUYER_TEXTS)
        jsonl.append("{not json" if n % 13 == 0 else json.dumps(
            {"conversation": f"c{n // 5}", "role": role, "agent": "小美", "time": 1730419200 + n, "text": text},
            ensure_ascii=False))
        jddc.append("short\tline" if n % 11 == 5 else f"{n // 4:016x}\tu\t{rng.choice('01x') if n else 1}\t0\t0\t\t{text}")
    (tmp_path / "a.jsonl").write_text("\n".join(jsonl) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(jddc) + "\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("conversation,role,text\nz1,agent,加我微信abc12345吧\nz1,robot,?\n",
                                    encoding="utf-8")
    paths = [str(tmp_path / name) for name in ("a.jsonl", "b.txt", "missing.jsonl", "c.csv")]
    new_summary = partial(ScanSummary, Thresholds(points=3, period="day"), top=3)
    render = partial(render_findings, fmt="jsonl")
    reader = LogReader(paths)
    by_chunk = _in_batches(judge, reader, new_summary, render, False, jobs=1)
    one_by_one = _in_batches(judge, list(LogReader(paths)), new_summary, render, False, jobs=1)
    assert by_chunk == one_by_one
    assert by_chunk[0]["counts"]["skipped"] >= 10 and by_chunk[0]["counts"]["findings"] > 5
    assert [f[1] for f in reader.files] == ["jsonl", "jddc", "csv"] and reader.lines == 123
