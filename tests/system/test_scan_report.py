"""The chat-log scan does not drown the real findings (issue 11, item 3): service findings once per
conversation and recognised by intent, info points that do not mark an agent, no period mark
without timestamps, a CSV Excel reads, JDDC judged as JD, and normal invoice changes not taken
for false invoices."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import shared_path
from kefulint import Linter
from kefulint.cli.main import cli
from kefulint.cli.reporters import scan_terminal
from kefulint.cli.reporters.scan_html import render_html
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.readers import Message
from kefulint.scan.summary import ScanSummary, Thresholds
from rich.console import Console


def scan(*args: str, input: bytes | None = None):
    # one process: a worker forked from the test process could inherit a lock another test holds
    return CliRunner().invoke(cli, ["scan", "-q", "-j", "1", *args], input=input)


def _judged(n_convs: int, timed: bool):
    """n conversations of one agent, each with a missing greeting and farewell (info, 1 point each)."""
    judge = ConversationJudge(Linter.default())
    t0 = 1_731_290_000.0 if timed else None
    for c in range(n_convs):
        yield judge.judge([Message("log", 1, f"c{c}", "buyer", "", t0, "在吗"),
                           Message("log", 2, f"c{c}", "agent", "小美", t0, "稍等")])


def test_info_findings_do_not_mark_an_agent_unless_configured():
    summary = ScanSummary(Thresholds(points=10, period="all"))
    for judged in _judged(30, timed=True):
        summary.add(judged)
    assert summary.to_dict()["agents"][0]["points"] == 60  # still counted and shown
    assert summary.flagged() == {}
    configured = ScanSummary(Thresholds(points=10, period="all", severity="info"))
    for judged in _judged(30, timed=True):
        configured.add(judged)
    assert configured.flagged() == {"小美": ["60 分 > 10"]}


def test_a_period_threshold_needs_timestamps():
    summary = ScanSummary(Thresholds(points=10, period="month", severity="info"))
    for judged in _judged(30, timed=False):
        summary.add(judged)
    assert summary.flagged() == {}  # before: "(无时间) 60 分 > 10"
    timed = ScanSummary(Thresholds(points=10, period="month", severity="info"))
    for judged in _judged(30, timed=True):
        timed.add(judged)
    assert timed.flagged() == {"小美": ["2024-11 60 分 > 10"]}


def test_threshold_severity_in_config_is_validated(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('[scan.thresholds]\nseverity = "infos"\n', encoding="utf-8")
    r = scan("--config", str(cfg), "x.jsonl")
    assert r.exit_code == 2 and "'scan.thresholds.severity' must be one of info, warning, error, not 'infos'" in r.stderr


def test_findings_csv_starts_with_a_bom(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"conversation":"c","role":"agent","text":"加我微信 abc_123456"}\n', encoding="utf-8")
    assert scan(str(log), "-o", str(tmp_path / "f.csv")).exit_code == 1
    data = (tmp_path / "f.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfconversation,turn,")
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-4:] == ["message", "suggestion", "buyer", "text"]


def test_findings_csv_neutralises_cells_that_start_like_a_formula(tmp_path):
    """Excel runs a cell that starts with = + - @ (or a tab / CR): typed text gets a leading '."""
    rows = [{"conversation": '=HYPERLINK("http://x","c")', "role": "buyer", "text": "@SUM(1+1) 在吗"},
            {"conversation": '=HYPERLINK("http://x","c")', "role": "agent", "agent": "+cmd|' /C calc'!A0",
             "text": "-加我微信 abc_123456"}]
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert scan(str(log), "-o", str(tmp_path / "f.csv")).exit_code == 1
    found = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text(encoding="utf-8-sig"))))
    wechat = next(row for row in found if row["rule"] == "contact.wechat-id")
    assert wechat["conversation"] == '\'=HYPERLINK("http://x","c")'
    assert (wechat["agent"], wechat["buyer"]) == ("'+cmd|' /C calc'!A0", "'@SUM(1+1) 在吗")
    assert wechat["text"] == "'-加我微信 ⟦ab*_****56⟧"
    assert (wechat["turn"], wechat["line"], wechat["points"]) == ("2", "2", "6")
    jsonl = scan(str(log), "-o", "-")  # JSON Lines are data, not a spreadsheet: unchanged
    assert {json.loads(line)["agent"] for line in jsonl.stdout.splitlines()} == {"+cmd|' /C calc'!A0"}


