"""Personal numbers in identifiers (a buyer whose nickname is their mobile, an agent named by a
number, an ID number in a conversation id) are masked as findings mask them, in every report of a
scan, unless show_matches; only printing masks: conversations and agents stay apart by their ids
as they are, and any number of jobs gives the same bytes. Order numbers and short ids stay readable."""
from __future__ import annotations

import io
import json
from functools import partial

import pytest
from kefulint import Linter, Settings
from kefulint.cli.reporters.scan_findings import render_findings
from kefulint.cli.reporters.scan_html import render_html
from kefulint.cli.reporters.scan_terminal import render
from kefulint.detectors.personal_numbers import mask_personal_numbers
from kefulint.scan import pipeline
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.pipeline import Output, finding_records, judge_stream, scan_batches
from kefulint.scan.readers import LogReader, Message, Skip
from kefulint.scan.records import add_finding_lines
from kefulint.scan.summary import ScanSummary, Thresholds
from kefulint.text.mask import mask_sensitive
from rich.console import Console

BUYER_A, BUYER_B = "13912345678", "13911115678"  # two buyers, one masked form: 139****5678
AGENT = "13700001111"
ID_NUMBER = "11010519491231002X"
CARD = "6226221177774129"  # Luhn-valid, BIN 622622
ORDER = "2024111112345678"  # an order number: no personal number
RAW = (BUYER_A, BUYER_B, AGENT, ID_NUMBER, CARD)


@pytest.mark.parametrize(("name", "shown"), [
    (f"qn.txt#{BUYER_A}", "qn.txt#139****5678"),
    (f"tb{BUYER_A}", "tb139****5678"),  # letters beside it do not make a nickname's number anything else
    ("139 1234 5678", "139 **** 5678"),
    ("+86 139 1234 5678", "+86 1** **** 5678"),  # as the finding of 86 139 1234 5678 shows it
    ("１３９１２３４５６７８", "１３９****５６７８"),
    (f"2024-11-11#{BUYER_A}", "2024-11-11#139****5678"),
    (ID_NUMBER, "11**************2X"),
    (ID_NUMBER.lower(), "11**************2x"),
    (f"card{CARD}", "card622*********4129"),
    ("0755-23681190", "075*-****1190"),  # a landline, its area code set apart
    # no personal number: an order number, a number failing Luhn, short ids, no area code set apart
    (f"订单{ORDER}", f"订单{ORDER}"), ("6226221177774128", "6226221177774128"), ("c123456", "c123456"),
    ("07552368119", "07552368119"), ("12345678901", "12345678901"), ("小美", "小美"), ("", ""),
    # digits that run into letters are a code: hex ids and UUIDs (JDDC's session ids)
    ("af137000b3b9f3af17363237726f3963", "af137000b3b9f3af17363237726f3963"),
    ("116f52a5-3c13-445e-acf1-9178633964f2", "116f52a5-3c13-445e-acf1-9178633964f2"),
])
def test_personal_numbers_in_a_name_are_masked_as_findings_mask_them(name, shown):
    assert mask_personal_numbers(name) == shown


def test_a_number_in_a_name_reads_as_its_finding_does():
    linter = Linter.default()
    for number in (BUYER_A, ID_NUMBER, CARD):
        finding = next(f for f in linter.check(f"卡号身份证电话 {number}").findings if f.match == number)
        assert mask_personal_numbers(f"qn.txt#{number}") == f"qn.txt#{finding.masked_match}"


def _log() -> list[Message]:
    t = 1730419200.0
    items = []
    conversations = [(f"qn.txt#{BUYER_A}", AGENT), (f"qn.txt#{BUYER_B}", "小美"), (f"id-{ID_NUMBER}", CARD),
                     (f"order-{ORDER}", "小美")]
    for line, (conversation, agent) in enumerate(conversations, start=1):
        items.append(Message("qn.txt", 2 * line - 1, conversation, "buyer", "", t, "你电话多少 我的是139 2016 7584"))
        items.append(Message("qn.txt", 2 * line, conversation, "agent", agent, t + 30, "有事打我电话13800138000"))
        t += 100
    return items


@pytest.fixture(scope="module")
def judge():
    return ConversationJudge(Linter.from_settings(Settings(model=True)))


@pytest.fixture(scope="module")
def judged(judge):
    return [item for item in judge_stream(_log(), judge) if not isinstance(item, Skip)]


def test_records_and_jsonl_mask_ids_unless_show_matches(judged):
    for show in (False, True):
        records = [r for j in judged for r in finding_records(j, show)]
        pieces: list[bytes] = []
        for j in judged:
            add_finding_lines(pieces, j, show)
        lines = b"".join(pieces).decode()
        assert lines == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        conversations = [r["conversation"] for r in records]
        agents = {r["agent"] for r in records}
        if show:
            assert all(raw in lines for raw in RAW)
            assert {f"qn.txt#{BUYER_A}", f"qn.txt#{BUYER_B}", f"order-{ORDER}"} <= set(conversations)
        else:
            assert not any(raw in lines for raw in RAW)
            assert "qn.txt#139****5678" in conversations and f"id-{mask_sensitive(ID_NUMBER)}" in conversations
            assert f"order-{ORDER}" in conversations  # an order number is no personal number
            assert agents == {"137****1111", "小美", "622*********4129"}
            assert {r["buyer"] for r in records} == {"你电话多少 我的是139 **** 7584"}  # written in parts too


