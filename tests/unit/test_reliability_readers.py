"""Hostile input (issue 7): every log reader, every template reader, config and ruleset loading
fed any Unicode, truncated UTF-8, GBK bytes, NUL bytes and 1 MB lines. Nothing escapes but the
documented errors (a Skip for a log line, ReadError for a template file, ConfigError /
RulesetError for settings), and every finding lies inside its text or file."""
from __future__ import annotations

import codecs
import gzip
import io
import json
import tempfile
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kefulint import Linter
from kefulint.config import ConfigError, LintOptions, load_config
from kefulint.errors import RulesetError
from kefulint.rules.schema import parse_ruleset
from kefulint.scan.config import parse_scan_section
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.pipeline import judge_stream
from kefulint.scan.readers import LogFormat, LogReader, Message, Skip
from kefulint.templates import ReadError, parse_source
from kefulint.templates.lint import lint_source

ROOT = Path(__file__).resolve().parents[2]
LINTER = Linter.default()
JUDGE = ConversationJudge(LINTER)
PROPS = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
MB = 1 << 20

# --- hostile bytes -----------------------------------------------------------------------

words = st.sampled_from(["亲", "您好", "加我微信 abc_123", "电话13800138000", "QQ 2837461950", "全网最低价", "\t", ",",
                         '"', "\n", "\r\n", "{", "}", ":", "agent", "buyer", "客服", "买家", "2024-11-11 10:00:01",
                         "店铺:小美", "\x00", "\ufeff", "😀", "\u200b", "１２３"])
texts = st.one_of(st.text(max_size=60), st.lists(words, max_size=25).map("".join))


@st.composite
def hostile_bytes(draw, lines: st.SearchStrategy) -> bytes:
    """Lines of a plausible file, then encoded oddly and mutated: GBK, truncated UTF-8, NUL."""
    body = "\n".join(draw(st.lists(lines, max_size=12)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]))
    data = body.encode(encoding, "replace")
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["truncate", "insert", "flip", "raw"]))
        if kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xe4\xbd", b"\xc4\xe3", b"\r", b"\n"])) + data[at:]
        elif kind == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        else:
            data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


@st.composite
def json_lines(draw) -> str:
    record = {k: draw(st.one_of(texts, st.integers(), st.none(), st.booleans(), st.floats(allow_nan=True)))
              for k in draw(st.lists(st.sampled_from(["text", "role", "conversation", "agent", "time", "内容"]),
                                     unique=True, max_size=5))}
    if draw(st.booleans()):
        record["role"] = draw(st.sampled_from(["agent", "buyer", "客服", "买家", "1", "0"]))
        record["text"] = draw(texts)
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    return line[: draw(st.integers(0, len(line)))] if draw(st.integers(0, 5)) == 0 else line


@st.composite
def table_lines(draw) -> str:
    cells = draw(st.lists(st.one_of(texts, st.sampled_from(["text", "role", "agent", "time", "conversation"])),
                          max_size=6))
    return draw(st.sampled_from([",", "\t", ";"])).join(cells)


jddc_lines = st.lists(texts, min_size=5, max_size=8).map(
    lambda cells: "\t".join(["0123456789abcdef0123", "u1", "1", "0", "0", "sku"][: max(len(cells) - 1, 0)] + cells[-1:]))
text_lines = st.one_of(st.tuples(st.sampled_from(["2024-11-11 10:00:01", "2024/1/5 9:03", "2024-13-45 99:99", ""]),
                                 st.sampled_from(["店铺:小美", "买家A", "客服：阿花", ""]), texts).map(" ".join), texts)
any_lines = st.one_of(json_lines(), table_lines(), jddc_lines, text_lines, texts)


def _physical_lines(data: bytes) -> int:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # read as the text it holds
        text = data.decode("utf-16", "replace")
        return text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _check_log(reader: LogReader, data: bytes) -> None:
    """Read everything, judge it, check every position; nothing raised."""
    items = list(judge_stream(reader, JUDGE, jobs=1))
    total = _physical_lines(data)
    assert reader.lines == total
    for item in items:
        if isinstance(item, Skip):
            assert 0 <= item.line <= total + 1 and item.reason
            continue
        assert 1 <= item.first_line <= total
        for turn in item.turns:
            text = turn.message.text
            assert 1 <= turn.message.line <= total
            for f in turn.findings:
                assert 0 <= f.start <= f.end <= len(text)
                assert f.match == text[f.start : f.end]
                assert 1 <= f.line <= text.count("\n") + 1 and f.column >= 1


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="kefulint-hostile-") as d:
        yield Path(d)