def test_skipped_lines_beyond_those_printed_are_counted_on_stderr(tmp_path):
    """The first 20 skipped lines are printed, then one line counts the rest; -q prints none but
    still counts them; --skipped PATH lists every one, as before."""
    log = tmp_path / "log.jsonl"
    rows = [{"conversation": "c", "role": "agent", "text": "您好"}] * 3
    log.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                   + "".join(f"not json {i}\n" for i in range(46)), encoding="utf-8")
    runner = CliRunner()
    loud = runner.invoke(cli, ["scan", "-j", "1", "--disable", "service", str(log)])
    lines = loud.stderr.splitlines()
    assert loud.exit_code == 0 and [x.startswith("kefulint: skipped ") for x in lines[:21]] == [True] * 20 + [False]
    assert lines[20] == "kefulint: … 26 more skipped lines (use --skipped PATH to list them all) (另有 26 行跳过，未显示)"
    assert "46 skipped 跳过" in lines[21]
    quiet = runner.invoke(cli, ["scan", "-q", "-j", "1", "--disable", "service", str(log)])
    assert quiet.exit_code == 0 and len(quiet.stderr.splitlines()) == 2
    counts, hint = quiet.stderr.splitlines()
    assert "46 skipped 跳过" in counts
    assert hint == "kefulint: … 46 skipped lines (use --skipped PATH to list them all) (46 行跳过，未显示)"
    listed = tmp_path / "skipped.txt"
    quiet = runner.invoke(cli, ["scan", "-q", "-j", "1", "--disable", "service", "--skipped", str(listed), str(log)])
    assert quiet.stderr.splitlines()[1] == f"kefulint: … 46 skipped lines (all listed in {listed}) (46 行跳过，未显示)"
    assert listed.read_text(encoding="utf-8").splitlines() == [
        f"{log}:{n}: invalid JSON: Expecting value (column 1)" for n in range(4, 50)]
    log.write_text(json.dumps(rows[0]) + "\nnot json\n", encoding="utf-8")  # all printed: no count line
    assert "more skipped" not in runner.invoke(cli, ["scan", "-j", "1", "--disable", "service", str(log)]).stderr


JDDC = "0000b82c62117aa4497508bb1bdfb53a\tUSERID_1\t{role}\t0\t0\tnan\t{text}\n"


def test_jddc_input_implies_platform_jd(tmp_path):
    log = tmp_path / "chat.txt"
    log.write_text(JDDC.format(role=0, text="可以微信付款吗") + JDDC.format(role=1, text="可以用微信支付的哦"),
                   encoding="utf-8")
    r = scan(str(log), "--input-format", "jddc", "-o", "-")
    assert "offplatform.wechat-pay" not in r.stdout  # WeChat Pay is JD's own
    r = scan(str(log), "--input-format", "jddc", "--platform", "taobao", "-o", "-")
    assert "offplatform.wechat-pay" in r.stdout  # unless told otherwise


def test_real_jddc_log_is_not_drowned_in_service_findings(tmp_path):
    log = shared_path("data", "jddc2019_sample", "chat_0.1per.txt")
    out = tmp_path / "f.jsonl"
    summary = tmp_path / "s.json"
    scan(str(log), "--input-format", "jddc", "-o", str(out), "--summary-json", str(summary))
    rules = [json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()]
    data = json.loads(summary.read_text(encoding="utf-8"))
    service = sum(1 for r in rules if r.startswith("service."))
    assert service < data["counts"]["conversations"] * 0.6  # before: 1,422 of 1,428 findings
    assert all(not a["flagged"] for a in data["agents"])  # before: "(无时间) 1472 分 > 60"


@pytest.mark.parametrize("buyer", [
    "要开单位的名称 不要开个人",  # a company title
    "你好，有几单的发票类型选错了，应该开普票的，开成了专票，请协助更换一下",  # special -> ordinary
    "好的，什么时候开个人电子发票呢",
])
def test_agreeing_to_a_normal_invoice_change_is_no_false_invoice(buyer):
    res = Linter.default().check("好的，帮您处理", context=[buyer])
    assert not res.findings


def test_a_fatal_finding_alone_is_no_flag():
    """⚑ says "over a threshold"; an agent marked only for a fatal finding carries ☠, not ⚑ (before:
    ☠⚑ in the terminal and "⚑ 致命项 1 次" in the HTML report for one phone number given)."""
    judge = ConversationJudge(Linter.default())
    summary = ScanSummary(Thresholds(points=60, period="all"))
    summary.add(judge.judge([Message("log", 1, "c1", "buyer", "", None, "怎么联系你"),
                             Message("log", 2, "c1", "agent", "阿强", None, "打我电话13800138000")]))
    assert summary.flagged() == {"阿强": ["致命项 1 次"]}
    assert summary.over_threshold() == {}
    console = Console(record=True, width=200)
    scan_terminal.render(summary, console)
    text = console.export_text()
    assert "☠ 阿强" in text and "⚑ 阿强" not in text and "☠⚑" not in text
    html = render_html(summary, [])
    assert "☠ 致命项" in html and "<span class=flag>" not in html
