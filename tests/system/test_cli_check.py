"""The check, rules and eval commands, through click's runner and once as the installed script."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from kefulint.cli.main import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_check_text_output_masks_and_exits_1():
    r = run("check", "亲，有事打我电话13800138000")
    assert r.exit_code == 1
    assert "contact.mobile" in r.output
    assert "138****8000" in r.output
    assert "13800138000" not in r.output
    assert "合计 6 分" in r.output


def test_check_clean_exits_0():
    r = run("check", "亲，您好，请问有什么可以帮您？")
    assert r.exit_code == 0
    assert "1 条消息，0 条有问题" in r.output


def test_check_json_schema_and_show_matches():
    r = run("check", "--format", "json", "加我微信 abc_123456")
    data = json.loads(r.output)
    assert data[0]["id"] == "arg" and data[0]["points"] == 6
    f = data[0]["findings"][0]
    assert set(f) >= {"rule", "category", "severity", "points", "start", "end", "match", "message", "suggestion"}
    assert f["match"] == "ab*_****56"
    shown = json.loads(run("check", "--format", "json", "--show-matches", "加我微信 abc_123456").output)
    assert shown[0]["findings"][0]["match"] == "abc_123456"


def test_check_context_option_and_jsonl_file(tmp_path):
    r = run("check", "--format", "json", "--context", "有QQ吗", "有，5738201946")
    assert json.loads(r.output)[0]["findings"][0]["category"] == "contact.qq"
    path = tmp_path / "drafts.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "有，5738201946", "context": [{"role": "buyer", "text": "有QQ吗"}]}, ensure_ascii=False)
        + "\nnot json\n"
        + json.dumps({"id": "b", "text": "好的亲"}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "c", "text": "有，5738201946", "context": [{"role": "robot", "text": "有QQ吗"}]})
        + "\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["check", "--format", "jsonl", str(path)])
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["findings"][0]["rule"] == "contact.qq-on-request"
    assert f"{path}:2: invalid JSON" in r.stderr
    assert f"{path}:4: context: unknown role 'robot'" in r.stderr
    assert r.exit_code == 1


def test_check_txt_file_and_stdin(tmp_path):
    path = tmp_path / "drafts.txt"
    path.write_text("好的亲\n你问我，我问谁？\n", encoding="gb18030")
    r = run("check", "--format", "json", str(path))
    data = json.loads(r.output)
    assert [d["id"] for d in data] == [f"{path}:1", f"{path}:2"]
    assert data[1]["findings"][0]["rule"] == "etiquette.ask-me-ask-who"
    r = run("check", "--format", "json", "-", input="白痴\n好的\n")
    assert [len(d["findings"]) for d in json.loads(r.output)] == [1, 0]


def test_fail_on_warning_and_never():
    text = "售后热线4008123123"  # a warning-level finding
    assert run("check", text).exit_code == 0
    assert run("check", "--fail-on", "warning", text).exit_code == 1
    assert run("check", "--fail-on", "never", "白痴").exit_code == 0


def test_explain_shows_reasons():
    r = run("check", "--explain", "到货后第一时间通知您")
    assert "紧凑 compact:   到货后第一时间通知您" in r.output
    assert "第一时间" in r.output and "rejected" in r.output
    r = run("check", "--explain", "京东自营的，放心，可以用微信支付")
    assert "平台 platform:  jd (configured taobao)" in r.output
    assert "offplatform.wechat-pay" in r.output and "skipped: 平台 platform: only on taobao, tmall" in r.output


def test_explain_masks_each_line_as_the_findings_mask():
    """Every line of --explain (text, folded, compact, tokens, candidates, reasons) shows a number as
    its finding does: 138****8000 and 11**************2X, never 13********* or the whole line masked."""
    reply = "我的电话13800138000，身份证11010519491231002X，加我微信 abc_12345，客户周婷婷的地址，周婷婷，单号2024111112345678"
    out = run("check", "--explain", reply).output
    lines = {line.split(":", 1)[0]: line for line in out.splitlines() if ":" in line}
    assert lines["原文 text"].endswith(
        "我的电话138****8000，身份证11**************2X，加我微信 ab*_***45，客户周**的地址，周**，单号2024111112345678")
    assert lines["归一 folded"].endswith(
        "我的电话138****8000,身份证11**************2x,加我微信 ab*_***45,客户周**的地址,周**,单号2024111112345678")
    assert "电话138****8000身份证11**************2x" in lines["紧凑 compact"]
    assert "/ 138****8000 /" in lines["分词 tokens"] and "/ 11**************2x /" in lines["分词 tokens"]
    assert "「138****8000」 confirmed" in out and "「11**************2X」 confirmed" in out
    assert "「微信」 + 「ab****45」" in out  # a reason quotes the compact form, masked as the compact line is
    for raw in ("13800138000", "11010519491231002", "abc_12345", "abc12345", "婷婷"):
        assert raw not in out
    shown = run("check", "--explain", "--show-matches", reply).output
    assert all(raw in shown for raw in ("13800138000", "11010519491231002X", "abc_12345", "周婷婷"))
    record = json.loads(run("check", "--format", "json", "--explain", reply).output)[0]["explain"]
    assert record["text"] == lines["原文 text"].split(":", 1)[1].strip()
    assert "138****8000" in record["tokens"] and "11**************2x" in record["tokens"]


def test_bad_ruleset_is_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x.y"\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", "--ruleset", str(bad), "hi"])
    assert r.exit_code == 2
    assert "missing required key 'category'" in r.stderr


def test_rules_list_and_show():
    r = run("rules")
    assert r.exit_code == 0 and "contact" in r.output
    r = run("rules", "etiquette.ask-me-ask-who")
    assert "你问我，我问谁？我又不是快递员" in r.output and "20" in r.output
    assert run("rules", "no.such-rule").exit_code == 2


def test_rules_shows_a_conversation_rule():
    r = run("rules", "service.greeting")
    assert r.exit_code == 0, r.output
    assert "kind conversation" in r.output and "会话开始时缺少欢迎语" in r.output
    assert "买家: 有货吗 / 客服: 有 / 客服: 拍吧 / 客服: 感谢您的咨询" in r.output


def test_eval_command(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [
        {"id": "1", "text": "加我微信 abc_123456", "labels": ["contact.wechat"]},
        {"id": "2", "text": "好的亲", "labels": []},
        {"id": "3", "text": "亲，第一时间发货", "labels": ["adlaw.absolute"]},  # a miss on purpose
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    r = run("eval", "--format", "json", str(path))
    data = json.loads(r.output)
    assert data["overall"]["tp"] == 1 and data["overall"]["fn"] == 1 and data["overall"]["fp"] == 0
    assert data["misses"][0]["id"] == "3"
    assert r.exit_code == 0
    assert run("eval", "--min-recall", "0.9", str(path)).exit_code == 1


def test_eval_that_read_no_labelled_line_is_an_error_not_a_perfect_score(tmp_path):
    """A gate on precision and recall must not pass on the wrong file: scores of nothing are 1.000."""
    drafts = Path(__file__).resolve().parents[2] / "samples" / "drafts.txt"  # replies, one a line: no JSON
    lines = sum(1 for line in drafts.read_text(encoding="utf-8").splitlines() if line.strip())
    r = run("eval", "--min-precision", "0.95", "--min-recall", "0.95", str(drafts))
    assert r.exit_code == 2 and "overall" not in r.stdout
    assert f"kefulint: no labelled line read from {drafts}; {lines} lines skipped" in r.stderr
    (tmp_path / "set.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x", "labels": []}\n', mtime=0))
    r = run("eval", str(tmp_path / "set.jsonl.gz"))
    assert r.exit_code == 2 and "not UTF-8 text" in r.stderr and "no labelled line read from" in r.stderr
    r = run("eval", "--format", "json", "-", input="\n")
    assert r.exit_code == 2 and "no labelled line read from -; 0 lines skipped" in r.stderr


def test_eval_warns_about_a_file_that_gave_nothing_beside_one_that_did(tmp_path):
    good, bad = tmp_path / "set.jsonl", tmp_path / "notes.txt"
    good.write_text(json.dumps({"id": "1", "text": "加我微信 abc_123456", "labels": ["contact.wechat"]}) + "\n",
                    encoding="utf-8")
    bad.write_text("not json\n{}\n", encoding="utf-8")
    r = run("eval", "--format", "json", str(good), str(bad))
    assert r.exit_code == 0
    assert f"kefulint: warning: no labelled line read from {bad}; 2 lines skipped" in r.stderr
    data = json.loads(r.stdout)
    assert data["items"] == 1 and [s.split(": ")[0] for s in data["skipped"]] == [f"{bad}:1", f"{bad}:2"]


def test_installed_console_script(tmp_path):
    exe = shutil.which("kefulint", path=os.path.dirname(sys.executable)) or shutil.which("kefulint")
    assert exe, "the kefulint console script is installed"
    proc = subprocess.run([exe, "check", "--format", "json", "电话 １３８ ００１３ ８０００"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)[0]["findings"][0]["match"] == "１３８ **** ８０００"
