"""Errors stop, and nothing unreadable passes as clean (issue 11, item 2): a path that is not
there, a directory, a layout or header kefulint cannot read, UTF-16, a typo in a rule or command
name: each says what went wrong and what to try, and exits non-zero."""
from __future__ import annotations

import codecs
import gzip
import json

import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


# --- check: paths ----------------------------------------------------------------------------


def test_the_readme_example_with_missing_files_stops_instead_of_passing(here):
    r = run("check", "drafts.txt", "more.jsonl", "-", input="好的亲\n")
    assert r.exit_code == 2
    assert "drafts.txt: no such file" in r.stderr and "more.jsonl: no such file" in r.stderr
    assert "--text 'drafts.txt'" in r.stderr


def test_a_directory_is_an_error(here):
    (here / "replies").mkdir()
    r = run("check", "replies")
    assert r.exit_code == 2 and "replies: is a directory" in r.stderr


def test_text_that_only_resembles_a_path_is_still_checked_and_text_makes_it_explicit(here):
    assert run("check", "尺码 160/84A 合适").exit_code == 0
    assert run("check", "160/84A").exit_code == 0
    r = run("check", "--format", "json", "--text", "drafts.txt")
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["id"] == "text"


def test_a_file_with_no_reply_is_not_a_clean_pass(here):
    (here / "empty.txt").write_text("\n\n", encoding="utf-8")
    r = run("check", "empty.txt")
    assert r.exit_code == 2 and "nothing to check" in r.stderr


def test_check_reads_utf16_with_a_bom_and_refuses_it_without(here):
    (here / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + "好的亲\n有事打我电话13800138000\n".encode("utf-16-le"))
    r = run("check", "--format", "json", "u16.txt")
    assert r.exit_code == 1
    assert [d["findings"][0]["rule"] if d["findings"] else None for d in json.loads(r.stdout)] == [
        None, "contact.mobile"]
    (here / "bare.txt").write_bytes("有事打我电话13800138000\n".encode("utf-16-le"))
    r = run("check", "bare.txt")
    assert r.exit_code == 2 and "UTF-16 without a byte-order mark" in r.stderr


def test_check_reads_gb18030_and_utf16_big_endian_with_a_bom(here):
    (here / "gbk.txt").write_bytes("好的亲\n有事打我电话13800138000\n".encode("gb18030"))
    (here / "u16be.txt").write_bytes(codecs.BOM_UTF16_BE + "有事打我电话13800138000\n".encode("utf-16-be"))
    for name in ("gbk.txt", "u16be.txt"):
        r = run("check", "--format", "json", name)
        assert r.exit_code == 1 and r.stderr == "", (name, r.stderr)
        assert json.loads(r.stdout)[-1]["findings"][0]["rule"] == "contact.mobile"


def _workbook() -> bytes:
    import io

    import openpyxl  # a dependency of kefulint (lint's .xlsx reader)

    wb = openpyxl.Workbook()
    wb.active.append(["短语内容"])
    wb.active.append(["加我微信 abc_123456"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "said"), [
    ("chat.jsonl.gz", gzip.compress('{"id": "a", "text": "加我微信 abc_123456"}\n'.encode(), mtime=0),
     ["gzip-compressed", "kefulint scan", "压缩"]),
    ("replies.txt.gz", gzip.compress("加我微信 abc_123456\n".encode(), mtime=0), ["gzip-compressed", "zcat"]),
    ("quick.xlsx", _workbook(), ["ZIP archive", "kefulint lint", ".xlsx"]),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["binary", "NUL bytes", "二进制"]),
], ids=["jsonl.gz", "txt.gz", "xlsx", "nul-bytes"])
def test_a_compressed_or_binary_file_is_an_error_naming_it(here, name, data, said):
    (here / name).write_bytes(data)
    r = run("check", name)
    assert r.exit_code == 2 and "0 messages" in r.stdout  # nothing was read, nothing passed
    assert f"kefulint: {name}: " in r.stderr and "undecodable bytes replaced" not in r.stderr
    for words in said:
        assert words in r.stderr
    piped = run("check", "-", input=data)
    assert piped.exit_code == 2 and "kefulint: -: " in piped.stderr and said[0] in piped.stderr


def test_a_file_unread_beside_readable_ones_still_stops(here):
    """The replies that could be read are checked and shown; the one that could not makes it exit 2."""
    (here / "ok.txt").write_text("好的亲\n", encoding="utf-8")
    (here / "chat.jsonl.gz").write_bytes(gzip.compress(b'{"id": "a", "text": "ok"}\n'))
    (here / "bare.txt").write_bytes("好的亲\n".encode("utf-16-le"))
    for other in ("chat.jsonl.gz", "bare.txt"):
        r = run("check", "ok.txt", other)
        assert r.exit_code == 2 and f"kefulint: {other}: " in r.stderr
        assert "1 messages, 0 with findings" in r.stdout


