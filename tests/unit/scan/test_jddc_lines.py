"""The JDDC reader's fast path (:class:`JddcLines`) reads every line into the same message or the
same skip as :func:`parse_line`, with or without ``--map``."""
from __future__ import annotations

import pytest
from kefulint.scan.fields import JddcLines, parse_line

SESSION = "2e9f6a1b3c4d5e6f"
EDGE_LINES = [
    f"{SESSION}\tu1\t1\t0\t0\tsku\t您好，请问有什么可以帮您",
    f"{SESSION}\tu1\t0\t0\t0\t\t我的订单\t还没到",  # a tab in the content: it stays in the text
    f"{SESSION}\tu1\t 1 \t0\t0\t\t空格里的角色",
    f"{SESSION}\tu1\t2\t0\t0\t\t未知角色",
    f"{SESSION}\tu1\t\t0\t0\t\t没有角色",
    "\tu1\t1\t0\t0\t\t没有会话",
    f"{SESSION}\t\t0\t0\t0\t\t",
    f"{SESSION}\tu1\t1\t0\t0\tNULL",
    f"{SESSION}\tu1\t1",
    "",
    "   \t  ",
    f"{SESSION}\tu1\tagent\t0\t0\t\t英文角色",
    f"{SESSION}\tu1\tBuyer\t0\t0\t\t英文角色",
    f"{SESSION}\tu1\t1\t2024-11-11 10:00:01\t0\t\t时间在第四列",
    f"{SESSION}\tu1\t1\tnot a time\t0\t\t坏的时间",
]
MAPPINGS = [
    {},
    {"agent": "user_id"},
    {"time": "is_transfer"},
    {"time": "no_such_column"},
    {"text": "sku", "conversation": "user_id"},
    {"role": "is_repeat"},
    {"text": "no_such_column"},
    {"conversation": "no_such_column", "agent": "no_such_column"},
]


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_each_line_as_parse_line_reads_it(mapping):
    fast = JddcLines("chat.txt", mapping)
    for number, line in enumerate(EDGE_LINES * 2, 1):  # twice: roles known from before
        assert fast.parse(number, line) == parse_line("jddc", "chat.txt", number, line, mapping), line


@pytest.mark.parametrize("mapping", MAPPINGS[:3])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r\r\n"])
def test_a_chunk_decoded_whole_reads_as_its_lines_one_by_one(mapping, encoding, ending):
    """parse_chunk decodes a JDDC chunk in one call (readers._jddc_chunk): the same items as the
    lines decoded and parsed one at a time, blank lines, a BOM on line 1 and a last line without
    its line break included; a chunk with a line that does not decode is read line by line."""
    from kefulint.scan.readers import RawLines, line_parser, parse_chunk

    lines = ["\ufeff" + EDGE_LINES[0], *EDGE_LINES, f"{SESSION}\tu2\t0\t0\t0\t\t最后一行"]
    data = ending.join(lines).encode(encoding, "replace")
    bad = data.replace("未知角色".encode(encoding), b"\xff\xfe\xff")
    for first in (1, 7):
        for raw in (data, data + ending.encode(), bad):
            how = ("jddc", encoding, False, tuple(sorted(mapping.items())))
            parse = line_parser("chat.txt", *how)
            want = [item for number, line in enumerate(_lines(raw), first) if (item := parse(number, line)) is not None]
            assert parse_chunk(RawLines("chat.txt", first, raw, how)) == want


def _lines(data: bytes) -> list[bytes]:
    """Lines as a binary file gives them: split after each b"\\n" only."""
    import io

    return list(io.BytesIO(data))
