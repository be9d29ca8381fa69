"""Findings of a scan as JSONL or CSV, one finding a line, written as the scan goes. A batch of
records is rendered to text by :func:`render_records` (in the worker that judged it), and the
parent writes the text in order."""
from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import TextIO

from kefulint.scan.pipeline import RECORD_FIELDS

# json.dumps(record, ensure_ascii=False) byte for byte: json.dumps makes an encoder per call
_JSON = json.JSONEncoder(ensure_ascii=False)


def render_records(records: list[dict], fmt: str) -> str:
    """Records as the lines of a findings report (no CSV header)."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=RECORD_FIELDS, lineterminator="\n")
        for record in records:
            row = dict(record)
            for key in ("fatal", "conversation_fatal"):
                row[key] = "true" if row[key] else "false"
            row["seconds"] = "" if row["seconds"] is None else row["seconds"]
            writer.writerow(row)
        return buf.getvalue()
    encode = _JSON.encode
    return "".join([encode(record) + "\n" for record in records])


class FindingsWriter:
    def __init__(self, stream: TextIO, fmt: str) -> None:
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown findings format {fmt!r}")
        self.stream = stream
        self.fmt = fmt
        # what a worker calls to render its records (a plain function: nothing of the stream)
        self.render = partial(render_records, fmt=fmt)
        if fmt == "csv":
            stream.write("\ufeff")  # UTF-8 with BOM, as lint's CSV: Excel on Chinese Windows reads it right
            csv.DictWriter(stream, fieldnames=RECORD_FIELDS, lineterminator="\n").writeheader()

    def write(self, record: dict) -> None:
        self.write_text(self.render([record]))

    def write_text(self, text: str) -> None:
        """Findings already rendered by :attr:`render`."""
        self.stream.write(text)


def format_for(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    name = path.lower()
    return "csv" if name.endswith((".csv", ".csv.gz")) else "jsonl"
