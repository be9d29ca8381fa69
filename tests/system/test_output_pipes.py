"""Output that pipes (issue 11, item 4): plain untruncated lines when stdout is no terminal, JSON
that holds everything asked for and nothing else on stdout."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner
from kefulint import Linter
from kefulint.cli.main import cli
from serve_helpers import kefulint_exe

ROOT = Path(__file__).resolve().parents[2]
SERVICE_RULES = ["service.first-response", "service.reply-time", "service.greeting", "service.farewell"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_rules_piped_to_grep_finds_every_rule_whole():
    proc = subprocess.run(f"'{kefulint_exe()}' rules | grep contact.mobile", shell=True, capture_output=True,
                          text=True, encoding="utf-8", timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "contact\tcontact.mobile\tcontact.phone\terror\t6\t回复中含手机号，不得向买家透露手机号\n"
    plain = run("rules").stdout.splitlines()
    ids = [line.split("\t")[1] for line in plain[1:]]
    assert ids == [r.id for r in Linter.default().rules]
    assert set(SERVICE_RULES) <= set(ids)
    assert all("…" not in line for line in plain)


def test_rules_as_json_and_jsonl():
    data = json.loads(run("rules", "--format", "json").stdout)
    assert data["schema"] == "kefulint.rules/1" and data["count"] == len(data["rules"])
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["contact.mobile"]["fatal"] is True and by_id["contact.mobile"]["bad"]
    assert set(SERVICE_RULES) <= set(by_id)
    lines = [json.loads(line) for line in run("rules", "--format", "jsonl").stdout.splitlines()]
    assert [r["id"] for r in lines] == [r["id"] for r in data["rules"]]
    one = json.loads(run("rules", "service.greeting", "--format", "json").stdout)
    assert (one["id"], one["severity"], one["points"]) == ("service.greeting", "info", 1)
    assert "会话开始时缺少欢迎语" in run("rules", "service.greeting").stdout
    assert "service.greeting" not in run("rules", "--disable", "service").stdout


def test_check_json_explain_is_one_json_document():
    r = run("check", "--format", "json", "--explain", "到货后第一时间通知您", "有事打我电话13800138000")
    data = json.loads(r.stdout)  # nothing printed before or after it
    assert [d["id"] for d in data] == ["arg1", "arg2"]
    first = data[0]["explain"]
    assert first["compact"] == "到货后第一时间通知您"
    assert any(c["rule"] == "adlaw.superlative" and c["status"] == "rejected" for c in first["candidates"])
    assert "13800138000" not in r.stdout and data[1]["explain"]["text"] == "有事打我电话138****8000"
    lines = run("check", "--format", "jsonl", "--explain", "你好").stdout.splitlines()
    assert len(lines) == 1 and "explain" in json.loads(lines[0])


def test_check_json_carries_the_suggested_text():
    [record] = json.loads(run("check", "--format", "json", "你问我，我问谁？我再查查").stdout)
    assert record["suggested_text"] == "亲，这个问题我马上帮您核实，请您稍等片刻。我再查查"
    assert record["needs_rewrite"] is False and record["findings"][0]["fixable"] is True


def test_scan_format_jsonl_without_output_writes_findings_to_stdout():
    proc = subprocess.run([kefulint_exe(), "scan", "samples/scan", "--format", "jsonl"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert records and all("rule" in r for r in records)
    assert "Counts 统计" in proc.stderr  # the summary goes to stderr
