"""CSV reports open in Excel: a cell of typed text that starts like a formula (= + - @, a tab, a
carriage return) is written with a leading ' so that it is shown, not run; numbers stay numbers."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from kefulint.cli.reporters.csv_cells import csv_cell
from kefulint.cli.reporters.scan_findings import render_records
from kefulint.scan.records import RECORD_FIELDS

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\r=1",
                                  '=HYPERLINK("http://x","点我")'])
def test_a_cell_that_starts_like_a_formula_is_quoted(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["", "亲，加我微信 abc_123", "a=1", "138****8000", "'=already", 6, -3, 0.5, None,
                                   True])
def test_other_cells_are_unchanged(value):
    assert csv_cell(value) is value


def test_every_csv_writer_of_the_cli_goes_through_csv_cell():
    writers = [p for p in sorted(ROOT.joinpath("cli").rglob("*.py")) if "import csv" in p.read_text(encoding="utf-8")]
    assert writers and all("csv_cell(" in p.read_text(encoding="utf-8") for p in writers), writers


def test_scan_csv_rows_neutralise_typed_text_and_keep_numbers():
    record = dict.fromkeys(RECORD_FIELDS, "x")
    record.update(conversation='=HYPERLINK("http://x","c")', agent="+cmd|' /C calc'!A0", buyer="@SUM(1+1) 有QQ吗",
                  text="-加我微信 ⟦ab*_****56⟧", match="=1", turn=2, line=-1, points=-6, seconds=-0.5, fatal=True,
                  conversation_fatal=False)
    row = next(csv.DictReader(io.StringIO(",".join(RECORD_FIELDS) + "\n"
                                          + render_records([record], "csv").decode("utf-8"))))
    for key in ("conversation", "agent", "buyer", "text", "match"):
        assert row[key] == "'" + record[key]
    assert (row["turn"], row["line"], row["points"], row["seconds"]) == ("2", "-1", "-6", "-0.5")
    assert (row["fatal"], row["conversation_fatal"], row["rule"]) == ("true", "false", "x")
