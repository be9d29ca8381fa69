"""Template readers: the replies each format yields, and where each sits in the ORIGINAL file."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from kefulint.cli.main import cli
from kefulint.config import LintOptions
from kefulint.templates import ReadError, parse_source
from kefulint.templates.source import decode, label_text


def read(suffix: str, text: str | bytes, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_source(f"f{suffix}", suffix, data, LintOptions(**options))


def texts(source) -> list[str]:
    return [r.text for r in source.replies]


def pos(source, needle: str) -> tuple[int, int]:
    """(line, column) in the file of the first occurrence of ``needle`` inside any reply."""
    for r in source.replies:
        i = r.text.find(needle)
        if i >= 0:
            return source.reply_position(r, i)
    raise AssertionError(f"{needle!r} not in any reply")


def assert_verbatim_chars_map_back(source) -> None:
    for r in source.replies:
        for i, ch in enumerate(r.text):
            if r.is_verbatim(i, i + 1):
                assert source.text[r.file_offset(i)] == ch, (r.text, i)


def file_pos(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


# --- txt ------------------------------------------------------------------------------------

TXT = "# 售后话术\n亲，您好\n\n  加我微信 abc_123  \n第三条\r\n第四条 # kefulint: disable=contact\n"


def test_txt_one_reply_per_line():
    s = read(".txt", TXT)
    assert texts(s) == ["亲，您好", "加我微信 abc_123", "第三条", "第四条"]
    assert pos(s, "abc_123") == file_pos(TXT, "abc_123") == (4, 8)
    assert_verbatim_chars_map_back(s)
    [d] = s.directives
    assert (d.line, d.kind, d.rules, d.first, d.last) == (6, "disable", ("contact",), 6, 6)


def test_txt_paragraph_mode():
    s = read(".txt", "第一行\n第二行 加微信 abc_123\n\n另一段\n", txt_mode="paragraph")
    assert texts(s) == ["第一行\n第二行 加微信 abc_123", "另一段"]
    assert pos(s, "abc") == (2, 9)
    assert_verbatim_chars_map_back(s)


# --- markdown -------------------------------------------------------------------------------

MD = """---
title: 话术
---
# 标题 加微信 abc_123

- 第一条
- 第二条
  续行 13800138000
1. 有序第一条

> 引用里的话术 扣扣 12345678

```
代码 13800138000
```

<!-- kefulint: disable-next-line=contact.mobile -->
普通段落 13800138000

