"""``kefulint lint``: formats, exit codes, masking, suppressions, limits, config per file."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
PHONE = "13800138000"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "replies").mkdir()
    (tmp_path / "replies" / "quick.csv").write_text(
        "分组,快捷编码,短语内容\n售后,a1,亲，有事打我电话13800138000\n售前,a2,亲，欢迎光临\n", encoding="utf-8")
    (tmp_path / "replies" / "faq.md").write_text("# 标题\n\n亲，欢迎光临本店\n\n你问我，我问谁？\n", encoding="utf-8")
    return tmp_path


def lint(*args: str):
    return CliRunner().invoke(cli, ["lint", "--no-cache", *args])


def test_text_output_positions_masking_and_counts(repo):
    result = lint("replies")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "replies/quick.csv:2:15: error contact.mobile" in out
    assert "138****8000" in out and PHONE not in out
    assert "replies/faq.md:5:1: error etiquette.ask-me-ask-who" in out
    assert "(read 2 files, skipped 0, unreadable 0; linted 4 replies; 2 findings; 0 suppressed, 0 in baseline)" in out


def test_show_matches_unmasks(repo):
    assert PHONE in lint("replies", "--show-matches").stdout


def test_clean_files_exit_0(repo):
    (repo / "clean.txt").write_text("亲，欢迎光临\n", encoding="utf-8")
    result = lint("clean.txt")
    assert result.exit_code == 0, result.output
    assert "linted 1 replies; 0 findings" in result.stdout


def test_fail_on_and_config_fail_on(repo):
    (repo / "w.txt").write_text("售后热线4008123123\n", encoding="utf-8")  # contact.hotline is a warning
    assert lint("w.txt").exit_code == 0
    assert lint("w.txt", "--fail-on", "warning").exit_code == 1
    (repo / "kefulint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    assert lint("w.txt").exit_code == 1
    assert lint("w.txt", "--fail-on", "never").exit_code == 0
    assert lint("replies", "--fail-on", "never").exit_code == 0


def test_missing_path_is_a_usage_error(repo):
    result = lint("nope")
    assert result.exit_code == 2
    assert "nope: no such file or directory" in result.output


def test_unreadable_file_is_reported_and_the_run_goes_on(repo):
    (repo / "replies" / "bad.yaml").write_text("a: [1, 2\nb: c: d\n", encoding="utf-8")
    (repo / "replies" / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    result = lint("replies", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["summary"]["unreadable"] == 2 and doc["summary"]["files"] == 2
    errors = [f for f in doc["findings"] if f["rule"] == "kefulint.read-error"]
    assert {(f["path"], f["line"]) for f in errors} == {("replies/bad.yaml", 2), ("replies/bin.txt", 1)}
    assert any(f["rule"] == "contact.mobile" for f in doc["findings"])  # the other files were linted
    assert result.exit_code == 1


def test_json_and_jsonl(repo):
    doc = json.loads(lint("replies", "--format", "json").stdout)
    assert doc["schema"] == "kefulint.lint/1"
    assert doc["summary"] == {"files": 2, "skipped": 0, "unreadable": 0, "replies": 4, "findings": 2,
                              "suppressed": 0, "baselined": 0}
    mobile = next(f for f in doc["findings"] if f["rule"] == "contact.mobile")
    assert (mobile["path"], mobile["line"], mobile["column"], mobile["end_column"]) == ("replies/quick.csv", 2, 15, 26)
    assert mobile["match"] == "138****8000" and mobile["label"] == "短语内容" and mobile["fixable"] is True
    lines = lint("replies", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [{"schema": "kefulint.lint/1", **f} for f in doc["findings"]]


def test_sarif_validates_against_the_official_schema(repo):
    (repo / "replies" / "a.yaml").write_text("a: 你好 # kefulint: disable=adlaw\n", encoding="utf-8")
    result = lint("replies", "--format", "sarif", "-o", "out.sarif")
    assert result.exit_code == 1
    doc = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["contact.mobile"]["defaultConfiguration"]["level"] == "error"
    assert "建议" in rules["contact.mobile"]["help"]["text"]
    assert rules["kefulint.unused-suppression"]["defaultConfiguration"]["level"] == "warning"
    assert rules["service.greeting"]["properties"]["category"] == "service.greeting"  # conversation rules too
    results = {r["ruleId"]: r for r in run["results"]}
    region = results["contact.mobile"]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 2 and region["startColumn"] == 15
    assert region["snippet"]["text"] == "138****8000"
    assert results["kefulint.unused-suppression"]["level"] == "warning"
    assert run["tool"]["driver"]["rules"][results["contact.mobile"]["ruleIndex"]]["id"] == "contact.mobile"
    assert PHONE not in (repo / "out.sarif").read_text(encoding="utf-8")


def test_github_workflow_commands(repo):
    out = lint("replies", "--format", "github").stdout.splitlines()
    assert out[0].startswith("::error file=replies/faq.md,line=5,col=1,")
    mobile = next(line for line in out if "contact.mobile" in line)
    assert mobile.startswith("::error file=replies/quick.csv,line=2,col=15,endLine=2,endColumn=26,"
                             "title=kefulint contact.mobile::")
    assert "138****8000" in mobile and "%0A建议：" in mobile and PHONE not in mobile


def test_auto_format_picks_github_inside_actions(repo, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert lint("replies", "--format", "auto").stdout.startswith("::error file=")
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert lint("replies", "--format", "auto").stdout.startswith("replies/faq.md:5:1: error")


def test_junit_xml(repo):
    (repo / "replies" / "ok.txt").write_text("亲，欢迎\n", encoding="utf-8")
    root = ET.fromstring(lint("replies", "--format", "junit").stdout)
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "2"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert suites["replies/ok.txt"].find("testcase").find("failure") is None
    failure = suites["replies/quick.csv"].find("testcase/failure")
    assert failure.get("type") == "error contact.mobile" and "138****8000" in failure.text


def test_csv_report(repo):
    out = lint("replies", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    mobile = next(r for r in rows if r["rule"] == "contact.mobile")
    assert (mobile["path"], mobile["line"], mobile["column"], mobile["match"]) == ("replies/quick.csv", "2", "15",
                                                                                  "138****8000")


def test_csv_report_neutralises_cells_that_start_like_a_formula(repo):
    """Excel runs a cell that starts with = + - @ (or a tab / CR): such text gets a leading '."""
    (repo / "replies" / "evil.yaml").write_text('"=cmd|\' /C calc\'!A0": 加我微信 abc_123456\n', encoding="utf-8")
    (repo / "=1+2.txt").write_text("加我微信 abc_123456\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(lint("replies", "=1+2.txt", "--format", "csv").stdout.lstrip("\ufeff"))))
    wechat = {r["path"]: r for r in rows if r["rule"] == "contact.wechat-id"}
    assert wechat["replies/evil.yaml"]["label"] == "'=cmd|' /C calc'!A0"  # the key the reply came from
    assert [wechat["'=1+2.txt"][k] for k in ("line", "column", "points")] == ["1", "6", "6"]


def test_suppressions_and_unused_suppression_warning(repo):
    (repo / "s.yaml").write_text(
        "# kefulint: disable-next-line=contact.mobile\n"
        "a: 电话13800138000\n"
        "b: 电话13800138001  # kefulint: disable=contact.phone\n"
        "c: 你好  # kefulint: disable=contact.wechat-id\n"
        "d: 电话13800138002\n", encoding="utf-8")
    doc = json.loads(lint("s.yaml", "--format", "json").stdout)
    assert doc["summary"]["suppressed"] == 2
    got = sorted((f["rule"], f["line"], f["column"]) for f in doc["findings"])
    assert got == [("contact.mobile", 5, 6), ("kefulint.unused-suppression", 4, 8)]
    unused = next(f for f in doc["findings"] if f["rule"] == "kefulint.unused-suppression")
    assert unused["severity"] == "warning" and "contact.wechat-id" in unused["message"]


def test_file_level_disable_and_all(repo):
    (repo / "t.txt").write_text("电话13800138000\n# kefulint: disable=all\n电话13800138001\n你问我，我问谁\n",
                                encoding="utf-8")
    doc = json.loads(lint("t.txt", "--format", "json").stdout)
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("contact.mobile", 1)]
    assert doc["summary"]["suppressed"] == 2


