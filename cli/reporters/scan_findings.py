"""Findings of a scan as JSONL or CSV, one finding a line, written as the scan goes."""
from __future__ import annotations

import csv
import json
from typing import TextIO

from kefulint.scan.pipeline import RECORD_FIELDS


class FindingsWriter:
    def __init__(self, stream: TextIO, fmt: str) -> None:
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown findings format {fmt!r}")
        self.stream = stream
        self.fmt = fmt
        self._csv = None
        if fmt == "csv":
            stream.write("\ufeff")  # UTF-8 with BOM, as lint's CSV: Excel on Chinese Windows reads it right
            self._csv = csv.DictWriter(stream, fieldnames=RECORD_FIELDS, lineterminator="\n")
            self._csv.writeheader()

    def write(self, record: dict) -> None:
        if self._csv is not None:
            row = dict(record)
            for key in ("fatal", "conversation_fatal"):
                row[key] = "true" if row[key] else "false"
            row["seconds"] = "" if row["seconds"] is None else row["seconds"]
            self._csv.writerow(row)
        else:
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def format_for(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    name = path.lower()
    return "csv" if name.endswith((".csv", ".csv.gz")) else "jsonl"