| 编码 | 内容 |
|---|---|
| a1 | 微信 abc_123 |
"""


def test_markdown_blocks_and_skipped_syntax():
    s = read(".md", MD)
    assert texts(s) == ["第一条", "第二条\n续行 13800138000", "有序第一条", "引用里的话术 扣扣 12345678",
                        "普通段落 13800138000", "编码", "内容", "a1", "微信 abc_123"]
    assert pos(s, "13800138000") == (8, 6)
    assert pos(s, "12345678") == file_pos(MD, "12345678")
    assert pos(s, "abc_123") == (22, 11)  # the table cell, not the heading
    assert_verbatim_chars_map_back(s)
    [d] = s.directives
    assert (d.line, d.kind, d.first, d.last) == (17, "disable-next-line", 18, 18)


def test_markdown_block_quote_after_a_list_item_or_paragraph_is_a_reply_of_its_own():
    # a `>` line opens a block quote: no lazy continuation of the item or paragraph above (CommonMark)
    text = "- **你问我，我问谁？** 物流问快递\n> 亲，有事打我电话13800138000哦\n\n普通段落\n> 引用\n"
    s = read(".md", text)
    assert texts(s) == ["你问我，我问谁？ 物流问快递", "亲，有事打我电话13800138000哦", "普通段落", "引用"]
    assert pos(s, "13800138000") == file_pos(text, "13800138000") == (2, 11)
    assert_verbatim_chars_map_back(s)


def test_markdown_inline_markup_is_left_out_of_the_reply_and_columns_point_at_the_file():
    text = ("- 回复：**好评返现** 5元\n- 这是`abc12345`微信号\n- ~~全网最低~~ 性价比高\n"
            "| 问题 | 回复 |\n|---|---|\n| 加微信 | **vx：abc12345** 亲 |\n")
    s = read(".md", text)
    assert texts(s) == ["回复：好评返现 5元", "这是abc12345微信号", "全网最低 性价比高", "问题", "回复", "加微信",
                        "vx：abc12345 亲"]
    assert pos(s, "好评返现 5元") == file_pos(text, "好评返现** 5元") == (1, 8)
    assert pos(s, "5元") == file_pos(text, "5元")
    assert pos(s, "abc12345微信号") == file_pos(text, "abc12345`微信号")
    assert pos(s, "vx") == file_pos(text, "vx")
    assert_verbatim_chars_map_back(s)
    assert s.replies[0].markup == ((5, 7, 11, 13),)  # the file offsets of ** and **


@pytest.mark.parametrize("line", [
    "尺寸40*60*80cm 单个星号是乘号",  # single * and _ are no markup here
    "微信号 shanshan_tb_88 不拆",
    "snake__case__id 在词里的 __ 不是加粗",
    "隐藏号码 139****5678 不是加粗",
    "只有开头的 **加粗 没有结尾",
    "前后空格 ** 不加粗 **",
    "`代码里 **不算** 加粗`",
])
def test_markdown_text_that_is_no_inline_markup_stays_as_written(line):
    s = read(".md", line + "\n")
    expected = line.strip("`") if line.startswith("`") else line
    assert texts(s) == [expected]


def test_markdown_line_without_quote_marker_continues_the_quote_lazily():
    # as in CommonMark: a plain line after a quoted one, and a shallower quote after a deeper one,
    # continue its paragraph; a deeper quote opens a new one
    s = read(".md", "> 引用 a\n懒惰续行\n> 引用 b\n> > 内层\n> 外层续\n")
    assert texts(s) == ["引用 a\n懒惰续行\n引用 b", "内层\n外层续"]


def test_markdown_list_item_then_quote_both_fixed(tmp_path, monkeypatch):
    # read as one reply, both findings needed rewriting: one fix could not take both clauses
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("- 你问我，我问谁？物流问快递\n> 亲，有事打我电话13800138000哦\n", encoding="utf-8")
    doc = CliRunner().invoke(cli, ["lint", "--no-cache", "--format", "json", "a.md"]).stdout
    found = json.loads(doc)["findings"]
    assert [(f["rule"], f["line"], f["fixable"], f["needs_rewrite"]) for f in found] == [
        ("etiquette.ask-me-ask-who", 1, True, False), ("contact.mobile", 2, True, False)]
    assert CliRunner().invoke(cli, ["lint", "--no-cache", "--fix", "a.md"]).exit_code == 0
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (
        "- 亲，这个问题我马上帮您核实，请您稍等片刻。物流问快递\n> 亲，有问题请直接在旺旺上联系我们哦\n")


# --- csv / tsv --------------------------------------------------------------------------------

CSV = ('分组,快捷编码,短语内容\n售后,a1,"亲，加我微信 abc_123 哦"\n'
       '售前,a2,"多行\n第二行 ""引号"" 扣扣 12345678"\r\n活动,a3,  前后有空格 13800138000  \n')


def test_csv_reply_column_detected_and_cells_placed():
    s = read(".csv", CSV)
    assert texts(s) == ["亲，加我微信 abc_123 哦", '多行\n第二行 "引号" 扣扣 12345678', "前后有空格 13800138000"]
    assert [r.label for r in s.replies] == ["短语内容"] * 3
    assert pos(s, "abc_123") == file_pos(CSV, "abc_123")
    assert pos(s, "12345678") == file_pos(CSV, "12345678")  # after a "" escape and a line break
    assert pos(s, "13800138000") == file_pos(CSV, "13800138000")
    assert_verbatim_chars_map_back(s)
    quoted = s.replies[1]
    i = quoted.text.index('"')
    assert not quoted.is_verbatim(i, i + 2)  # spans the "" escape: not safe to rewrite


def test_csv_configured_columns_and_errors():
    s = read(".csv", "编码,标题,答复\nx,你好,加微信 abc\n", columns=("标题", "答复"))
    assert texts(s) == ["你好", "加微信 abc"]
    with pytest.raises(ReadError, match="none of the reply columns 内容 in the header"):
        read(".csv", "编码,标题\nx,y\n", columns=("内容",))
    with pytest.raises(ReadError, match=r"no reply column found; set \[lint\] columns"):
        read(".csv", "编码,标题\nx,y\n")
    with pytest.raises(ReadError, match="line 2: quoted field never closed"):
        read(".csv", '内容\n"未闭合\n')


def test_header_below_title_rows():
    text = "千牛快捷短语导出,,\n导出时间 2024-11-11,,\n分组,快捷编码,短语内容\n售后,a1,加微信 abc_123\n"
    s = read(".csv", text)
    assert texts(s) == ["加微信 abc_123"]
    assert pos(s, "abc") == (4, 11)


def test_single_column_file_is_read_whole():
    assert texts(read(".csv", "你好\n加微信 abc_123\n")) == ["你好", "加微信 abc_123"]


def test_tsv_and_semicolon_csv():
    assert texts(read(".tsv", "分组\t短语内容\n售后\t你好, 亲\n")) == ["你好, 亲"]
    assert texts(read(".csv", "分组;内容\n售后;你好, 亲\n")) == ["你好, 亲"]


def test_suppress_column_becomes_a_row_directive():
    s = read(".csv", "短语内容,kefulint\n加微信 abc_123,contact.wechat\n你好,\n", suppress_column="kefulint")
    [d] = s.directives
    assert (d.line, d.column, d.rules, d.replies) == (2, 13, ("contact.wechat",), (0,))


# --- encodings ----------------------------------------------------------------------------------


def test_gbk_and_bom_files_decode():
    text = "短语内容\n亲，加我微信 abc_123\n"
    s = read(".csv", text.encode("gbk"))
    assert s.encoding == "gb18030" and texts(s) == ["亲，加我微信 abc_123"]
    assert pos(s, "abc") == (2, 8)
    s = read(".txt", "\ufeff你好\n".encode("utf-8"))
    assert s.encoding == "utf-8-sig" and texts(s) == ["你好"]
    assert read(".txt", "你好\n".encode("utf-16")).encoding == "utf-16"


def test_undecodable_and_binary_bytes_are_read_errors():
    with pytest.raises(ReadError, match="binary file"):
        decode(b"PK\x03\x04\x00\x00garbage")
    with pytest.raises(ReadError, match="neither UTF-8 nor GBK/GB18030"):
        decode(b"abc \x81\x20 x")


# --- json ---------------------------------------------------------------------------------------

JSON = '{\n  "greeting": "亲，您好",\n  "faq": [{"q": "联系", "answer": "转义\\u5fae信 abc_123"},\n' \
       '          {"answer": "换行\\n第二句 扣扣 12345678", "n": 3, "ok": true}],\n  "empty": ""\n}\n'


def test_json_every_string_value_with_positions():
    s = read(".json", JSON)
    assert texts(s) == ["亲，您好", "联系", "转义微信 abc_123", "换行\n第二句 扣扣 12345678"]
    assert [label_text(r.label) for r in s.replies] == ["greeting", "faq[0].q", "faq[0].answer", "faq[1].answer"]
    assert pos(s, "abc_123") == file_pos(JSON, "abc_123")
    assert pos(s, "12345678") == file_pos(JSON, "12345678")


def test_json_keys_select_values():
    s = read(".json", JSON, keys=("answer",))
    assert texts(s) == ["转义微信 abc_123", "换行\n第二句 扣扣 12345678"]


def test_invalid_json_reports_line_and_column():
    with pytest.raises(ReadError, match=r"line 2, column 1: invalid JSON"):
        read(".json", '{"a": 1,\n}')


# --- yaml ---------------------------------------------------------------------------------------

YAML = """# 话术
intents:
  - id: urgent
    answer: |
      亲，紧急问题可以打
      13800138000
  - id: folded
    answer: 这是一句很长的
      续行的话 扣扣 12345678
  - answer: "转义\\u5fae信 abc_123"  # kefulint: disable=contact.wechat
    count: 3
    anchor: &a 共享 a
    alias: *a