def test_csv_suppress_column(repo):
    (repo / "kefulint.toml").write_text('[lint]\nsuppress-column = "kefulint"\n', encoding="utf-8")
    (repo / "q.csv").write_text("短语内容,kefulint\n电话13800138000,contact.mobile\n电话13800138001,\n"
                                "你好,etiquette\n", encoding="utf-8")
    doc = json.loads(lint("q.csv", "--format", "json").stdout)
    assert sorted((f["rule"], f["line"]) for f in doc["findings"]) == [
        ("contact.mobile", 3), ("kefulint.unused-suppression", 4)]


def test_max_points_per_file(repo):
    (repo / "kefulint.toml").write_text("[lint]\nmax-points = 5\n", encoding="utf-8")
    (repo / "w.txt").write_text("售后热线4008123123\n", encoding="utf-8")  # a 2-point warning
    assert lint("w.txt").exit_code == 0
    result = lint("w.txt", "--max-points", "1", "--format", "json")
    assert result.exit_code == 1
    [limit] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "kefulint.max-points"]
    assert "max-points = 1" in limit["message"]


def test_nearest_config_per_file_and_include_exclude(repo):
    (repo / "kefulint.toml").write_text('[lint]\nexclude = ["drafts/"]\n', encoding="utf-8")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "d.txt").write_text("电话13800138000\n", encoding="utf-8")
    shop = repo / "shop"
    shop.mkdir()
    (shop / "kefulint.toml").write_text('disable = ["contact.mobile"]\n', encoding="utf-8")
    (shop / "a.txt").write_text("电话13800138000\n", encoding="utf-8")
    (repo / "b.txt").write_text("电话13800138000\n", encoding="utf-8")
    doc = json.loads(lint(".", "--format", "json").stdout)
    paths = {f["path"] for f in doc["findings"] if f["rule"] == "contact.mobile"}
    assert paths == {"b.txt", "replies/quick.csv"}  # shop/ turns the rule off; drafts/ is excluded
    assert doc["skipped"] == [{"path": "drafts/", "reason": "in [lint] exclude"}]  # listed once, not walked


def test_explicit_unsupported_file_is_skipped(repo):
    (repo / "x.py").write_text("print()\n", encoding="utf-8")
    result = lint("x.py")
    assert result.exit_code == 2  # nothing was linted
    assert "skipped: x.py: unsupported file type" in result.stdout


def test_xlsx_findings_carry_row_and_column(repo):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["分组", "短语内容"])
    book.active.append(["售后", "亲，有事打我电话13800138000"])
    book.save(repo / "q.xlsx")
    [f] = json.loads(lint("q.xlsx", "--format", "json").stdout)["findings"]
    assert (f["rule"], f["line"], f["column"], f["fixable"]) == ("contact.mobile", 2, 2, False)
