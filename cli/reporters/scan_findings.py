"""Findings of a scan as JSONL or CSV, one finding a line, written as the scan goes. The findings
of a batch of conversations are rendered to UTF-8 by :func:`render_findings` (in the worker that
judged them: bytes cross the process boundary as they are, a string would be encoded and decoded
on the way), and the parent writes the bytes in order."""
from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import TextIO

from kefulint.scan.judge import Judged
from kefulint.scan.records import RECORD_FIELDS, add_finding_lines, finding_records

from .csv_cells import csv_cell

# json.dumps(record, ensure_ascii=False) byte for byte: json.dumps makes an encoder per call
_JSON = json.JSONEncoder(ensure_ascii=False)


def render_records(records: list[dict], fmt: str) -> bytes:
    """Records as the lines of a findings report (no CSV header), in UTF-8."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=RECORD_FIELDS, lineterminator="\n")
        for record in records:
            row = {key: csv_cell(value) for key, value in record.items()}
            for key in ("fatal", "conversation_fatal"):
                row[key] = "true" if row[key] else "false"
            row["seconds"] = "" if row["seconds"] is None else row["seconds"]
            writer.writerow(row)
        return buf.getvalue().encode("utf-8")
    encode = _JSON.encode
    return "".join([encode(record) + "\n" for record in records]).encode("utf-8")


def render_findings(judged: list[Judged], show_matches: bool, fmt: str) -> bytes:
    """The findings of judged conversations as :func:`render_records` renders their records; JSONL
    written straight from the findings (:func:`~kefulint.scan.records.add_finding_lines`)."""
    if fmt == "csv":
        return render_records([r for j in judged for r in finding_records(j, show_matches)], fmt)
    pieces: list[bytes] = []
    fragments: dict = {}  # what findings of one rule share, encoded once a batch
    for j in judged:
        add_finding_lines(pieces, j, show_matches, fragments)
    return b"".join(pieces)


class FindingsWriter:
    """Writes to the binary stream under ``stream`` (a UTF-8 text stream without newline
    translation): the text layer is never written to."""

    def __init__(self, stream: TextIO, fmt: str) -> None:
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown findings format {fmt!r}")
        self.stream = stream
        self.fmt = fmt
        # what a worker calls to render its findings (a plain function: nothing of the stream)
        self.render = partial(render_findings, fmt=fmt)
        if fmt == "csv":
            header = io.StringIO()
            header.write("\ufeff")  # UTF-8 with BOM, as lint's CSV: Excel on Chinese Windows reads it right
            csv.DictWriter(header, fieldnames=RECORD_FIELDS, lineterminator="\n").writeheader()
            self.write_rendered(header.getvalue().encode("utf-8"))

    def write_rendered(self, data: bytes) -> None:
        """Findings already rendered by :attr:`render`."""
        self.stream.buffer.write(data)


def format_for(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    name = path.lower()
    return "csv" if name.endswith((".csv", ".csv.gz")) else "jsonl"