def test_jsonl_lines_end_at_newline_only(here):
    text = "亲，第一段\u2028第二段\u2029第三段"
    (here / "d.jsonl").write_text(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    (here / "d.txt").write_text(text + "\n", encoding="utf-8")
    for name in ("d.jsonl", "d.txt"):
        r = run("check", "--format", "json", name)
        assert r.exit_code == 0, r.stderr
        assert len(json.loads(r.stdout)) == 1 and json.loads(r.stdout)[0]["suggested_text"] == text


# --- scan --------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["-o", "--html", "--summary-json", "--skipped"])
def test_scan_output_that_is_a_directory_stops_before_scanning(here, option):
    (here / "log.jsonl").write_text('{"role": "agent", "text": "好的"}\n', encoding="utf-8")
    (here / "out").mkdir()
    r = run("scan", "log.jsonl", option, "out", "-q")
    assert r.exit_code == 2 and "'out' is a directory" in r.stderr and "Traceback" not in r.output


def test_scan_reads_a_csv_with_a_title_row_above_the_header(here):
    (here / "qianniu.csv").write_text("聊天记录导出 2024-11-11\n会话,角色,内容\nc1,买家,在吗\nc1,客服,加我微信 abc_123456\n",
                                      encoding="utf-8")
    r = run("scan", "-q", "-j", "1", "-o", "-", "qianniu.csv")
    assert r.exit_code == 1, r.stderr
    assert "contact.wechat-id" in {json.loads(line)["rule"] for line in r.stdout.splitlines()}


def test_scan_of_unknown_headers_names_them_and_suggests_map(here):
    (here / "log.csv").write_text("时间,发送人,消息内容\n2024-11-11 10:00,小美,亲在的\n", encoding="utf-8")
    r = run("scan", "-q", "-j", "1", "log.csv")
    assert r.exit_code == 2
    assert "'时间', '发送人', '消息内容'" in r.stderr and "--map text=COLUMN,role=COLUMN" in r.stderr
    assert "nothing was linted" in r.stderr


def test_scan_of_an_unknown_text_layout_suggests_a_line_pattern(here):
    (here / "chat.txt").write_text("[小美] 亲在的\n[买家] 有货吗\n", encoding="utf-8")
    r = run("scan", "-q", "-j", "1", "chat.txt")
    assert r.exit_code == 2
    assert "no line matches the line pattern (first line: '[小美] 亲在的')" in r.stderr
    assert "--line-pattern" in r.stderr


def test_scan_reads_utf16_with_a_bom(here):
    rows = [{"conversation": "c", "role": "buyer", "text": "在吗"}, {"conversation": "c", "role": "agent",
                                                                     "text": "加我微信 abc_123456"}]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows)
    (here / "log.jsonl").write_bytes(codecs.BOM_UTF16_LE + data.encode("utf-16-le"))
    r = run("scan", "-q", "-j", "1", "-o", "-", "--summary-json", "s.json", "log.jsonl")
    assert r.exit_code == 1, r.stderr
    summary = json.loads((here / "s.json").read_text(encoding="utf-8"))
    assert summary["files"][0]["encoding"] == "utf-16" and summary["counts"]["skipped"] == 0
    assert "contact.wechat-id" in r.stdout


# --- lint ----------------------------------------------------------------------------------------


def test_lint_finding_no_file_stops(here):
    (here / "replies").mkdir()
    (here / "replies" / "notes.docx").write_bytes(b"x")
    r = run("lint", "--no-cache", "replies")
    assert r.exit_code == 2 and "nothing was linted" in r.stderr


def test_lint_of_files_the_config_leaves_out_is_not_an_error(here):
    (here / "kefulint.toml").write_text('[lint]\ninclude = ["replies/**"]\n', encoding="utf-8")
    (here / "README.md").write_text("加我微信 abc_123456\n", encoding="utf-8")
    assert run("lint", "--no-cache", "README.md").exit_code == 0  # pre-commit passes every staged file


def test_lint_reads_the_reply_column_below_a_title_row(here):
    (here / "q.csv").write_text("千牛快捷短语导出\n分组,快捷编码,短语内容\n售后,a,加我微信 abc_123456\n", encoding="utf-8")
    r = run("lint", "--no-cache", "--format", "json", "q.csv")
    assert r.exit_code == 1
    [finding] = json.loads(r.stdout)["findings"]
    assert finding["rule"] == "contact.wechat-id" and finding["label"] == "短语内容"


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["check", "好的"], ["scan", "x.jsonl"], ["lint", "."], ["rules"]])
def test_a_misspelled_disable_stops_with_did_you_mean(here, command):
    r = run(command[0], "--disable", "contact.mobil", *command[1:])
    assert r.exit_code == 2
    assert "unknown rule, category or ruleset 'contact.mobil' (did you mean 'contact.mobile'?)" in r.stderr


def test_known_names_of_every_kind_are_accepted(here):
    r = run("check", "--disable", "contact", "--disable", "etiquette.banned_phrase", "--disable",
            "service.greeting", "--disable", "adlaw.absolute", "好的")
    assert r.exit_code == 0, r.stderr


def test_a_misspelled_command_or_rule_stops_with_did_you_mean():
    r = run("chek", "好的")
    assert r.exit_code == 2 and "no such command 'chek' (did you mean 'check'?)" in r.stderr
    r = run("rules", "contact.mobil")
    assert r.exit_code == 2 and "(did you mean 'contact.mobile'?)" in r.stderr