@pytest.mark.parametrize("fmt", ["auto", "jsonl", "csv", "tsv", "jddc", "text"])
@PROPS
@given(data=st.one_of(hostile_bytes(any_lines), st.binary(max_size=300)))
def test_log_reader_never_raises(fmt, data):
    _check_log(LogReader(["-"], LogFormat(format=fmt), stdin=io.BytesIO(data)), data)


@pytest.mark.parametrize("fmt", ["jsonl", "jddc"])
@PROPS
@given(data=hostile_bytes(st.one_of(json_lines(), jddc_lines, texts)))
def test_line_formats_lose_no_line(fmt, data):
    """Every non-blank line of a line-oriented log is exactly one message or one reported skip."""
    items = list(LogReader(["-"], LogFormat(format=fmt, encoding="utf-8"), stdin=io.BytesIO(data)))
    expected = []
    for number, raw in enumerate(io.BytesIO(data), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            expected.append(number)
            continue
        if (text.lstrip("\ufeff") if number == 1 else text).strip():
            expected.append(number)
    assert [i.line for i in items] == expected
    assert all(isinstance(i, Message | Skip) for i in items)


@pytest.mark.parametrize("name", ["chat.jsonl", "chat.csv", "chat.tsv", "chat.txt", "chat.jsonl.gz", "chat.csv.gz"])
@settings(PROPS, max_examples=examples(40))
@given(data=hostile_bytes(any_lines), corrupt_gzip=st.booleans())
def test_log_files_and_gzip_never_raise(workdir, name, data, corrupt_gzip):
    path = workdir / name
    raw = gzip.compress(data) if name.endswith(".gz") else data
    if name.endswith(".gz") and corrupt_gzip:
        raw = raw[: len(raw) // 2]  # a truncated download
    path.write_bytes(raw)
    reader = LogReader([str(path)])
    items = list(judge_stream(reader, JUDGE, jobs=1))
    if name.endswith(".gz") and corrupt_gzip:
        assert any(isinstance(i, Skip) for i in items)  # reported, not raised
    else:
        assert reader.lines == _physical_lines(data)


def test_line_pattern_with_odd_groups_never_raises():
    data = "2024-11-11 10:00:01 客服 小美 亲\n2024-11-11 10:00:02 买家 x 在吗\n\x00\n续行\n".encode()
    for pattern in (r"^(?P<time>\S+ \S+) (?P<role>\S+) (?P<agent>\S+) (?P<text>.*)$",
                    r"^(?P<time>\S+ \S+) (?P<buyer>买家)?(?P<agent>客服)? ?(?P<text>.*)$", r"^(?P<text>.*)$", r"(x)?"):
        _check_log(LogReader(["-"], LogFormat(format="text", line_pattern=pattern), stdin=io.BytesIO(data)), data)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "jddc", "text"])