"""


def test_yaml_string_values_with_positions():
    s = read(".yaml", YAML)
    assert texts(s) == ["urgent", "亲，紧急问题可以打\n13800138000", "folded", "这是一句很长的 续行的话 扣扣 12345678",
                        "转义微信 abc_123", "共享 a"]
    assert pos(s, "13800138000") == file_pos(YAML, "13800138000")
    assert pos(s, "12345678") == file_pos(YAML, "12345678")
    assert pos(s, "abc_123") == file_pos(YAML, "abc_123")
    [d] = s.directives
    assert (d.line, d.first, d.last, d.rules) == (10, 10, 10, ("contact.wechat",))


def test_yaml_keys_and_comment_like_text_inside_strings():
    s = read(".yml", 'a:\n  answer: "不是注释 # kefulint: disable=x"\n  other: 你好\n', keys=("answer",))
    assert texts(s) == ["不是注释 # kefulint: disable=x"]
    assert s.directives == []


def test_invalid_yaml_reports_line():
    with pytest.raises(ReadError, match=r"line 2, column \d+: invalid YAML"):
        read(".yaml", "a: [1, 2\nb: c: d\n")


# --- xlsx ---------------------------------------------------------------------------------------


def xlsx_bytes(tmp_path, rows_by_sheet: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in rows_by_sheet.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "q.xlsx"
    book.save(path)
    return path.read_bytes()


def test_xlsx_rows_and_cells(tmp_path):
    data = xlsx_bytes(tmp_path, {
        "快捷短语": [["分组", "快捷编码", "短语内容", "kefulint"], ["售后", "a1", "亲，加我微信 abc_123", None],
                 [None, None, None, None], ["售前", "a2", "你好", "contact"], ["x", "n", 12, None]],
        "第二页": [["内容"], ["扣扣 12345678"]],
    })
    s = parse_source("q.xlsx", ".xlsx", data, LintOptions(suppress_column="kefulint"))
    assert texts(s) == ["亲，加我微信 abc_123", "你好", "扣扣 12345678"]
    assert [r.cell for r in s.replies] == [(2, 3), (4, 3), (2, 1)]
    assert [r.label for r in s.replies] == ["快捷短语!短语内容", "快捷短语!短语内容", "第二页!内容"]
    assert s.reply_position(s.replies[0], 5) == (2, 3)
    assert not s.fixable
    [d] = s.directives
    assert (d.line, d.column, d.rules, d.replies) == (4, 4, ("contact",), (1,))


def test_broken_xlsx_is_a_read_error():
    with pytest.raises(ReadError, match="not a readable .xlsx"):
        parse_source("q.xlsx", ".xlsx", b"not a zip", LintOptions())


def test_xlsx_from_a_newer_zip_version_is_a_read_error(tmp_path):
    """zipfile raises NotImplementedError for a member that needs a newer zip version (found by the
    hostile-input properties)."""
    data = bytearray(xlsx_bytes(tmp_path, {"Sheet": [["回复"], ["您好"]]}))
    at = data.find(b"PK\x01\x02")  # the first central directory entry
    data[at + 6 : at + 8] = (64).to_bytes(2, "little")  # version needed to extract: 6.4
    with pytest.raises(ReadError, match="not a readable .xlsx workbook \\(NotImplementedError"):
        parse_source("q.xlsx", ".xlsx", bytes(data), LintOptions())


# --- CSV against the csv module, on generated rows -------------------------------------------

_cell = st.text(alphabet=st.sampled_from(list('亲微信 a1,"\n\t；：') + ["\u3000", "。"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cell, min_size=2, max_size=2), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_csv_reader_agrees_with_the_csv_module(rows, newline):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows([["编码", "内容"], *rows])
    text = buf.getvalue()
    s = read(".csv", text)
    expected = [r[1].strip() for r in csv.reader(io.StringIO(text, newline="")) if len(r) > 1][1:]
    assert texts(s) == [e for e in expected if e]
    assert_verbatim_chars_map_back(s)


# --- no input crashes a reader -------------------------------------------------------------

_SUFFIXES = [".txt", ".md", ".csv", ".tsv", ".json", ".yaml", ".xlsx"]
_text_soup = st.text(alphabet=st.sampled_from(list('亲微信a1 ,;\t"\'#-*|>:{}[]\\\n\r<!->`~=u0') + ["\u3000", "｜"]),
                     max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SUFFIXES), st.one_of(_text_soup.map(lambda t: t.encode("utf-8")), st.binary(max_size=60)))
def test_readers_never_crash(suffix, data):
    try:
        s = parse_source(f"f{suffix}", suffix, data, LintOptions(suppress_column="kefulint"))
    except ReadError:
        return
    lines = s.text.split("\n")
    for r in s.replies:
        assert r.text == r.text.strip() and r.text
        for i in range(len(r.text)):
            line, column = s.reply_position(r, i)
            if r.cell is None:
                assert 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1
            if s.verbatim_offset(r, i, i + 1) is not None:
                assert s.text[r.file_offset(i)] == r.text[i]


def test_yaml_labels_documents_complex_keys_and_aliases():
    text = ("---\nfaq:\n  - {q: 问, a: 答一}\n  - [嵌套, 列表]\n? [复杂, 键]\n: 复杂键的值\nbase: &b 锚点的话\ncopy: *b\n"
            "flag: yes\nn: 1.5\nempty: ~\n---\n- 第二个文档\n")
    s = read(".yaml", text)
    assert [(r.text, label_text(r.label)) for r in s.replies] == [
        ("问", "faq[0].q"), ("答一", "faq[0].a"), ("嵌套", "faq[1][0]"), ("列表", "faq[1][1]"),
        ("复杂键的值", "?"), ("锚点的话", "base"), ("第二个文档", "[0]")]
    assert pos(s, "答一") == file_pos(text, "答一")