def _summary(judged, show: bool) -> ScanSummary:
    summary = ScanSummary(Thresholds(points=3, period="all"), top=10, review=5, show_matches=show)
    for j in judged:
        summary.add(j)
    return summary


def test_the_summary_masks_ids_but_keeps_the_conversations_and_agents_apart(judged):
    data = _summary(judged, False).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert not any(raw in text for raw in RAW)
    assert data["counts"]["conversations"] == 4  # the two buyers of one masked form stay two conversations
    worst = [w["conversation"] for w in data["worst_conversations"]]
    assert worst.count("qn.txt#139****5678") == 2
    assert {a["agent"] for a in data["agents"]} == {"137****1111", "小美", "622*********4129"}
    assert all(a["flagged"] and a["reasons"] for a in data["agents"])
    shown = json.dumps(_summary(judged, True).to_dict(), ensure_ascii=False)
    assert all(raw in shown for raw in RAW)


def test_the_review_queue_masks_ids(judge):
    summary = ScanSummary(Thresholds(), review=5)
    # flagged by the review model, not by the rules
    items = [Message("log", 1, f"qn.txt#{BUYER_A}", "agent", AGENT, None, "手机164-7004-2133随时找我")]
    for j in judge_stream(items, judge):
        summary.add(j)
    (entry,) = summary.to_dict()["review"]["messages"]
    assert (entry["conversation"], entry["agent"]) == ("qn.txt#139****5678", "137****1111")


def test_terminal_and_html_reports_mask_ids_and_still_mark_agents(judged):
    summary = _summary(judged, False)
    out = io.StringIO()
    render(summary, Console(file=out, width=200, highlight=False, soft_wrap=True))
    terminal = out.getvalue()
    rows = [r for j in judged for r in finding_records(j)]
    html = render_html(summary, rows)
    for report in (terminal, html):
        assert not any(raw in report for raw in RAW)
        assert "137****1111" in report and "qn.txt#139****5678" in report
    assert "☠⚑ 137****1111" in terminal or "⚑ 137****1111" in terminal  # marked, by its masked name
    assert 'class="flag"' in html or "class=flag" in html


@pytest.mark.parametrize("show_matches", [False, True])
def test_any_jobs_give_the_same_bytes(judge, tmp_path, monkeypatch, show_matches):
    monkeypatch.setattr(pipeline, "BATCH_MESSAGES", 3)  # several batches: the masking happens in workers
    path = tmp_path / "qn.jsonl"
    path.write_text("".join(json.dumps({"conversation": m.conversation, "role": m.role, "agent": m.agent,
                                        "time": m.time, "text": m.text}, ensure_ascii=False) + "\n"
                            for m in _log() * 3), encoding="utf-8")
    new_summary = partial(ScanSummary, Thresholds(points=3, period="day"), top=5, review=3, show_matches=show_matches)
    output = Output(summary=new_summary, render=partial(render_findings, fmt="jsonl"), show_matches=show_matches)
    runs = []
    for jobs in (1, 2):
        rendered, summary = [], new_summary()
        for item in scan_batches(LogReader([str(path)]), judge, output, jobs=jobs):
            rendered.append(item.rendered)
            summary.merge(item.summary)
        runs.append((b"".join(rendered), json.dumps(summary.to_dict(), ensure_ascii=False)))
    assert runs[0] == runs[1]
    assert any(raw in runs[0][0].decode() for raw in RAW) == show_matches


def _read_through_normalized(text: str) -> list[tuple[int, int]]:
    """personal_number_spans as it reads any text: Normalized, then the number runs."""
    from kefulint.detectors import personal_numbers as pn
    from kefulint.text.normalize import Normalized
    from kefulint.text.numruns import number_runs
    norm = Normalized(text)
    folded = norm.folded
    runs = [(r.digits, r.start, r.end) for r in number_runs(folded)]
    runs += [(m.group(), m.start(), m.end()) for m in pn._DIGITS.finditer(folded)]
    found = []
    for digits, start, end in runs:
        stop = pn._personal(folded, digits, start, end)
        if stop is not None:
            found.append(norm.folded_span(start, stop))
    return pn.outermost(found)


def test_an_id_of_letters_and_digits_alone_reads_as_normalized_text_reads():
    """The short way for ASCII letters and digits (hex session ids) finds what the full reading
    finds, on ids built of personal numbers, look-alike letters (o, l: 1o29384 75) and check
    letters."""
    import random
    import string

    from kefulint.detectors.personal_numbers import personal_number_spans
    parts = [BUYER_A, ID_NUMBER, ID_NUMBER[:-1] + "x", CARD, "075523681190", ORDER, "0", "1", "a", "x",
             "X", "tb", "O", "o", "l", "L", "I", "af137000b3b9f3af"]
    rng = random.Random(7)
    ids = ["".join(rng.choice(parts + [rng.choice(string.ascii_letters + string.digits)])
                   for _ in range(rng.randint(1, 6))) for _ in range(20000)]
    masked = 0
    for name in ids:
        spans = personal_number_spans(name)
        assert spans == _read_through_normalized(name), name
        masked += bool(spans)
    assert masked > 2000  # the ids do hold personal numbers, and not only the look-alike ones