def test_one_megabyte_lines(fmt):
    huge = "亲，" + "在的" * (MB // 6) + "加我微信 abc_123"
    if fmt == "jsonl":
        body = json.dumps({"role": "agent", "text": huge}, ensure_ascii=False) + "\n" + '{"role": "buyer", "text": "' + huge
    elif fmt == "csv":
        body = f"role,text\nagent,{huge}\nbuyer,\"{huge}\n"
    elif fmt == "jddc":
        body = f"0123456789abcdef0123\tu\t1\t0\t0\tsku\t{huge}\n"
    else:
        body = f"2024-11-11 10:00:01 店铺:小美 {huge}\n{huge}\n"
    data = body.encode("utf-8")
    reader = LogReader(["-"], LogFormat(format=fmt), stdin=io.BytesIO(data))
    items = list(judge_stream(reader, JUDGE, jobs=1))
    assert reader.lines == _physical_lines(data)
    judged = [i for i in items if not isinstance(i, Skip)]
    if fmt == "csv":  # over the csv module's field limit: reported with its line, not raised
        assert any(isinstance(i, Skip) and i.line >= 2 for i in items)
    else:
        rules = {f.rule for j in judged for t in j.turns for f in t.findings}
        assert "contact.wechat-id" in rules  # the end of a 1 MB message is still read and linted
    _check_log(LogReader(["-"], LogFormat(format=fmt), stdin=io.BytesIO(data)), data)


# --- template readers --------------------------------------------------------------------

TEMPLATE_SUFFIXES = [".txt", ".md", ".csv", ".tsv", ".json", ".yaml"]
template_lines = st.one_of(texts, table_lines(), st.sampled_from(
    ["# 标题", "- 亲，加我微信 abc_123", "```", "<!-- kefulint: disable=contact -->", "key: value", "- [a, b",
     '{"faq": [{"answer": "电话13800138000"}]}', "a: &x 1", "b: *x", "!!python/object:os.system x", "[", "]",
     "<!-- kefulint: disable-next-line -->", "分组,短语内容", "'''", "---", "...", "? complex", "  - 嵌套"]))


def _check_file_report(source_text: str, report) -> None:
    lines = source_text.split("\n")
    for f in report.findings:
        assert 1 <= f.line <= len(lines), (f.rule, f.line, len(lines))
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
        assert (f.end_line, f.end_column) >= (f.line, f.column)
        assert f.end_line <= len(lines) and f.end_column <= len(lines[f.end_line - 1]) + 2


@pytest.mark.parametrize("suffix", TEMPLATE_SUFFIXES)
@PROPS
@given(data=st.one_of(hostile_bytes(template_lines), st.binary(max_size=200)), mode=st.sampled_from(["line", "paragraph"]))
def test_template_readers_raise_only_read_error(suffix, data, mode):
    try:
        source = parse_source(f"t{suffix}", suffix, data, LintOptions(txt_mode=mode))
    except ReadError as exc:
        assert str(exc)
        return
    for reply in source.replies:
        for i in (0, len(reply.text) - 1) if reply.text else ():
            assert 0 <= reply.file_offset(i) < max(len(source.text), 1)
            if "\ufeff" not in source.text:  # PyYAML's marks skip a BOM; offsets then stay inside, off by one
                assert source.text[reply.file_offset(i)] == reply.text[i]
    report, _ = lint_source(source, LINTER)
    _check_file_report(source.text, report)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".csv", ".json", ".yaml"])
