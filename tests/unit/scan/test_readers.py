"""Reading chat logs: formats, field mapping, encodings, compression, stdin, bad lines."""
from __future__ import annotations

import gzip
import io
import json

import pytest
from kefulint.scan.readers import LogFormat, LogReader, Message, Skip, format_time, parse_mapping, parse_time


def read(paths, fmt=None, stdin=None):
    reader = LogReader([str(p) for p in paths], fmt or LogFormat(), stdin=stdin)
    items = list(reader)
    return reader, [i for i in items if isinstance(i, Message)], [i for i in items if isinstance(i, Skip)]


def jsonl(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def test_jsonl_default_fields_and_bad_lines(tmp_path):
    p = tmp_path / "log.jsonl"
    p.write_text(
        jsonl([{"conversation": "c1", "role": "buyer", "time": "2024-11-11 10:00:00", "text": "在吗"}])
        + "{broken\n"
        + jsonl([{"conversation": "c1", "role": "客服", "agent": "小美", "time": "2024-11-11 10:00:03", "text": "您好"},
                 {"conversation": "c1", "role": "robot", "text": "?"},
                 {"conversation": "c1", "role": "agent", "time": "yesterday", "text": "x"},
                 {"conversation": "c1", "role": "agent"}])
        + "[1, 2]\n\n",
        encoding="utf-8",
    )
    reader, msgs, skips = read([p])
    assert [(m.role, m.agent, m.text, m.line) for m in msgs] == [("buyer", "", "在吗", 1), ("agent", "小美", "您好", 3)]
    assert msgs[1].time - msgs[0].time == 3
    assert [(s.line, s.reason) for s in skips] == [
        (2, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (4, "unknown role 'robot' (buyer: buyer/user/customer/买家/客户/顾客/0; agent: agent/客服/seller/商家/1)"),
        (5, "bad time 'yesterday'"),
        (6, "no text field 'text'"),
        (7, "JSON line is not an object"),
    ]
    assert str(skips[0]).startswith(f"{p}:2: invalid JSON")
    assert reader.lines == 8
    assert reader.files == [(str(p), "jsonl", "utf-8")]


def test_mapping_option_names_columns(tmp_path):
    p = tmp_path / "export.jsonl"
    p.write_text(jsonl([{"sid": "s9", "who": 1, "staff": "阿强", "at": 1731290400, "body": "你好"}]), encoding="utf-8")
    fmt = LogFormat(mapping=parse_mapping("text=body,role=who,conversation=sid,agent=staff,time=at"))
    _, msgs, skips = read([p], fmt)
    assert not skips
    assert msgs[0][2:] == ("s9", "agent", "阿强", msgs[0].time, "你好")
    assert format_time(msgs[0].time) == "2024-11-11 10:00:00"  # epoch shown on the China wall clock


@pytest.mark.parametrize("spec, error", [
    ("text", "--map: 'text' is not field=column"),
    ("txt=content", "--map: unknown field 'txt' (fields: text, role, conversation, agent, time)"),
])
def test_mapping_errors(spec, error):
    with pytest.raises(ValueError) as exc:
        parse_mapping(spec)
    assert str(exc.value) == error


def test_csv_and_tsv_with_header(tmp_path):
    c = tmp_path / "log.csv"
    c.write_text('会话,角色,客服,时间,内容\nc1,买家,,2024/11/11 10:00:00,"有QQ吗, 急"\n'
                 'c1,客服,小美,2024/11/11 10:00:05,"有，5738201946"\nc1,客服\n', encoding="utf-8")
    _, msgs, skips = read([c])
    assert [(m.role, m.text) for m in msgs] == [("buyer", "有QQ吗, 急"), ("agent", "有，5738201946")]
    assert [(s.line, s.reason) for s in skips] == [(4, "2 columns, header has 5")]
    t = tmp_path / "log.tsv"
    t.write_text("conversation\trole\ttext\nc2\tbuyer\t在吗\n", encoding="utf-8")
    _, msgs, skips = read([t])
    assert msgs[0].text == "在吗" and not skips


def test_csv_header_without_text_column_is_reported(tmp_path):
    c = tmp_path / "log.csv"
    c.write_text("a,b\n1,2\n", encoding="utf-8")
    _, msgs, skips = read([c])
    assert not msgs
    assert [(s.line, s.reason) for s in skips] == [
        (1, "header has no column for text ('text'), role ('role'); file skipped")]


def test_jddc_is_sniffed_and_content_keeps_tabs(tmp_path):
    p = tmp_path / "chat.txt"
    p.write_text(
        "0000b82c62117aa4497508bb1bdfb53a\tUSERID_1\t0\t0\t0\tnan\t在吗\n"
        "0000b82c62117aa4497508bb1bdfb53a\tUSERID_1\t1\t0\t0\tnan\t您好\t有什么可以帮您\n"
        "0000b82c62117aa4497508bb1bdfb53a\tUSERID_1\t1\n",
        encoding="utf-8",
    )
    reader, msgs, skips = read([p])
    assert reader.files[0][1] == "jddc"
    assert [(m.conversation[:4], m.role, m.text) for m in msgs] == [
        ("0000", "buyer", "在吗"), ("0000", "agent", "您好\t有什么可以帮您")]
    assert [(s.line, s.reason) for s in skips] == [(3, "3 tab-separated columns, JDDC has 7")]


def test_plain_text_export_gb18030_with_continuations(tmp_path):
    p = tmp_path / "export.txt"
    text = ("说明：导出的聊天记录\n"
            "2024-11-11 10:00:00 tb_buyer88 能便宜点吗\n"
            "2024-11-11 10:00:02 木木家居:小美 您好，欢迎光临\n已经是活动价了哦\n\n"
            "2024-11-11 10:00:09 木木家居：小丽\n这是第二行\n")
    p.write_bytes(text.encode("gb18030"))
    reader, msgs, skips = read([p])
    assert reader.files == [(str(p), "text", "gb18030")]
    assert [(m.role, m.agent, m.text, m.line, m.conversation) for m in msgs] == [
        ("buyer", "", "能便宜点吗", 2, "export.txt#tb_buyer88"),
        ("agent", "小美", "您好，欢迎光临\n已经是活动价了哦", 3, "export.txt#tb_buyer88"),
        ("agent", "小丽", "这是第二行", 6, "export.txt#tb_buyer88"),
    ]
    assert [(s.line, s.reason) for s in skips] == [(1, "does not match the line pattern and follows no message")]


def test_custom_line_pattern_with_role_group(tmp_path):
    p = tmp_path / "x.log"
    p.write_text("[客服|阿强] 你好\n[买家|zz] 在吗\n", encoding="utf-8")
    fmt = LogFormat(format="text", line_pattern=r"^\[(?P<role>[^|]+)\|(?P<speaker>[^\]]+)\] (?P<text>.*)$")
    _, msgs, _ = read([p], fmt)
    assert [(m.role, m.agent, m.text) for m in msgs] == [("agent", "阿强", "你好"), ("buyer", "", "在吗")]


def test_bom_gzip_directory_glob_and_stdin(tmp_path):
    row = jsonl([{"conversation": "c", "role": "agent", "text": "你好"}])
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + row.encode())
    with gzip.open(tmp_path / "d" / "b.jsonl.gz", "wb") as fh:
        fh.write(row.encode())
    reader, msgs, skips = read([tmp_path / "d"])
    assert len(msgs) == 2 and not skips
    assert [(f[1], f[2]) for f in reader.files] == [("jsonl", "utf-8-sig"), ("jsonl", "utf-8")]
    reader, msgs, _ = read([str(tmp_path / "d" / "*.gz")])
    assert len(msgs) == 1
    reader, msgs, _ = read(["-"], stdin=io.BufferedReader(io.BytesIO(row.encode("gb18030"))))
    assert msgs[0].source == "-" and msgs[0].text == "你好"


def test_invalid_utf8_line_in_utf8_file_is_skipped(tmp_path):
    p = tmp_path / "log.jsonl"
    good = jsonl([{"conversation": "c", "role": "agent", "text": "你好"}]).encode()
    p.write_bytes(good * 3000 + b'{"text": "\xff\xfe"}\n' + good)  # bad byte past the sniffed sample
    _, msgs, skips = read([p])
    assert len(msgs) == 3001
    assert [(s.line, s.reason) for s in skips] == [(3001, "not valid utf-8 (byte 11)")]


def test_missing_inputs_are_errors():
    reader = LogReader(["/nonexistent/x.jsonl", "/nonexistent/*.jsonl"])
    assert reader.errors == ["/nonexistent/x.jsonl: no such file or directory", "/nonexistent/*.jsonl: no file matches"]


@pytest.mark.parametrize("value, expected", [
    ("2024-11-11 10:00:01", "2024-11-11 10:00:01"),
    ("2024/1/5 9:03:00", "2024-01-05 09:03:00"),
    ("2024-11-11T02:00:01Z", "2024-11-11 10:00:01"),
    ("2024-11-11T10:00:01+08:00", "2024-11-11 10:00:01"),
    (1731290401000, "2024-11-11 10:00:01"),
    ("1731290401", "2024-11-11 10:00:01"),
])
def test_parse_time(value, expected):
    assert format_time(parse_time(value)) == expected


def test_parse_time_empty_and_bad():
    assert parse_time("") is None and parse_time(None) is None
    with pytest.raises(ValueError):
        parse_time("11/11 上午")


@pytest.mark.parametrize("fmt", ["auto", "jsonl", "csv", "tsv", "jddc", "text"])
def test_garbage_never_raises_and_every_line_is_accounted_for(tmp_path, fmt):
    import random

    rng = random.Random(7)
    p = tmp_path / "garbage.log"
    chunks = [bytes(rng.randrange(256) for _ in range(rng.randrange(80))) for _ in range(300)]
    chunks += ['{"role": "agent", "text": "好"}'.encode(), "\r中文\r\n".encode("gb18030"), b"\x00\x00", b'"unclosed,']
    data = b"\n".join(chunks)
    p.write_bytes(data)
    (tmp_path / "empty.jsonl").write_bytes(b"")
    reader = LogReader([str(p), str(tmp_path / "empty.jsonl")], LogFormat(format=fmt))
    items = list(reader)
    assert all(isinstance(i, (Message, Skip)) for i in items)
    assert reader.lines == data.count(b"\n") + 1
    assert all(1 <= i.line <= reader.lines for i in items)


def test_csv_row_spanning_lines_and_csv_errors(tmp_path):
    c = tmp_path / "log.csv"
    c.write_text('role,text\nagent,"两行\n的消息"\nagent,x,多了一列\nbuyer,好\n', encoding="utf-8")
    _, msgs, skips = read([c])
    assert [(m.line, m.text) for m in msgs] == [(2, "两行\n的消息"), (5, "好")]
    assert [s.line for s in skips] == [4]


def test_deeply_nested_json_line_is_a_skip_not_a_crash(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"role": "agent", "text": "在的"}\n' + "[" * 100000 + "]" * 100000 + '\n{"role": "agent", "text": "好的"}\n',
                    encoding="utf-8")
    items = list(LogReader([str(path)]))
    assert [m.text for m in items if isinstance(m, Message)] == ["在的", "好的"]
    assert [(s.line, s.reason) for s in items if isinstance(s, Skip)] == [(2, "invalid JSON: nested too deeply")]


def test_a_time_no_date_can_show_is_a_skip_not_a_crash(tmp_path):
    """1e400 (infinity), NaN and an epoch far past the year 9999 were read as times and ended the
    scan when a report formatted them."""
    path = tmp_path / "log.jsonl"
    lines = ['{"role": "agent", "text": "在的", "time": ' + t + "}"
             for t in ("1e400", "-1e400", "NaN", "99999999999999999999", "-99999999999999", "1730419200")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(LogReader([str(path)]))
    assert [(s.line, s.reason) for s in items if isinstance(s, Skip)] == [
        (1, "bad time 'inf'"), (2, "bad time '-inf'"), (3, "bad time 'nan'"), (4, "bad time '999*************9999'"),
        (5, "bad time '-999*******9999'")]  # long digit runs masked, as in every skip reason
    assert [format_time(m.time) for m in items if isinstance(m, Message)] == ["2024-11-01 08:00:00"]
