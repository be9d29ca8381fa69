"""``kefulint scan`` end to end through the installed command."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "scan"
JDDC = ROOT.parent / "shared" / "data" / "jddc2019_sample" / "chat_0.1per.txt"
KEFULINT = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")
SECRETS = ("13800138000", "jiajia_1203", "5738201946")


def run(*args, cwd=ROOT, input=None, env=None):
    assert KEFULINT, "the kefulint command is not installed (pip install -e .)"
    return subprocess.run([KEFULINT, "scan", *map(str, args)], check=False, cwd=cwd, input=input, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_sample_scan_counts_findings_and_exit_code(tmp_path):
    out = tmp_path / "f.jsonl"
    summary = tmp_path / "s.json"
    r = run("samples/scan", "-o", out, "--summary-json", summary)
    assert r.returncode == 1, r.stderr.decode()
    err = r.stderr.decode()
    assert "samples/scan/chatlog.jsonl:23: invalid JSON: Expecting ',' delimiter (column 89)" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    points = sum(r["points"] for r in records)
    assert err.strip().endswith(
        "kefulint: read 30 lines 读取; 14 agent turns linted 客服消息; 14 buyer turns 买家消息; 1 skipped 跳过; "
        f"{len(records)} findings 问题, {points} points 扣分")
    by_rule = {(r["conversation"], r["rule"]) for r in records}
    assert ("T1002", "invoice.false-invoice-agree") in by_rule  # context: buyer asked for another amount
    assert ("T1001", "contact.wechat-on-request") in by_rule  # context: buyer asked for WeChat
    assert ("qianniu_export.txt#tb_buyer88", "tmall.other-person-on-request") in by_rule  # GB18030 text export
    slow = [r for r in records if r["rule"] == "service.reply-time"]
    assert [(r["agent"], r["seconds"], r["message"]) for r in slow] == [("小美", 75.0, "回复用时 75 秒，超过规定的 60 秒")]
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert (data["counts"]["findings"], data["counts"]["points"]) == (len(records), points)
    agents = {a["agent"]: a for a in data["agents"]}
    per_agent = {name: sum(r["points"] for r in records if r["agent"] == name) for name in agents}
    assert {name: a["points"] for name, a in agents.items()} == per_agent
    assert [a["agent"] for a in data["agents"]] == sorted(agents, key=lambda n: (-per_agent[n], n))  # ranked
    assert agents["阿强"]["fatal"] == 1 and "致命项 1 次" in agents["阿强"]["reasons"] and agents["阿强"]["flagged"]
    # info findings (a missing greeting) are reported but do not count toward the threshold
    nov = sum(r["points"] for r in records if r["agent"] == "阿强" and r["time"].startswith("2024-11")
              and r["severity"] != "info")
    assert (f"2024-11 {nov} 分 > 60" in agents["阿强"]["reasons"]) == (nov > 60)
    assert not agents["小丽"]["flagged"] and agents["小丽"]["points"] == 0
    assert data["worst_conversations"][0]["conversation"] == "T1002" and data["worst_conversations"][0]["fatal"]
    assert {f["source"]: f["encoding"] for f in data["files"]} == {
        "samples/scan/chatlog.jsonl": "utf-8", "samples/scan/qianniu_export.txt": "gb18030"}
    terminal = r.stdout.decode()
    for title in ("Points per agent", "Per category", "Per rule", "Worst conversations", "Counts"):
        assert title in terminal
    assert ("☠⚑ 阿强" if nov > 60 else "☠ 阿强") in terminal  # ⚑ only over the threshold, ☠ for the fatal finding


def test_golden_summary(tmp_path):
    """samples/scan.expected.json (beside samples/scan/); regenerate with KEFULINT_REGEN=1 after a deliberate change."""
    summary = tmp_path / "s.json"
    run("samples/scan", "-q", "--summary-json", summary)
    golden = ROOT / "samples" / "scan.expected.json"
    if os.environ.get("KEFULINT_REGEN"):
        shutil.copy(summary, golden)
    assert summary.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_nothing_sensitive_leaks_unless_show_matches(tmp_path):
    args = ("samples/scan", "-o", tmp_path / "f.csv", "--html", tmp_path / "r.html", "--summary-json", tmp_path / "s.json")
    r = run(*args)
    outputs = [r.stdout.decode(), r.stderr.decode()] + [
        (tmp_path / n).read_text(encoding="utf-8") for n in ("f.csv", "r.html", "s.json")]
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text
    assert outputs[2].startswith("\ufeffconversation,")  # UTF-8 with BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(outputs[2].removeprefix("\ufeff"))))
    phone = next(row for row in rows if row["rule"] == "contact.mobile")
    assert (phone["match"], phone["text"], phone["fatal"]) == ("138****8000", "有事打我电话⟦138****8000⟧", "true")
    same_conversation = [row for row in rows if row["conversation"] == phone["conversation"]]
    assert len(same_conversation) > 1 and all(row["conversation_fatal"] == "true" for row in same_conversation)
    assert all(row["conversation_fatal"] == "false" for row in rows if row["conversation"] == "T1001")
    shown = run(*args, "--show-matches")
    assert "13800138000" in (tmp_path / "f.csv").read_text(encoding="utf-8")
    assert shown.returncode == 1


def test_exit_codes_strict_and_fail_on(tmp_path):
    assert run("samples/scan", "-q", "--strict").returncode == 2
    assert run("samples/scan/qianniu_export.txt", "-q", "--strict").returncode == 1
    assert run("samples/scan", "-q", "--fail-on", "never").returncode == 0
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"conversation":"c","role":"agent","text":"您好，感谢您的咨询"}\n', encoding="utf-8")
    assert run(clean, "-q").returncode == 0
    missing = run(tmp_path / "nope.jsonl")
    assert missing.returncode == 2
    assert f"{tmp_path / 'nope.jsonl'}: no such file or directory" in missing.stderr.decode()


def test_stdin_map_and_csv_output():
    log = "\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"sid": "s1", "who": "0", "body": "有QQ吗"},
        {"sid": "s1", "who": "1", "staff": "阿强", "body": "有，5738201946"},
    ]).encode("gb18030")
    r = run("-", "--map", "text=body,role=who", "--map", "conversation=sid,agent=staff", "-o", "-", "--format", "csv",
            "--fail-on", "never", input=log)
    assert r.returncode == 0, r.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig"))))
    assert {(row["conversation"], row["agent"], row["rule"]) for row in rows} >= {("s1", "阿强", "contact.qq-on-request")}
    assert "Counts" in r.stderr.decode()  # the summary moves to stderr when findings go to stdout
    bad = run("-", "--map", "txt=body", input=log)
    assert bad.returncode == 2
    assert "--map: unknown field 'txt' (fields: text, role, conversation, agent, time)" in bad.stderr.decode()


def test_scan_config_section(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text(
        '[scan]\ninput_format = "auto"\n'
        '[scan.service]\nreply_seconds = 600\n'
        '[scan.thresholds]\npoints = 10\nperiod = "day"\ncounts = {"etiquette.banned_phrase" = 1}\n',
        encoding="utf-8")
    summary = tmp_path / "s.json"
    r = run("samples/scan", "-q", "--config", cfg, "--summary-json", summary)
    assert r.returncode == 1, r.stderr.decode()
    assert "kefulint.toml:3: 'scan.service' is deprecated: gone in the next release" in r.stderr.decode()
    data = json.loads(summary.read_text(encoding="utf-8"))
    agents = {a["agent"]: a for a in data["agents"]}
    out = tmp_path / "f.jsonl"
    run("samples/scan", "-q", "--config", cfg, "-o", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    daily: dict = {}
    for rec in records:
        if rec["agent"] == "阿强" and rec["severity"] != "info":
            daily[rec["time"][:10]] = daily.get(rec["time"][:10], 0) + rec["points"]
    expected = [f"{day} {pts} 分 > 10" for day, pts in sorted(daily.items()) if pts > 10]
    assert len(expected) >= 2
    assert [r for r in agents["阿强"]["reasons"] if " 分 > " in r] == expected
    banned = sum(1 for rec in records if rec["agent"] == "阿强" and rec["time"].startswith("2024-11-20")
                 and rec["category"] == "etiquette.banned_phrase")
    assert banned > 1 and f"2024-11-20 etiquette.banned_phrase {banned} 次 > 1" in agents["阿强"]["reasons"]
    assert "service.reply_time" not in {c["category"] for c in data["categories"]}
    bad = tmp_path / "bad.toml"
    bad.write_text('[scan]\njobz = 2\ninput_format = "xml"\n[scan.thresholds]\nperiod = "fortnight"\n'
                   '[scan.service]\nfirst_response_secs = 3\n', encoding="utf-8")
    r = run("samples/scan", "-q", "--config", bad)
    assert r.returncode == 2
    err = r.stderr.decode()
    for message in (
        "bad.toml:2: [scan]: unknown key 'jobz' (did you mean 'jobs'?)",
        "bad.toml:3: 'scan.input_format' must be one of auto, jsonl, csv, tsv, jddc, text, not 'xml'",
        "bad.toml:5: 'scan.thresholds.period' must be one of day, week, month, year, all, not 'fortnight'",
        "bad.toml:7: [scan.service]: unknown key 'first_response_secs' (did you mean 'first-response-seconds'?)",
    ):
        assert message in err


def test_same_scan_any_jobs_byte_identical(tmp_path):
    inputs = [SAMPLES] + ([JDDC] if JDDC.exists() else [])
    outputs = {}
    for jobs in (1, 2):
        d = tmp_path / f"j{jobs}"
        d.mkdir()
        r = run(*inputs, "-j", jobs, "-o", d / "f.jsonl", "--html", d / "r.html", "--summary-json", d / "s.json")
        assert r.returncode == 1, r.stderr.decode()
        outputs[jobs] = [r.stdout] + [(d / n).read_bytes() for n in ("f.jsonl", "r.html", "s.json")]
    assert outputs[1] == outputs[2]


def test_buyers_named_by_their_mobile_masked_apart_and_the_same_with_any_jobs(tmp_path):
    """A plain-text export whose buyers' nicknames are their mobiles: the conversation ids print
    masked in every report, two buyers of one masked form stay two conversations, and the reports
    are the same bytes with any number of jobs."""
    export = tmp_path / "qn.txt"
    lines = []
    for i, buyer in enumerate(["13912345678", "13911115678"] * 40):
        lines += [f"2024-11-{11 + i % 3} 10:{i % 60:02d}:00 {buyer} 你电话多少",
                  f"2024-11-{11 + i % 3} 10:{i % 60:02d}:40 旗舰店:13700001111 有事打我电话13800138000"]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = {}
    for jobs in (1, 2):
        d = tmp_path / f"j{jobs}"
        d.mkdir()
        r = run(export, "-j", jobs, "-o", d / "f.jsonl", "--html", d / "r.html", "--summary-json", d / "s.json",
                env={"COLUMNS": "200"})
        assert r.returncode == 1, r.stderr.decode()
        outputs[jobs] = [r.stdout, r.stderr] + [(d / n).read_bytes() for n in ("f.jsonl", "r.html", "s.json")]
    assert outputs[1] == outputs[2]
    everything = b"".join(outputs[1]).decode()
    assert not any(n in everything for n in ("13912345678", "13911115678", "13700001111", "13800138000"))
    summary = json.loads(outputs[1][4])
    assert summary["counts"]["conversations"] == 2
    assert [w["conversation"] for w in summary["worst_conversations"]] == ["qn.txt#139****5678"] * 2
    terminal = outputs[1][0].decode()  # the terminal summary
    assert "qn.txt#139****5678" in terminal and "137****1111" in terminal


@pytest.mark.skipif(not JDDC.exists(), reason="../shared/data/jddc2019_sample is not beside the repo")
def test_jddc_sample_preset(tmp_path):
    summary = tmp_path / "s.json"
    r = run(JDDC, "--input-format", "jddc", "-q", "--summary-json", summary, "--strict", "--fail-on", "never")
    assert r.returncode == 0, r.stderr.decode()
    c = json.loads(summary.read_text(encoding="utf-8"))["counts"]
    assert (c["lines"], c["skipped"], c["conversations"]) == (12136, 0, 994)
    assert c["agent_turns"] + c["buyer_turns"] == 12136 and c["agent_turns"] == 6029


def test_progress_bar_only_on_a_terminal_and_not_with_quiet():
    import pty
    import select

    def stderr_on_tty(*args) -> str:
        master, slave = pty.openpty()
        proc = subprocess.Popen([KEFULINT, "scan", "samples/scan", "-o", os.devnull, *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    assert "scan 质检" in stderr_on_tty()
    assert "scan 质检" not in stderr_on_tty("--quiet")
    assert "scan 质检" not in run("samples/scan", "-o", os.devnull).stderr.decode()  # not a terminal


def test_three_uses_agree_on_context(tmp_path):
    """check --context, Linter.check(context=...) and scan give the same finding for the same turns."""
    from kefulint import Linter

    buyer, reply = "有QQ吗", "有，5738201946"
    api = [f.rule for f in Linter.default().check(reply, context=[buyer]).findings]
    checked = subprocess.run([KEFULINT, "check", "--format", "json", "--context", buyer, reply], cwd=ROOT,
                             capture_output=True, check=False)
    log = tmp_path / "c.jsonl"
    log.write_text(json.dumps({"conversation": "c", "role": "buyer", "text": buyer}, ensure_ascii=False) + "\n"
                   + json.dumps({"conversation": "c", "role": "agent", "text": reply}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    out = tmp_path / "f.jsonl"
    run(log, "-q", "-o", out, "--disable", "service")
    scanned = [json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert api and scanned == api
    assert all(rule in checked.stdout.decode() for rule in api)
