"""``--fix`` and ``--diff``: safe rewrites that keep encoding, line endings and mode, never
touch suppressed findings, never break the file's structure, and are idempotent."""
from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from kefulint.cli.main import cli
from kefulint.config import LintOptions
from kefulint.templates import ReadError, parse_source
from kefulint.templates.run import Runner

SHOP_RULES = """
[[rule]]
id = "shop.bad-word"
kind = "pattern"
category = "etiquette.banned_phrase"
severity = "error"
points = 1
phrases = ["坏词"]
fix = "suggestion"
message = "店规禁用词"
suggestion = "好,词"
examples.bad = ["这是坏词"]
examples.good = ["这是好词"]
"""


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, ["lint", "--no-cache", *args])


def test_diff_shows_the_changed_clauses_masked_and_writes_nothing(here):
    original = "亲，有事打我电话13800138000\n你问我，我问谁？我再查查\n"
    (here / "a.txt").write_text(original, encoding="utf-8")
    result = run("a.txt", "--diff")
    assert result.exit_code == 1
    out = result.stdout
    # one readable line per rewritten clause, then the unified diff (patch skips the lines before ---)
    assert out.startswith("a.txt:1:1: 「亲，有事打我电话138****8000」 → 「亲，有问题请直接在旺旺上联系我们哦」\n"
                          "a.txt:2:1: 「你问我，我问谁？」 → 「亲，这个问题我马上帮您核实，请您稍等片刻。」\n"
                          "--- a/a.txt\n+++ b/a.txt\n")
    assert "-你问我，我问谁？我再查查\n" in out and "+亲，这个问题我马上帮您核实，请您稍等片刻。我再查查\n" in out
    assert "13800138000" not in out and "138****8000" in out
    assert (here / "a.txt").read_text(encoding="utf-8") == original
    assert "-亲，有事打我电话13800138000\n" in run("a.txt", "--diff", "--show-matches").stdout


def test_fix_writes_a_standard_sentence_once_as_the_suggested_text_does(here):
    from kefulint import Linter

    reply = "加我微信 abc_123。电话13800138000"
    (here / "a.txt").write_text(reply + "\n", encoding="utf-8")
    assert run("a.txt", "--fix").exit_code == 0
    # before: 亲，有问题请直接在旺旺上联系我们哦。有问题请直接在旺旺上联系我们哦
    assert (here / "a.txt").read_text(encoding="utf-8") == "亲，有问题请直接在旺旺上联系我们哦\n"
    assert Linter.default().check(reply).suggested_text == "亲，有问题请直接在旺旺上联系我们哦"


def test_a_fix_of_a_rule_without_a_declared_fix_is_unsafe_not_a_rewrite(here):
    """check suggests a rewrite of 好评返现5元 (needs_rewrite false); lint said 需要人工改写 for the
    same reply. Now lint says the fix is unsafe, --fix leaves it, --fix --unsafe-fixes writes it."""
    (here / "a.txt").write_text("好评返现5元\n", encoding="utf-8")
    result = run("a.txt", "--format", "json")
    [f] = json.loads(result.stdout)["findings"]
    assert (f["fixable"], f["unsafe_fixable"], f["needs_rewrite"]) == (False, True, False)
    assert "(可用 --unsafe-fixes 修正 unsafe fix)" in run("a.txt").stdout
    fixed = run("a.txt", "--fix")
    assert fixed.exit_code == 1 and "unsafe fixes not applied to 1 findings: add --unsafe-fixes" in fixed.output
    assert "could not be rewritten safely" not in fixed.output
    assert (here / "a.txt").read_text(encoding="utf-8") == "好评返现5元\n"
    assert run("a.txt", "--fix", "--unsafe-fixes").exit_code == 0
    assert (here / "a.txt").read_text(encoding="utf-8") == "亲，用得满意的话欢迎给个真实评价，谢谢您的支持\n"


def test_unsafe_fixable_survives_the_cache(here):
    (here / "a.txt").write_text("全网最低价\n", encoding="utf-8")
    first, second = (CliRunner().invoke(cli, ["lint", "a.txt", "--format", "json"]) for _ in range(2))
    assert first.stdout == second.stdout
    assert json.loads(second.stdout)["findings"][0]["unsafe_fixable"] is True