def test_template_one_megabyte_line(suffix):
    huge = "亲，" + "在的" * (MB // 6) + "加我微信 abc_123"
    body = {".txt": huge, ".md": f"# 标题\n\n{huge}\n", ".csv": f"短语内容\n{huge}\n",
            ".json": json.dumps({"answer": huge}, ensure_ascii=False), ".yaml": f"answer: {huge}\n"}[suffix]
    source = parse_source(f"t{suffix}", suffix, body.encode("utf-8"), LintOptions())
    report, _ = lint_source(source, LINTER)
    assert "contact.wechat-id" in {f.rule for f in report.findings}
    _check_file_report(source.text, report)


@pytest.fixture(scope="module")
def xlsx_bytes():
    import openpyxl  # a dependency of kefulint (the .xlsx reader)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["分组", "短语内容"])
    ws.append(["售后", "亲，加我微信 abc_123"])
    ws.append(["售前", "您好"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@settings(PROPS, max_examples=examples(60))
@given(cuts=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=4),
       truncate=st.booleans())
def test_xlsx_reader_raises_only_read_error(xlsx_bytes, cuts, truncate):
    data = bytearray(xlsx_bytes)
    for at, value in cuts:
        data[at % len(data)] = value
    if truncate:
        data = data[: len(data) // 2]
    try:
        source = parse_source("t.xlsx", ".xlsx", bytes(data), LintOptions())
    except ReadError as exc:
        assert str(exc)
        return
    report, _ = lint_source(source, LINTER)
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)


# --- config and rulesets -----------------------------------------------------------------

STARTER = (ROOT / "linter" / "data" / "starter.toml").read_text(encoding="utf-8")
RULESET = (ROOT / "rulesets" / "contact.toml").read_text(encoding="utf-8")
toml_keys = st.sampled_from(["platform", "disable", "severity", "points", "fail-on", "rulesets", "extra-rulesets",
                             "allow-domains", "allow-numbers", "allow-phrases", "user-words", "include", "exclude",
                             "max-points", "columns", "keys", "txt-mode", "cache", "jobs", "top", "max-open",
                             "format", "map", "line-pattern", "encoding", "id", "kind", "pattern", "phrases",
                             "detector", "message", "category", "examples.bad", "examples.good", "fix", "near",
                             "context", "boundary", "fatal", "sensitive", "turns"])
toml_values = st.one_of(
    st.sampled_from(['"jd"', '"error"', "[]", '["contact"]', "{}", '{ "contact.mobile" = "info" }', "-1", "1e9",
                     "true", '"(a+)+$"', '"["', '"~/x.toml"', '"/nonexistent/r.toml"', '"\\u0000"', "nan", "inf",
                     '[1, "a"]', '"regex"', '"phrase"', '"detector"', "2024-11-11", '"""多行\n文本"""', "{ a = { b = 1 } }"]),
    st.text(max_size=20).map(json.dumps), st.integers().map(str))
toml_tables = st.sampled_from(["", "[lint]", "[scan]", "[scan.service]", "[scan.thresholds]", "[scan.log]",
                               "[serve]", "[tool.kefulint]", "[[rule]]", "[ruleset]", "[severity]", "[rule]", "[[x]]"])
toml_text = st.lists(st.one_of(toml_tables, st.tuples(toml_keys, toml_values).map(" = ".join), st.text(max_size=30)),
                     max_size=15).map("\n".join)


@st.composite
def mutated(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["cut", "insert", "delete"]))
        if op == "cut":
            text = text[:at]
        elif op == "insert":
            text = text[:at] + draw(st.one_of(toml_text, st.text(max_size=10))) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
    return text


@PROPS
@given(text=st.one_of(toml_text, mutated(STARTER)), name=st.sampled_from(["kefulint.toml", "pyproject.toml"]))
def test_load_config_raises_only_config_error(workdir, text, name):
    path = workdir / name
    path.write_text(text, encoding="utf-8", errors="replace")
    try:
        config = load_config(path)
    except (ConfigError, RulesetError) as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return
    for section in ("scan", "serve"):
        assert isinstance(config.section(section), dict)
    try:
        parse_scan_section(config.section("scan"))
    except ConfigError as exc:
        assert exc.errors


@PROPS
@given(text=st.one_of(toml_text, mutated(RULESET)))
def test_parse_ruleset_raises_only_ruleset_error(text):
    try:
        ruleset = parse_ruleset(text, "user.toml", "user")
    except RulesetError as exc:
        assert exc.errors and all(isinstance(e, str) and e.startswith("user.toml") for e in exc.errors)
        return
    for rule in ruleset.rules:
        assert rule.id


def test_config_with_bad_bytes_is_a_config_error(workdir):
    for data in (b"\xff\xfe\x00platform", "platform = '淘宝'".encode("gbk"), b"platform = \"jd\"\x00"):
        path = workdir / "kefulint.toml"
        path.write_bytes(data)
        with pytest.raises(ConfigError):
            load_config(path)


def test_lint_reports_a_damaged_workbook_instead_of_crashing(xlsx_bytes, tmp_path, monkeypatch):
    """The zip opens but a member fails to inflate when its rows are read: a read error, not a crash."""
    import zipfile

    from click.testing import CliRunner
    from kefulint.cli.main import cli
    from openpyxl import load_workbook

    data = bytearray(xlsx_bytes)
    name = b"xl/worksheets/sheet1.xml"
    header = data.index(name) - 30  # the member's local header: 30 bytes, then its name
    assert data[header : header + 4] == b"PK\x03\x04"
    start = header + 30 + len(name) + int.from_bytes(data[header + 28 : header + 30], "little")
    data[start + 5 : start + 25] = bytes(20)
    with pytest.raises(Exception) as raised:
        book = load_workbook(io.BytesIO(bytes(data)), read_only=True)
        for sheet in book.worksheets:
            list(sheet.iter_rows(values_only=True))
    assert not isinstance(raised.value, zipfile.BadZipFile | ReadError)
    (tmp_path / "replies.xlsx").write_bytes(bytes(data))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["lint", "replies.xlsx", "--no-cache", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["kefulint.read-error"]