_REPLIES = ["好评返现5元", "亲，我们家这款是全网最低价，闭眼入不会错！", "你问我，我问谁？", "电话13800138000",
            "加我微信 abc_123，好评返现5元", "亲，有事打我电话13800138000，全网最低", "亲，欢迎光临"]


def test_lint_and_check_agree_on_fixes_and_needs_rewrite(here):
    """needs_rewrite by the same criterion in both; a reply that lint --fix --unsafe-fixes
    rewrites reads as check's suggested text, and lint --fix alone writes only safe fixes."""
    from kefulint import Linter

    linter = Linter.default()
    (here / "a.txt").write_text("".join(r + "\n" for r in _REPLIES), encoding="utf-8")
    found = json.loads(run("a.txt", "--format", "json").stdout)["findings"]
    for line, reply in enumerate(_REPLIES, 1):
        res = linter.check(reply)
        assert [f["needs_rewrite"] for f in found if f["line"] == line] == \
            [d["needs_rewrite"] for d in res.finding_dicts()], reply
        assert all(f["fixable"] or f["unsafe_fixable"] or f["needs_rewrite"] or f["severity"] != "error"
                   for f in found if f["line"] == line), reply
    safe = {f["line"] for f in found if f["fixable"]}
    assert run("a.txt", "--fix").exit_code == 1
    after_safe = (here / "a.txt").read_text(encoding="utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(after_safe, _REPLIES, strict=True), 1) if a != b] == sorted(safe)
    run("a.txt", "--fix", "--unsafe-fixes")
    after = (here / "a.txt").read_text(encoding="utf-8").splitlines()
    assert after == [linter.check(r).suggested_text for r in after_safe]


def test_fix_keeps_gbk_crlf_and_mode_and_is_idempotent(here):
    path = here / "q.csv"
    path.write_bytes("分组,短语内容\r\n售后,亲，有事打我电话13800138000\r\n售前,你问我，我问谁？\r\n".encode("gbk"))
    os.chmod(path, 0o640)
    result = run("q.csv", "--fix")
    assert result.exit_code == 0, result.output
    assert "fixed: q.csv" in result.output
    expected = "分组,短语内容\r\n售后,亲，有问题请直接在旺旺上联系我们哦\r\n售前,亲，这个问题我马上帮您核实，请您稍等片刻\r\n"
    assert path.read_bytes() == expected.encode("gbk")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    again = run("q.csv", "--fix")
    assert again.exit_code == 0 and "fixed:" not in again.output
    assert path.read_bytes() == expected.encode("gbk")
    assert [p.name for p in here.iterdir()] == ["q.csv"]  # no temporary file left behind


def test_fix_keeps_utf8_bom_and_final_line_without_newline(here):
    path = here / "a.md"
    path.write_bytes("\ufeff# 标题\n\n- 你问我，我问谁？".encode("utf-8"))
    assert run("a.md", "--fix").exit_code == 0
    assert path.read_bytes() == "\ufeff# 标题\n\n- 亲，这个问题我马上帮您核实，请您稍等片刻".encode("utf-8")


def test_fix_never_touches_suppressed_findings(here):
    text = ("a: 你问我，我问谁？  # kefulint: disable=etiquette\n"
            "b: 你问我，我问谁？\n")
    (here / "a.yaml").write_text(text, encoding="utf-8")
    assert run("a.yaml", "--fix").exit_code == 0
    assert (here / "a.yaml").read_text(encoding="utf-8") == (
        "a: 你问我，我问谁？  # kefulint: disable=etiquette\n"
        "b: 亲，这个问题我马上帮您核实，请您稍等片刻\n")


def test_escaped_text_is_left_as_a_suggestion(here):
    text = '{"a": "电话138001\\u00338000", "b": "电话13800138000"}\n'
    (here / "a.json").write_text(text, encoding="utf-8")
    result = run("a.json", "--fix", "--format", "json")
    fixed = (here / "a.json").read_text(encoding="utf-8")
    assert fixed == '{"a": "电话138001\\u00338000", "b": "亲，有问题请直接在旺旺上联系我们哦"}\n'
    assert result.exit_code == 1  # the escaped number is still reported
    [left] = json.loads(result.stdout)["findings"]
    assert left["column"] == 10 and left["fixable"] is False and left["needs_rewrite"] is True


def test_fix_that_would_break_the_table_is_not_applied(here):
    (here / "shop.toml").write_text(SHOP_RULES, encoding="utf-8")
    path = here / "q.csv"
    original = '短语内容,备注\n这是坏词,x\n"引号里的坏词",y\n'
    path.write_text(original, encoding="utf-8")
    result = run("q.csv", "--fix", "--ruleset", "shop.toml", "--disable", "contact")
    # the unquoted cell would gain a comma: the whole file is left alone and said so
    assert path.read_text(encoding="utf-8") == original
    assert "fixes not applied" in result.output
    path.write_text('短语内容,备注\n"引号里的坏词",y\n', encoding="utf-8")
    assert run("q.csv", "--fix", "--ruleset", "shop.toml").exit_code == 0
    assert path.read_text(encoding="utf-8") == '短语内容,备注\n"好,词",y\n'


def test_fix_in_block_scalar_and_markdown_paragraph(here):
    (here / "a.yaml").write_text("answer: |\n  亲，请拨打\n  13800138000 谢谢\n", encoding="utf-8")
    (here / "b.md").write_text("第一行。\n电话 13800138000\n", encoding="utf-8")
    assert run(".", "--fix").exit_code == 1  # the YAML reply is still reported
    # the invitation runs over the line break: the whole reply goes, which the block cannot take
    assert (here / "a.yaml").read_text(encoding="utf-8") == "answer: |\n  亲，请拨打\n  13800138000 谢谢\n"
    assert (here / "b.md").read_text(encoding="utf-8") == "第一行。\n有问题请直接在旺旺上联系我们哦\n"


def test_a_fix_in_markdown_takes_inline_markup_whole_or_keeps_it(here):
    """A reply rewritten whole loses its markers with it; a clause rewritten inside bold keeps the
    bold; a removed clause that was all a pair held takes the pair (no empty ****); a second
    --fix changes nothing."""
    (here / "a.md").write_text(
        "- **微信 abc12345** 有事找我\n"
        "- 回复：亲，**这款好评返现5元**哦，**谢谢**\n"
        "- 价格实惠，**全网最低价**\n", encoding="utf-8")
    assert run("a.md", "--fix", "--unsafe-fixes").exit_code == 0
    fixed = (here / "a.md").read_text(encoding="utf-8")
    assert fixed.splitlines()[0] == "- 亲，有问题请直接在旺旺上联系我们哦"
    assert "**谢谢**" in fixed and "****" not in fixed
    assert fixed.count("**") % 2 == 0
    assert run("a.md").exit_code == 0
    assert run("a.md", "--fix", "--unsafe-fixes").exit_code == 0
    assert (here / "a.md").read_text(encoding="utf-8") == fixed


_PIECES = ["亲，", "你问我，我问谁？", "电话13800138000", "加我微信 abc_123", "，", " ", "\n", "\r\n", '"', ",",
           "# kefulint: disable=contact", "- ", "答：", "全网最低价", "\t", "：", "''", "**", "~~", "`", "__"]


@pytest.mark.parametrize("unsafe_fixes", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".csv", ".yaml"])
def test_fix_is_idempotent_and_keeps_files_readable(tmp_path, suffix, unsafe_fixes):
    """Random files of reply pieces: --fix either rewrites into a file that reads back, or
    leaves it alone; a second --fix never changes anything."""
    counter = iter(range(10**6))
    runner = Runner(use_cache=False)  # one compiled rule set for every example

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=14))
    def check(pieces):
        body = "".join(pieces)
        if suffix == ".csv":
            body = "内容\n" + body
        elif suffix == ".yaml":
            body = "a: " + body
        path = tmp_path / f"f{next(counter)}{suffix}"
        path.write_bytes(body.encode("utf-8"))
        try:
            parse_source(path.name, suffix, body.encode("utf-8"), LintOptions())
        except ReadError:
            readable = False
        else:
            readable = True
        runner.run([str(path)], fix=True, unsafe_fixes=unsafe_fixes)
        once = path.read_bytes()
        if readable:
            parse_source(path.name, suffix, once, LintOptions())  # still readable
        else:
            assert once == body.encode("utf-8")
        runner.run([str(path)], fix=True, unsafe_fixes=unsafe_fixes)
        assert path.read_bytes() == once

    check()
